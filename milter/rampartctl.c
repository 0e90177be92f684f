/*
 * rampartctl - rampart's admin tool: options, config, subcommand dispatch.
 * The subcommands live in rampartctl_*.c. Links rampart_lib only, never
 * libmilter. Single-threaded. Exit status: 0 success, 1 usage or config
 * error, 2 runtime failure (database missing or unreadable, not found),
 * 3 a failed finding of doctor.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "config/config.h"
#include "ctl_util.h"
#include "rampartctl.h"
#include "base/util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: rampartctl [-c FILE] [--db PATH] [--now EPOCH] COMMAND ...\n"
		"  -c FILE       config file (default %s; its defaults when absent)\n"
		"  --db PATH     greylist database (default: [greylist] database)\n"
		"  --now EPOCH   take EPOCH as the current time for the command (a purge\n"
		"                with it deletes what is expired then: see purge --dry-run)\n"
		"  -V            print the version\n"
		"commands:\n", RP_DEFAULT_CONFIG);
	ctl_greylist_usage(out);
	ctl_postfix_usage(out);
	ctl_doctor_usage(out);
}

static const struct {
	const char *name;
	int (*run)(struct ctl *c, int argc, char **argv);
} commands[] = {
	{ "greylist", ctl_greylist },
	{ "postfix", ctl_postfix },
	{ "doctor", ctl_doctor },
};

static struct rp_config *load_config(const char *path, bool given)
{
	struct rp_errlist errs = { 0 };
	struct rp_config *cfg;

	if (!given && access(path, F_OK) != 0)
		return config_defaults();
	cfg = config_load(path, &errs);
	if (!cfg) {
		for (size_t i = 0; i < errs.n; i++)
			ctl_error("%s", errs.msg[i]);
		if (!errs.n)
			ctl_error("%s: cannot load", path);
	}
	errlist_clear(&errs);
	return cfg;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'D' },
		{ "now", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = RP_DEFAULT_CONFIG;
	bool config_given = false;
	struct ctl c = { 0 };
	char *end;
	long long now;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "+c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			config_given = true;
			break;
		case 'D':
			c.db_path = optarg;
			break;
		case 'N':
			now = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || now <= 0) {
				ctl_error("--now %s: expected seconds since the epoch", optarg);
				return CTL_USAGE;
			}
			clock_set_fake((time_t)now);
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		case 'V':
			printf("rampartctl %s\n", RAMPART_VERSION);
			return CTL_OK;
		default:
			usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_USAGE;
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(commands); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		c.cfg = load_config(config_path, config_given);
		if (!c.cfg)
			return CTL_USAGE;
		if (!c.db_path)
			c.db_path = c.cfg->greylist.database;
		rc = commands[i].run(&c, argc - optind - 1, argv + optind + 1);
		config_unref(c.cfg);
		return rc;
	}
	ctl_error("unknown command \"%s\"", argv[optind]);
	usage(stderr);
	return CTL_USAGE;
}

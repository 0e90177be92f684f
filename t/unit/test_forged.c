/* test_forged - which arriving Authentication-Results and Received-SPF
 * headers claim this host's identity (policy_header_forged). Table-driven. */
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "policy/policy.h"
#include "test.h"

int main(void)
{
	struct rp_config *c = config_defaults();
	free(c->milter.hostname);
	c->milter.hostname = xstrdup("mx.rampart.test");
	free(c->spf.authserv_id);
	c->spf.authserv_id = xstrdup("auth.rampart.test");

	static const struct {
		const char *name, *value;
		bool forged;
	} cases[] = {
		{ "Authentication-Results", "auth.rampart.test; spf=pass smtp.mailfrom=a@x", true },
		{ "authentication-results", "AUTH.Rampart.Test; spf=pass", true },
		{ "Authentication-Results", "  (comment) auth.rampart.test 1; iprev=pass", true },
		{ "Authentication-Results", "\"auth.rampart.test\"; spf=pass", true },
		{ "Authentication-Results", "auth.rampart.test;spf=pass", true },
		{ "Authentication-Results", "auth.rampart.test.evil; spf=pass", false },
		{ "Authentication-Results", "other.example; spf=pass (auth.rampart.test)", false },
		{ "Authentication-Results", "xauth.rampart.test; spf=pass", false },
		{ "Authentication-Results", "", false },
		{ "Authentication-Results", "(unclosed comment auth.rampart.test", false },
		{ "Received-SPF", "pass (mx.rampart.test: domain of a@x designates 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=a@x; helo=h; receiver=mx.rampart.test; identity=mailfrom", true },
		{ "Received-SPF", "pass receiver=MX.RAMPART.TEST", true },
		{ "Received-SPF", "pass client-ip=1.2.3.4;receiver = mx.rampart.test ;", true },
		{ "Received-SPF", "pass (mx.rampart.test: faked comment) receiver=other.example", false },
		{ "Received-SPF", "pass xreceiver=mx.rampart.test", false },
		{ "Received-SPF", "pass envelope-from=\"receiver=mx.rampart.test\"; receiver=other.example", false },
		{ "Received-SPF", "pass receiver=mx.rampart.test.evil", false },
		{ "Received-SPF", "pass", false },
		{ "X-Authentication-Results", "auth.rampart.test; spf=pass", false },
		{ "Received", "from mx.rampart.test", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char ctx[160];
		snprintf(ctx, sizeof ctx, "%s: %.80s", cases[i].name, cases[i].value);
		T_EQ_INT(policy_header_forged(c, cases[i].name, cases[i].value), cases[i].forged, ctx);
	}
	T_EQ_INT(policy_header_forged(c, NULL, "x"), false, "no name");
	T_EQ_INT(policy_header_forged(c, "Received-SPF", NULL), false, "no value");
	config_unref(c);
	return t_done();
}

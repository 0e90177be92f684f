#!/usr/bin/env python3
"""layers.py - check the layering rules of the README's "Layout".

  1. lib/ folders form layers; a file includes headers of its own folder
     or of a lower layer, never a higher one, and folders on one layer do
     not include each other.
  2. lib/ never includes libmilter; milter/ never includes ldns, LMDB or
     libspf2 (they are reached only through lib/).
  2b. libmariadb (<mysql.h>, <errmsg.h>) only in lib/tables/sql_table.c.
  3. No circles between modules: a module is a header and the .c files
     named after it (config.c, config_keys.c ... belong to config.h), and
     no two modules include each other, directly or round about.

usage: layers.py SOURCE_DIR    check the tree; exit 1 with every breach
       layers.py --self-test   show that each rule catches a breach
"""
import os
import re
import sys
import tempfile

LAYERS = [["base"], ["dns"], ["spf", "greylist", "tables"], ["config"],
          ["engine"], ["checks"], ["policy"]]
LEVEL = {f: i for i, row in enumerate(LAYERS) for f in row}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
MILTER_FORBIDDEN = ("ldns/", "lmdb.h", "spf2/")
MARIADB_HEADERS = ("mysql.h", "errmsg.h", "mariadb/")
MARIADB_ONLY_IN = "lib/tables/sql_table.c"


def sources(top, area):
    for dp, _, files in os.walk(os.path.join(top, area)):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.join(dp, f)


def module_of(path):
    """The header a file belongs to: the longest '_' prefix with a .h."""
    d, f = os.path.split(path)
    stem = f[:-2]
    parts = stem.split("_")
    for n in range(len(parts), 0, -1):
        p = "_".join(parts[:n])
        if p.endswith("_int"):
            continue
        if os.path.exists(os.path.join(d, p + ".h")):
            return os.path.join(d, p)
    return os.path.join(d, stem)


def check(top):
    errs = []
    edges = {}
    lib = os.path.join(top, "lib")
    for area in ("lib", "milter"):
        for path in sources(top, area):
            rel = os.path.relpath(path, top)
            text = open(path, encoding="utf-8", errors="replace").read()
            mod = module_of(path)
            if area == "lib" and rel.count("/") >= 2 and rel.split("/")[1] not in LEVEL:
                errs.append("%s: folder lib/%s is on no layer" % (rel, rel.split("/")[1]))
            for kind, inc in INCLUDE.findall(text):
                if area == "lib" and inc.startswith("libmilter/"):
                    errs.append("%s: includes <%s>: lib/ never sees libmilter" % (rel, inc))
                if area == "milter" and inc.startswith(MILTER_FORBIDDEN):
                    errs.append("%s: includes <%s>: milter/ reaches it only through lib/" % (rel, inc))
                if kind == '<' and inc.startswith(MARIADB_HEADERS) and rel != MARIADB_ONLY_IN:
                    errs.append("%s: includes <%s>: libmariadb is reached only in %s" % (
                        rel, inc, MARIADB_ONLY_IN))
                if kind != '"':
                    continue
                if area == "lib" or "/" in inc:
                    target = os.path.join(lib, inc)
                    if area == "lib" and not os.path.exists(target):
                        errs.append('%s: includes "%s": not a header below lib/' % (rel, inc))
                        continue
                else:
                    target = os.path.join(os.path.dirname(path), inc)
                if area == "lib":
                    here = rel.split("/")[1]
                    there = inc.split("/")[0]
                    if here not in LEVEL:
                        pass
                    elif there not in LEVEL:
                        errs.append('%s: includes "%s": lib/%s is on no layer' % (rel, inc, there))
                    elif there != here and LEVEL[there] >= LEVEL[here]:
                        errs.append('%s: includes "%s": lib/%s may not include lib/%s (%s)' % (
                            rel, inc, here, there,
                            "same layer" if LEVEL[there] == LEVEL[here] else "a higher layer"))
                tmod = module_of(target)
                if tmod != mod and os.path.exists(target):
                    edges.setdefault(mod, set()).add(tmod)
    # circles between modules
    state = {}
    stack = []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                cyc = stack[stack.index(n):] + [n]
                errs.append("circle: " + " -> ".join(os.path.relpath(c, top) for c in cyc))
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    return errs


def self_test():
    cases = {
        "upward include": {"lib/base/a.h": '#include "dns/b.h"\n', "lib/dns/b.h": ""},
        "same layer": {"lib/spf/a.h": '#include "tables/b.h"\n', "lib/tables/b.h": ""},
        "libmilter in lib": {"lib/base/a.c": "#include <libmilter/mfapi.h>\n"},
        "lmdb in milter": {"milter/x.c": "#include <lmdb.h>\n"},
        "mysql outside sql_table.c": {"lib/tables/x.c": "#include <mysql.h>\n"},
        "circle": {"lib/dns/a.h": "", "lib/dns/a.c": '#include "dns/b.h"\n',
                   "lib/dns/b.h": "", "lib/dns/b.c": '#include "dns/a.h"\n'},
        "folder on no layer": {"lib/extra/a.h": ""},
    }
    ok = {"lib/base/a.h": "", "lib/dns/b.h": '#include "base/a.h"\n',
          "milter/m.c": '#include "dns/b.h"\n#include "m.h"\n', "milter/m.h": ""}
    failed = 0
    for name, files in list(cases.items()) + [("clean tree", ok)]:
        with tempfile.TemporaryDirectory() as d:
            for p, text in files.items():
                os.makedirs(os.path.dirname(os.path.join(d, p)), exist_ok=True)
                open(os.path.join(d, p), "w").write(text)
            os.makedirs(os.path.join(d, "milter"), exist_ok=True)
            errs = check(d)
            want = name != "clean tree"
            good = bool(errs) == want
            print("%s: %s (%s)" % ("ok" if good else "FAILED", name, errs[0] if errs else "no breach"))
            failed += not good
    return failed


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        sys.exit(1 if self_test() else 0)
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    errs = check(sys.argv[1])
    for e in errs:
        print(e)
    n = sum(1 for a in ("lib", "milter") for _ in sources(sys.argv[1], a))
    print("%d files, %d breaches" % (n, len(errs)))
    sys.exit(1 if errs else 0)

#!/bin/sh
# Render each man page with groff's warnings on; any warning (or a page that
# does not render) fails. Usage: render.sh PAGE...
fail=0
for page in "$@"; do
	if [ ! -s "$page" ]; then
		echo "FAIL: $page: missing or empty"
		fail=$((fail + 1))
		continue
	fi
	warnings=$(groff -ww -man -Tutf8 "$page" 2>&1 >/dev/null)
	status=$?
	if [ $status -ne 0 ] || [ -n "$warnings" ]; then
		echo "FAIL: $page (groff exit $status)"
		printf '%s\n' "$warnings" | sed 's/^/    /'
		fail=$((fail + 1))
	else
		echo "ok: $page"
	fi
done
echo "man/render: $(($# - fail)) of $# pages clean"
[ $fail -eq 0 ]

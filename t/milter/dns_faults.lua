-- DNS faults from ldns-testns (t/data/testns/checks.data): SERVFAIL,
-- REFUSED, timeouts, answers for another question, malformed answers. A
-- temporary failure is never a pass and never a permanent reject; a DNSBL
-- error counts as not listed; nothing waits past the 1 s stage budget.
local T = dofile(os.getenv("MT_LIB"))

local function connect_temp(ip, what)
	T.mark()
	local t0 = os.time()
	local c = T.connect("unknown", ip)
	T.reply(c, SMFIR_CONTINUE, what .. ": fcrdns = log does not refuse")
	T.logged("reject_warning: CONNECT from unknown[" .. ip .. "]: 450 4.7.25 Client host rejected: cannot find your hostname, [" .. ip .. "]; check=client_fcrdns", what)
	T.ok(os.time() - t0 <= 4, what .. ": answered within the budget (+ slack)")
	return c
end

local c = connect_temp("203.0.113.10", "PTR SERVFAIL")
T.logged("dnsbl: lookup error for 10.113.0.203.bl.fault.test (zone bl.fault.test): ", "DNSBL SERVFAIL logged")
T.not_logged("check=dnsbl")
mt.disconnect(c)
mt.disconnect(connect_temp("203.0.113.11", "PTR REFUSED"))
mt.disconnect(connect_temp("203.0.113.12", "forward lookup SERVFAIL"))
mt.disconnect(connect_temp("203.0.113.13", "no answer at all"))
mt.disconnect(connect_temp("203.0.113.14", "answer for another question"))
mt.disconnect(connect_temp("203.0.113.15", "malformed answer"))

c = connect_temp("203.0.113.16", "client for the later stages")
T.mark()
T.helo(c, "helo-timeout.fault.test", SMFIR_REPLYCODE, "HELO lookup times out")
T.logged("reject: HELO from unknown[203.0.113.16]: 450 4.7.1 <helo-timeout.fault.test>: Helo command rejected: Host not found; helo=<helo-timeout.fault.test> check=helo_unknown")
T.helo(c, "[203.0.113.16]", SMFIR_CONTINUE, "literal HELO needs no DNS")

T.mark()
T.mail(c, "<a@mx-servfail.fault.test>", SMFIR_REPLYCODE, "MX SERVFAIL, A NXDOMAIN: temporary")
T.logged("450 4.1.8 <a@mx-servfail.fault.test>: Sender address rejected: Domain not found; from=<a@mx-servfail.fault.test> helo=<[203.0.113.16]> check=sender_unknown_domain")
T.mail(c, "<a@nx.fault.test>", SMFIR_REPLYCODE, "NXDOMAIN everywhere")
T.logged("450 4.1.8 <a@nx.fault.test>: Sender address rejected: Domain not found;")
T.mail(c, "<a@aaaa-only.fault.test>", SMFIR_CONTINUE, "MX and A time out, AAAA found: exists")
mt.disconnect(c)
T.done()

-- The DNS checks against a real NSD serving t/data/zones (delay_reject = no,
-- so each refusal comes at its own stage).
local T = dofile(os.getenv("MT_LIB"))

-- CONNECT: refused clients
local function refused_at_connect(ip, text, what)
	T.mark()
	local c = T.connect("unknown", ip)
	T.reply(c, SMFIR_REPLYCODE, what)
	T.logged("NOQUEUE: reject: CONNECT from unknown[" .. ip .. "]: " .. text, what)
	mt.disconnect(c)
end

refused_at_connect("192.0.2.2",
	"554 5.7.1 Service unavailable; Client host [192.0.2.2] blocked using bl.rampart.test; Listed: 192.0.2.2 sends spam, see https://bl.rampart.test/q?192.0.2.2; check=dnsbl",
	"DNSBL listing with its TXT reason")
refused_at_connect("2001:db8::2",
	"554 5.7.1 Service unavailable; Client host [2001:db8::2] blocked using bl.rampart.test; Listed: 2001:db8::2; check=dnsbl",
	"IPv6 DNSBL listing (nibble query)")
refused_at_connect("192.0.2.44",
	"554 5.7.1 Service unavailable; Client host [192.0.2.44] blocked using bl.rampart.test; evil??X-Injected: yes? 100% spam; check=dnsbl",
	"TXT with CR/LF/NUL made printable")
refused_at_connect("192.0.2.6",
	"450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.6]; check=client_fcrdns",
	"PTR name does not resolve")
refused_at_connect("192.0.2.5",
	"450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.5]; check=client_fcrdns",
	"numeric PTR is not a hostname")
T.logged("reject_warning: CONNECT from unknown[192.0.2.5]: 450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.5]; check=client_ptr",
	"client_ptr = log")
refused_at_connect("192.0.2.3",
	"554 5.7.1 Service unavailable; Client host [192.0.2.3] blocked using bl.rampart.test; Listed: 192.0.2.3; check=dnsbl",
	"two A answers count once")
refused_at_connect("192.0.2.50",
	"450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.50]; check=client_fcrdns",
	"50 PTR records, none confirmed")

-- a 4 KiB TXT reason is cut to keep the reply within 512 octets
T.mark()
local c = T.connect("unknown", "192.0.2.48")
T.reply(c, SMFIR_REPLYCODE, "listed with a 4 KiB TXT")
local line = string.match(T.since(), "reject: CONNECT from unknown%[192%.0%.2%.48%]: ([^\n]*); check=dnsbl")
local prefix = "554 5.7.1 Service unavailable; Client host [192.0.2.48] blocked using bl.rampart.test; spamspam"
T.ok(line and string.sub(line, 1, #prefix) == prefix, "4 KiB TXT reply: " .. tostring(line))
T.ok(line and #line <= 510, "reply line within 512 octets with CRLF: " .. tostring(line and #line))
mt.disconnect(c)

-- 127.255.255.254 is a list error, not a listing; the PTR is missing though
T.mark()
c = T.connect("unknown", "192.0.2.254")
T.reply(c, SMFIR_REPLYCODE, "list error answer ignored, fcrdns refuses")
T.logged("dnsbl: zone bl.rampart.test answered 127.255.255.254 for 192.0.2.254: query refused or limit exceeded, not a listing")
T.logged("450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.254]; check=client_fcrdns")
T.not_logged("check=dnsbl")
mt.disconnect(c)

-- weights add up: bl (1) + wl (-5) = -4 is below the threshold, and at or
-- below allow_threshold (-1) the rDNS checks are skipped (no PTR here)
T.mark()
c = T.connect("unknown", "192.0.2.45")
T.reply(c, SMFIR_CONTINUE, "listed on bl and wl: score -4, allowed")
T.logged("unknown[192.0.2.45]: dnsbl score -4: bl.rampart.test*1 wl.rampart.test*-5", "each matching zone and weight named")
T.not_logged("reject")
mt.disconnect(c)
-- an answer outside the filter is not a listing: wl only, -5, allowed
T.mark()
c = T.connect("unknown", "192.0.2.49")
T.reply(c, SMFIR_CONTINUE, "filtered bl answer, wl listing: allowed")
T.logged("unknown[192.0.2.49]: dnsbl score -5: wl.rampart.test*-5", "only the zone that matched")
T.not_logged("check=dnsbl")
mt.disconnect(c)

-- CONNECT: forward-confirmed IPv4 and IPv6, several A records (192.0.2.1 and
-- 2001:db8::1 answer 127.0.10.1 on wl, outside its filter: score 0)
local function good_client(ip, name, what)
	T.mark()
	local conn = T.connect("unknown", ip)
	T.reply(conn, SMFIR_CONTINUE, what)
	return conn
end

c = good_client("192.0.2.1", "fc.rampart.test", "forward-confirmed client")
T.helo(c, "fc.rampart.test", SMFIR_CONTINUE, "HELO that exists")
T.mail(c, "<a@mx-a.rampart.test>", SMFIR_CONTINUE, "sender domain with MX")
T.rcpt(c, "<b@a-only.rampart.test>", SMFIR_CONTINUE, "recipient domain with only A")
T.rcpt(c, "<b@aaaa-only.rampart.test>", SMFIR_CONTINUE, "recipient domain with only AAAA")
T.rcpt(c, "<b@c1.rampart.test>", SMFIR_CONTINUE, "recipient domain behind a CNAME chain")
assert(mt.eom(c) == nil)
T.ok(mt.eom_check(c, MT_HDRINSERT, "Authentication-Results",
	"mx.rampart.test; iprev=pass policy.iprev=192.0.2.1 (fc.rampart.test)"), "iprev=pass header")
mt.disconnect(c)

c = good_client("2001:db8::1", "fc6.rampart.test", "forward-confirmed IPv6 client")
T.helo(c, "fc6.rampart.test", SMFIR_CONTINUE)
T.mail(c, "<a@mx-a.rampart.test>", SMFIR_CONTINUE)
T.rcpt(c, "<b@mx-a.rampart.test>", SMFIR_CONTINUE)
assert(mt.eom(c) == nil)
T.ok(mt.eom_check(c, MT_HDRINSERT, "Authentication-Results",
	"mx.rampart.test; iprev=pass policy.iprev=2001:db8::1 (fc6.rampart.test)"), "iprev=pass header for IPv6")
mt.disconnect(c)

c = good_client("198.51.100.10", "multi.rampart.test", "name with several A records")
mt.disconnect(c)

-- HELO stage
local function helo_refused(h, text, what)
	local conn = T.connect("unknown", "192.0.2.1")
	T.mark()
	T.helo(conn, h, SMFIR_REPLYCODE, what)
	T.logged("reject: HELO from unknown[192.0.2.1]: " .. text, what)
	mt.disconnect(conn)
end
helo_refused("nx.rampart.test", "450 4.7.1 <nx.rampart.test>: Helo command rejected: Host not found; helo=<nx.rampart.test> check=helo_unknown", "unknown HELO")
helo_refused("mx.rampart.test", "550 5.7.1 <mx.rampart.test>: Helo command rejected: forged HELO, you are not me; helo=<mx.rampart.test> check=helo_forged", "our hostname")
helo_refused("MX.Rampart.Test.", "550 5.7.1 <MX.Rampart.Test.>: Helo command rejected: forged HELO, you are not me;", "our hostname, other case, trailing dot")
helo_refused("relay.rampart.test", "550 5.7.1 <relay.rampart.test>: Helo command rejected: forged HELO, you are not me;", "own_names")
helo_refused("[127.0.0.1]", "550 5.7.1 <[127.0.0.1]>: Helo command rejected: forged HELO, you are not me;", "our interface address as a literal")
helo_refused("192.0.2.250", "550 5.7.1 <192.0.2.250>: Helo command rejected: forged HELO, you are not me;", "own_names address, bare")
helo_refused("forged.rampart.test", "554 5.7.1 Service unavailable; Helo command [forged.rampart.test] blocked using rhsbl.rampart.test; helo=<forged.rampart.test> check=rhsbl", "RHSBL on HELO")

c = T.connect("unknown", "192.0.2.1")
for _, h in ipairs({ "a-only.rampart.test", "aaaa-only.rampart.test", "mx-a.rampart.test", "nullmx.rampart.test", "[192.0.2.1]" }) do
	T.helo(c, h, SMFIR_CONTINUE, "HELO " .. h .. " exists")
end

-- MAIL stage
local function mail_refused(from, text, what)
	T.mark()
	T.mail(c, from, SMFIR_REPLYCODE, what)
	T.logged("reject: MAIL from unknown[192.0.2.1]: " .. text, what)
end
mail_refused("<a@nothing.rampart.test>", "450 4.1.8 <a@nothing.rampart.test>: Sender address rejected: Domain not found; from=<a@nothing.rampart.test>", "sender domain without MX/A/AAAA")
mail_refused("<a@nullmx.rampart.test>", "550 5.7.27 <a@nullmx.rampart.test>: Sender address rejected: Domain nullmx.rampart.test does not accept mail (nullMX);", "null MX sender")
mail_refused("<a@loop1.rampart.test>", "450 4.1.8 <a@loop1.rampart.test>: Sender address rejected: Malformed DNS server reply;", "CNAME loop")
mail_refused("<x@forged.rampart.test>", "554 5.7.1 Service unavailable; Sender address [x@forged.rampart.test] blocked using rhsbl.rampart.test;", "RHSBL on the sender domain")
T.mail(c, "<>", SMFIR_CONTINUE, "null sender exempt")
T.mail(c, "<a@[192.0.2.1]>", SMFIR_CONTINUE, "address literal exempt")
T.mail(c, "<a@MX-A.rampart.test.>", SMFIR_CONTINUE, "case and trailing dot")

-- RCPT stage
T.mark()
T.rcpt(c, "<b@nothing.rampart.test>", SMFIR_REPLYCODE, "recipient domain unknown")
T.logged("450 4.1.2 <b@nothing.rampart.test>: Recipient address rejected: Domain not found;")
T.rcpt(c, "<b@nullmx.rampart.test>", SMFIR_REPLYCODE, "null MX recipient")
T.logged("556 5.1.10 <b@nullmx.rampart.test>: Recipient address rejected: Domain nullmx.rampart.test does not accept mail (nullMX);")
-- {rcpt_mailer}: a domain the MTA delivers itself is not looked up
mt.macro(c, SMFIC_RCPT, "{rcpt_mailer}", "virtual")
T.rcpt(c, "<b@nothing.rampart.test>", SMFIR_CONTINUE, "unknown recipient domain delivered here (virtual)")
mt.macro(c, SMFIC_RCPT, "{rcpt_mailer}", "lmtp")
T.rcpt(c, "<b@nothing.rampart.test>", SMFIR_CONTINUE, "unknown recipient domain delivered here (lmtp)")
T.mark()
mt.macro(c, SMFIC_RCPT, "{rcpt_mailer}", "smtp")
T.rcpt(c, "<b@nothing.rampart.test>", SMFIR_REPLYCODE, "unknown recipient domain sent on (smtp)")
T.logged("450 4.1.2 <b@nothing.rampart.test>: Recipient address rejected: Domain not found;")
mt.macro(c, SMFIC_RCPT, "{rcpt_mailer}", "ESMTP")
T.rcpt(c, "<b@nothing.rampart.test>", SMFIR_REPLYCODE, "mailer names compared without case (ESMTP)")
T.rcpt(c, "<postmaster>", SMFIR_CONTINUE, "bare postmaster")
mt.disconnect(c)

-- SIGUSR1 logs the shared cache's counters (the same names were asked again
-- and again above, so there were hits)
T.reload(T.read_conf())
T.logged("configuration reloaded from")
local stats = string.match(T.since(), "dns cache: (%d+) entries, (%d+) hits, (%d+) misses")
T.ok(stats ~= nil, "cache counters logged at reload")
local _, hits = string.match(T.since(), "dns cache: (%d+) entries, (%d+) hits")
T.ok(tonumber(hits or "0") > 0, "cache hits counted: " .. tostring(hits))

-- the verified client name is an RHSBL target too
T.mark()
c = T.connect("forged.rampart.test", "192.0.2.1")
T.reply(c, SMFIR_REPLYCODE, "RHSBL on the client name")
T.logged("554 5.7.1 Service unavailable; Client host [forged.rampart.test] blocked using rhsbl.rampart.test; check=rhsbl")
mt.disconnect(c)
T.done()

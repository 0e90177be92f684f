-- Arriving Authentication-Results and Received-SPF headers that claim this
-- host (authserv-id / receiver= mx.rampart.test) are removed at end of
-- message (RFC 8601 §5); other hosts' headers stay.
local T = dofile(os.getenv("MT_LIB"))

local function message(ip, headers)
	local c = T.connect("unknown", ip)
	T.reply(c, SMFIR_CONTINUE, "CONNECT")
	T.helo(c, "mail.example.com", SMFIR_CONTINUE)
	T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
	T.rcpt(c, "<b@example.net>", SMFIR_CONTINUE)
	for _, h in ipairs(headers) do
		assert(mt.header(c, h[1], h[2]) == nil, "mt.header failed")
	end
	T.mark()
	assert(mt.eom(c) == nil, "mt.eom failed")
	return c
end

local c = message("192.0.2.70", {
	{ "Authentication-Results", "other.example; spf=pass smtp.mailfrom=a@example.com" },
	{ "Received-SPF", "pass (other.example: ok) receiver=other.example; identity=mailfrom" },
	{ "Subject", "hello" } })
T.ok(not mt.eom_check(c, MT_HDRDELETE, "Authentication-Results"), "another host's A-R kept")
T.ok(not mt.eom_check(c, MT_HDRDELETE, "Received-SPF"), "another host's Received-SPF kept")
T.ok(not mt.eom_check(c, MT_HDRDELETE), "nothing removed")
mt.disconnect(c)

c = message("192.0.2.71", {
	{ "Authentication-Results", "mx.rampart.test; spf=pass smtp.mailfrom=ceo@example.net" },
	{ "Subject", "forged" } })
T.ok(mt.eom_check(c, MT_HDRDELETE, "Authentication-Results"), "forged A-R removed")
T.logged("removed Authentication-Results #1 claiming mx.rampart.test", "removal logged")
mt.disconnect(c)

c = message("192.0.2.72", {
	{ "Authentication-Results", "other.example; dkim=pass" },
	{ "Received-SPF", "pass (mx.rampart.test: forged) client-ip=192.0.2.1; receiver=MX.Rampart.Test; identity=mailfrom" } })
T.ok(mt.eom_check(c, MT_HDRDELETE, "Received-SPF"), "forged Received-SPF removed")
T.ok(not mt.eom_check(c, MT_HDRDELETE, "Authentication-Results"), "the other host's A-R beside it kept")
T.logged("removed Received-SPF #1 claiming mx.rampart.test", "Received-SPF removal logged")
mt.disconnect(c)

c = message("192.0.2.73", {
	{ "Authentication-Results", "other.example; dkim=pass" },
	{ "Authentication-Results", "  mx.rampart.test 1; iprev=pass" },
	{ "Authentication-Results", "mx.rampart.test; spf=pass" } })
T.ok(mt.eom_check(c, MT_HDRDELETE, "Authentication-Results"), "forged A-R among others removed")
T.logged("removed Authentication-Results #3 claiming mx.rampart.test", "third removed")
T.logged("removed Authentication-Results #2 claiming mx.rampart.test", "second removed")
T.not_logged("removed Authentication-Results #1", "first (other.example) kept")
mt.disconnect(c)
T.done()

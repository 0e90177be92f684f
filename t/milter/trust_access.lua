-- Trusted networks, SASL bypass and the access file.
local T = dofile(os.getenv("MT_LIB"))

local function transaction(c, helo, from, to, want, what)
	T.helo(c, helo, SMFIR_CONTINUE, what .. ": HELO")
	T.mail(c, from, SMFIR_CONTINUE, what .. ": MAIL")
	T.mark()
	T.rcpt(c, to, want, what .. ": RCPT")
end

-- trusted IPv6 network
local c = T.connect("unknown", "2001:db8:feed::25")
T.reply(c, SMFIR_ACCEPT, "trusted IPv6 network: accept")
mt.disconnect(c)

-- SASL-authenticated client skips the checks (and gets no header)
c = T.connect("unknown", "192.0.2.50")
T.helo(c, "foo", SMFIR_CONTINUE)
mt.macro(c, SMFIC_MAIL, "{auth_authen}", "alice")
T.mail(c, "<alice@localhost>", SMFIR_ACCEPT, "authenticated: accept the message")
mt.disconnect(c)

-- access client REJECT (CIDR) and DEFER with text (IPv6 CIDR), held to RCPT
c = T.connect("unknown", "198.51.100.7")
transaction(c, "mail.example.com", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "client CIDR REJECT")
T.logged("reject: RCPT from unknown[198.51.100.7]: 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied; from=<a@example.com> to=<b@example.net> helo=<mail.example.com> check=access")
mt.disconnect(c)
c = T.connect("unknown", "2001:db8:bad::1")
transaction(c, "mail.example.com", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "client v6 DEFER")
T.logged("450 4.7.1 <unknown[2001:db8:bad::1]>: Client host rejected: Try again much later;")
mt.disconnect(c)
-- client name suffix
c = T.connect("host1.spam.example", "192.0.2.51")
transaction(c, "mail.example.com", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "client name suffix")
T.logged("554 5.7.1 <host1.spam.example[192.0.2.51]>: Client host rejected: Go away;")
mt.disconnect(c)
-- client OK: trusted
c = T.connect("unknown", "203.0.113.5")
T.reply(c, SMFIR_ACCEPT, "client OK: accept")
mt.disconnect(c)
-- client SKIP helo_non_fqdn
c = T.connect("unknown", "192.0.2.99")
transaction(c, "foo", "<a@example.com>", "<b@example.net>", SMFIR_CONTINUE, "client SKIP")
mt.disconnect(c)

-- helo REJECT (suffix), helo OK
c = T.connect("unknown", "192.0.2.52")
transaction(c, "mx.helo-bad.example", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "helo REJECT")
T.logged("554 5.7.1 <mx.helo-bad.example>: Helo command rejected: Access denied;")
mt.disconnect(c)
c = T.connect("unknown", "192.0.2.53")
T.helo(c, "trusted.example", SMFIR_ACCEPT, "helo OK: accept")
mt.disconnect(c)

-- sender REJECT, sender OK (not over a held HELO refusal: see ok_held.lua), sender SKIP
c = T.connect("unknown", "192.0.2.54")
transaction(c, "mail.example.com", "<x@spammer.example>", "<b@example.net>", SMFIR_REPLYCODE, "sender REJECT")
T.logged("554 5.7.1 <x@spammer.example>: Sender address rejected: Access denied; from=<x@spammer.example>")
mt.disconnect(c)
c = T.connect("unknown", "192.0.2.55")
T.helo(c, "mail.example.com", SMFIR_CONTINUE)
T.mail(c, "<Friend@Partner.example>", SMFIR_ACCEPT, "sender OK: accept the message")
mt.disconnect(c)
c = T.connect("unknown", "192.0.2.55")
T.helo(c, "foo", SMFIR_CONTINUE)
T.mail(c, "<Friend@Partner.example>", SMFIR_CONTINUE, "sender OK with a held HELO refusal: not accepted outright")
T.mark()
T.rcpt(c, "<b@example.net>", SMFIR_REPLYCODE, "sender OK: the held HELO refusal is still given")
T.logged("504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname;")
mt.disconnect(c)
c = T.connect("unknown", "192.0.2.56")
transaction(c, "foo", "<x@mail.skip.example>", "<b@example.net>", SMFIR_CONTINUE, "sender SKIP of a held HELO check")
mt.disconnect(c)

-- recipient OK (over its own checks, not held refusals: see ok_held.lua); DEFER; SKIP
c = T.connect("unknown", "192.0.2.57")
transaction(c, "mail.example.com", "<a@example.com>", "<vip@example.net>", SMFIR_CONTINUE, "recipient OK")
T.rcpt(c, "<x@closed.example>", SMFIR_REPLYCODE, "recipient DEFER")
T.logged("450 4.7.1 <x@closed.example>: Recipient address rejected: Access denied;")
mt.disconnect(c)
c = T.connect("unknown", "192.0.2.57")
transaction(c, "foo", "<a@example.com>", "<x@sub.lax.example>", SMFIR_CONTINUE, "recipient SKIP of the held HELO check")
T.rcpt(c, "<x@example.net>", SMFIR_REPLYCODE, "other recipients still refused")
T.logged("check=helo_non_fqdn")
mt.disconnect(c)

-- trust_authenticated = no is shown in reload.lua
T.done()

-- An access OK for a HELO, sender or recipient never excuses a refusal
-- decided before it (a client REJECT line, a HELO check): delay_reject
-- changes when a verdict is given, never whether. Run twice: ok_held
-- (delay_reject = yes: the refusal comes at RCPT) and ok_held_no
-- (delay_reject = no: at the stage itself).
local T = dofile(os.getenv("MT_LIB"))
local delay = not string.find(T.read_conf(), "delay_reject = no", 1, true)
local client_reject = "554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied"
local helo_reject = "504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname"

-- A refused client (access client REJECT) that then says an OK'd HELO,
-- sender or recipient.
local function refused_client(helo, from, to, what)
	T.mark()
	local c = T.connect("unknown", "198.51.100.7")
	if not delay then
		T.reply(c, SMFIR_REPLYCODE, what .. ": refused at CONNECT")
		T.logged("reject: CONNECT from unknown[198.51.100.7]: " .. client_reject, what .. ": CONNECT text")
		mt.disconnect(c)
		return
	end
	T.reply(c, SMFIR_CONTINUE, what .. ": CONNECT held")
	T.helo(c, helo, SMFIR_CONTINUE, what .. ": HELO")
	T.mail(c, from, SMFIR_CONTINUE, what .. ": MAIL is not accepted outright")
	T.mark()
	T.rcpt(c, to, SMFIR_REPLYCODE, what .. ": refused at RCPT")
	T.logged("reject: RCPT from unknown[198.51.100.7]: " .. client_reject, what .. ": RCPT text")
	mt.disconnect(c)
end

refused_client("trusted.example", "<a@example.com>", "<b@example.net>", "HELO OK after client REJECT")
refused_client("mail.example.com", "<friend@partner.example>", "<b@example.net>", "sender OK after client REJECT")
refused_client("mail.example.com", "<a@example.com>", "<vip@example.net>", "recipient OK after client REJECT")

-- A refused HELO followed by an OK'd sender or recipient.
local function refused_helo(from, to, what)
	local c = T.connect("unknown", "192.0.2.10")
	T.reply(c, SMFIR_CONTINUE, what .. ": CONNECT")
	if not delay then
		T.mark()
		T.helo(c, "foo", SMFIR_REPLYCODE, what .. ": refused at HELO")
		T.logged("reject: HELO from unknown[192.0.2.10]: " .. helo_reject, what .. ": HELO text")
		mt.disconnect(c)
		return
	end
	T.helo(c, "foo", SMFIR_CONTINUE, what .. ": HELO held")
	T.mail(c, from, SMFIR_CONTINUE, what .. ": MAIL is not accepted outright")
	T.mark()
	T.rcpt(c, to, SMFIR_REPLYCODE, what .. ": refused at RCPT")
	T.logged("reject: RCPT from unknown[192.0.2.10]: " .. helo_reject, what .. ": RCPT text")
	mt.disconnect(c)
end

refused_helo("<friend@partner.example>", "<b@example.net>", "sender OK after HELO refusal")
refused_helo("<a@example.com>", "<vip@example.net>", "recipient OK after HELO refusal")

-- Nothing refused before: the OKs still cover their stage and the rest.
local c = T.connect("unknown", "192.0.2.11")
T.reply(c, SMFIR_CONTINUE, "clean client")
T.helo(c, "mail.example.com", SMFIR_CONTINUE)
T.mail(c, "<friend@partner.example>", SMFIR_ACCEPT, "sender OK, nothing held: message accepted")
mt.disconnect(c)
c = T.connect("unknown", "192.0.2.12")
T.reply(c, SMFIR_CONTINUE, "clean client")
T.helo(c, "trusted.example", SMFIR_ACCEPT, "HELO OK, nothing held: connection accepted")
mt.disconnect(c)
c = T.connect("unknown", "192.0.2.13")
T.reply(c, SMFIR_CONTINUE, "clean client")
T.helo(c, "mail.example.com", SMFIR_CONTINUE)
T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
T.rcpt(c, "<vip@example.net>", SMFIR_CONTINUE, "recipient OK, nothing held: accepted")
mt.disconnect(c)
T.done()

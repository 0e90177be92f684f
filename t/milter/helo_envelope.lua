-- HELO and envelope checks with delay_reject = yes: every refusal is given
-- at RCPT with Postfix's exact text; exempt recipients still get mail.
local T = dofile(os.getenv("MT_LIB"))

local function session(helo, from, to, want, text, what)
	local c = T.connect("unknown", "192.0.2.10")
	T.reply(c, SMFIR_CONTINUE, what .. ": connect")
	T.helo(c, helo, SMFIR_CONTINUE, what .. ": HELO held")
	T.mail(c, from, SMFIR_CONTINUE, what .. ": MAIL held")
	T.mark()
	T.rcpt(c, to, want, what .. ": RCPT")
	if text then
		T.logged(text, what)
	end
	mt.disconnect(c)
end

local to = "<user@example.net>"
local cases = {
	{ "mail.example.com", "<a@example.com>", to, SMFIR_CONTINUE, nil, "all valid" },
	{ "foo", "<a@example.com>", to, SMFIR_REPLYCODE,
	  "NOQUEUE: reject: RCPT from unknown[192.0.2.10]: 504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname; from=<a@example.com> to=<user@example.net> helo=<foo> check=helo_non_fqdn",
	  "non-FQDN HELO" },
	{ "lan-32204df3031", "<a@example.com>", to, SMFIR_REPLYCODE,
	  "504 5.5.2 <lan-32204df3031>: Helo command rejected: need fully-qualified hostname;", "tutorial HELO" },
	{ "bad_host!.example.com", "<a@example.com>", to, SMFIR_REPLYCODE,
	  "501 5.5.2 <bad_host!.example.com>: Helo command rejected: Invalid name; from=<a@example.com>", "invalid HELO" },
	{ "[1.2.3.256]", "<a@example.com>", to, SMFIR_REPLYCODE,
	  "501 5.5.2 <[1.2.3.256]>: Helo command rejected: invalid ip address;", "invalid literal" },
	{ "[192.0.2.10]", "<a@example.com>", to, SMFIR_CONTINUE, nil, "valid literal" },
	{ "[IPv6:2001:db8::1]", "<a@example.com>", to, SMFIR_CONTINUE, nil, "valid v6 literal" },
	{ "192.0.2.10", "<a@example.com>", to, SMFIR_REPLYCODE,
	  "504 5.5.2 <192.0.2.10>: Helo command rejected: need fully-qualified hostname;", "bare IPv4 is not FQDN" },
	{ "mail.example.com.", "<a@example.com>", to, SMFIR_CONTINUE, nil, "one trailing dot" },
	{ "mail.example.com", "a@example.com", to, SMFIR_REPLYCODE,
	  "501 5.1.7 Bad sender address syntax; from=<a@example.com> to=<user@example.net> helo=<mail.example.com> check=envelope_strict",
	  "MAIL without brackets" },
	{ "mail.example.com", "<a@example.com>", "user@example.net", SMFIR_REPLYCODE,
	  "501 5.1.3 Bad recipient address syntax;", "RCPT without brackets" },
	{ "mail.example.com", "<\"Joe\" <joe@example.com>>", to, SMFIR_REPLYCODE,
	  "501 5.1.7 Bad sender address syntax;", "phrase in MAIL" },
	{ "mail.example.com", "<@relay.example.org:a@example.com>", to, SMFIR_CONTINUE, nil, "source route" },
	{ "mail.example.com", "<>", to, SMFIR_CONTINUE, nil, "null sender" },
	{ "mail.example.com", "<a@example.com>", "<>", SMFIR_REPLYCODE,
	  "501 5.1.3 Bad recipient address syntax;", "null recipient" },
	{ "mail.example.com", "<a@localhost>", to, SMFIR_REPLYCODE,
	  "504 5.5.2 <a@localhost>: Sender address rejected: need fully-qualified address; from=<a@localhost> to=<user@example.net> helo=<mail.example.com> check=sender_non_fqdn",
	  "non-FQDN sender" },
	{ "mail.example.com", "<a@example.com>", "<user@intranet>", SMFIR_REPLYCODE,
	  "504 5.5.2 <user@intranet>: Recipient address rejected: need fully-qualified address; from=<a@example.com> to=<user@intranet> helo=<mail.example.com> check=recipient_non_fqdn",
	  "non-FQDN recipient" },
	{ "mail.example.com", "<a@[192.0.2.1]>", to, SMFIR_CONTINUE, nil, "literal sender domain" },
}
for _, k in ipairs(cases) do
	session(k[1], k[2], k[3], k[4], k[5], k[6])
end

-- Exempt recipients (postmaster, abuse) get mail even from a refused client.
local c = T.connect("unknown", "192.0.2.11")
T.helo(c, "foo", SMFIR_CONTINUE)
T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
T.rcpt(c, "<postmaster@example.net>", SMFIR_CONTINUE, "postmaster is exempt")
T.rcpt(c, "<Abuse@example.net>", SMFIR_CONTINUE, "abuse is exempt (any case)")
T.rcpt(c, "<postmaster>", SMFIR_CONTINUE, "bare postmaster")
T.mark()
T.rcpt(c, "<user@example.net>", SMFIR_REPLYCODE, "others refused")
T.logged("to=<user@example.net> helo=<foo> check=helo_non_fqdn")
-- the connection stays usable: a new HELO replaces the held HELO verdict
T.helo(c, "mail.example.com", SMFIR_CONTINUE)
T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
T.rcpt(c, "<user@example.net>", SMFIR_CONTINUE, "after a good HELO")
mt.disconnect(c)

-- The first held refusal wins in Postfix's order: client, HELO, sender.
c = T.connect("unknown", "192.0.2.12")
T.helo(c, "foo", SMFIR_CONTINUE)
T.mail(c, "<a@localhost>", SMFIR_CONTINUE)
T.mark()
T.rcpt(c, "<user@example.net>", SMFIR_REPLYCODE)
T.logged("check=helo_non_fqdn", "HELO refusal comes before the sender's")
mt.disconnect(c)

-- Trusted networks skip everything.
c = T.connect("localhost", "127.0.0.1")
T.reply(c, SMFIR_ACCEPT, "127.0.0.1 is trusted: accept at connect")
mt.disconnect(c)
T.done()

-- What rampart negotiates (its debug log line) and that the replies stay:
-- CONNECT, HELO and MAIL without reply only when nothing there can be
-- answered but "continue" (delay_reject = yes, nobody trusted, no SASL
-- trust, no access file); the held refusal still comes at RCPT.
local T = dofile(os.getenv("MT_LIB"))
local conf = T.read_conf()
local SKIPPED = "skipped unknown,data,eoh,body"

-- nothing to answer before RCPT: three steps without reply
T.mark()
local c = T.connect("unknown", "192.0.2.70")
T.logged("we take actions 0x111, no reply for connect,helo,mail,header, " .. SKIPPED,
	"delay_reject yes, nobody trusted: no reply for CONNECT, HELO, MAIL")
T.helo(c, "foo", SMFIR_CONTINUE, "HELO: no reply awaited")
T.mail(c, "<a@example.com>", SMFIR_CONTINUE, "MAIL: no reply awaited")
T.rcpt(c, "<b@example.net>", SMFIR_REPLYCODE, "held HELO refusal given at RCPT")
T.logged("NOQUEUE: reject: RCPT from unknown[192.0.2.70]: 504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname; from=<a@example.com> to=<b@example.net> helo=<foo> check=helo_non_fqdn")
T.not_logged("refusal not given")
mt.disconnect(c)

local function with(changes, what)
	local text = conf
	for from, to in pairs(changes) do
		text = string.gsub(text, from, to)
	end
	T.reload(text)
	T.logged("configuration reloaded from", what .. ": reloaded")
end

-- delay_reject = no: every stage answers for itself
with({ ["delay_reject = yes"] = "delay_reject = no" }, "delay_reject no")
T.mark()
c = T.connect("unknown", "192.0.2.71")
T.logged("we take actions 0x111, no reply for header, " .. SKIPPED,
	"delay_reject no: a reply for every stage")
T.helo(c, "foo", SMFIR_REPLYCODE, "HELO refused at HELO")
mt.disconnect(c)

-- trusted networks: CONNECT (and what follows) may accept
with({ ["trusted_networks =\n"] = "trusted_networks = ::1/128\n" }, "trusted networks")
T.mark()
c = T.connect("localhost", "::1")
T.logged("we take actions 0x111, no reply for header, " .. SKIPPED,
	"a trusted network: a reply for every stage")
T.reply(c, SMFIR_ACCEPT, "::1 trusted: accepted at CONNECT")
mt.disconnect(c)

-- SASL trust: MAIL may accept, CONNECT and HELO cannot
with({ ["trust_authenticated = no"] = "trust_authenticated = yes" }, "SASL trust")
T.mark()
c = T.connect("unknown", "192.0.2.72")
T.logged("we take actions 0x111, no reply for connect,helo,header, " .. SKIPPED,
	"trust_authenticated: MAIL answers")
T.helo(c, "mail.example.com", SMFIR_CONTINUE)
mt.macro(c, SMFIC_MAIL, "{auth_authen}", "user")
T.mail(c, "<a@example.com>", SMFIR_ACCEPT, "authenticated: accepted at MAIL")
mt.disconnect(c)

-- an access file (even with no OK in it): CONNECT, HELO and MAIL may accept
local f = assert(io.open(T.dir .. "/access", "w"))
f:write("client 192.0.2.99 REJECT\n")
f:close()
with({ ["trust_authenticated = no"] = "trust_authenticated = no\naccess_file = " .. T.dir .. "/access" },
	"access file")
T.mark()
c = T.connect("unknown", "192.0.2.73")
T.logged("we take actions 0x111, no reply for header, " .. SKIPPED,
	"an access file: a reply for every stage")
T.reply(c, SMFIR_CONTINUE, "CONNECT answered")
mt.disconnect(c)
T.done()

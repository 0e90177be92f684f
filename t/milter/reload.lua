-- SIGUSR1 reloads the config; open connections keep their snapshot; a bad
-- new file is refused and the old configuration stays.
local T = dofile(os.getenv("MT_LIB"))
local conf = T.read_conf()

local function try(helo, want, what)
	local c = T.connect("unknown", "192.0.2.60")
	T.helo(c, helo, SMFIR_CONTINUE)
	T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
	T.rcpt(c, "<b@example.net>", want, what)
	mt.disconnect(c)
end

try("foo", SMFIR_CONTINUE, "non_fqdn off before reload")

local old = T.connect("unknown", "192.0.2.61")   -- opened before the reload
T.helo(old, "foo", SMFIR_CONTINUE)

T.reload(string.gsub(conf, "non_fqdn = off", "non_fqdn = reject"))
T.logged("configuration reloaded from", "reload logged")
try("foo", SMFIR_REPLYCODE, "non_fqdn reject after reload")

T.mail(old, "<a@example.com>", SMFIR_CONTINUE)
T.rcpt(old, "<b@example.net>", SMFIR_CONTINUE, "old connection keeps its snapshot")
mt.disconnect(old)

-- a bad file is refused, the running configuration stays
T.reload(string.gsub(conf, "non_fqdn = off", "non_fqdn = sometimes"))
T.logged("non_fqdn", "the bad key is named")
T.logged("reload of", "refusal logged")
try("foo", SMFIR_REPLYCODE, "still rejecting with the old snapshot")

-- trust_authenticated = no: SASL users are checked like anyone else
T.reload(string.gsub(string.gsub(conf, "non_fqdn = off", "non_fqdn = reject"),
	"trust_authenticated = yes", "trust_authenticated = no"))
T.logged("configuration reloaded from")
local c = T.connect("unknown", "192.0.2.62")
T.helo(c, "foo", SMFIR_CONTINUE)
mt.macro(c, SMFIC_MAIL, "{auth_authen}", "alice")
T.mail(c, "<alice@example.com>", SMFIR_CONTINUE, "authenticated, but not trusted")
T.rcpt(c, "<b@example.net>", SMFIR_REPLYCODE, "checks apply to SASL users now")
mt.disconnect(c)
T.done()

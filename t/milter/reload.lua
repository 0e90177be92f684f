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

-- start-only keys: the reload goes through and names each one changed
T.reload(string.gsub(string.gsub(conf, "non_fqdn = off", "non_fqdn = reject"), "/sock\n", "/sock2\n") ..
	"\n[dns]\ncache_size = 777\n")
T.logged("configuration reloaded from", "reload with start-only changes goes through")
T.logged("reload: [milter] socket changed from unix:" .. os.getenv("RAMPART_DIR") .. "/sock to unix:" ..
	os.getenv("RAMPART_DIR") .. "/sock2: read only at start; restart rampart to apply it", "socket change named")
T.logged("reload: [dns] cache_size changed from 20000 to 777: read only at start; restart rampart to apply it",
	"cache_size change named")
T.reload(string.gsub(conf, "non_fqdn = off", "non_fqdn = reject"))
T.logged("configuration reloaded from", "back to the start-up values")

-- a bad file is refused, the running configuration stays
T.reload(string.gsub(conf, "non_fqdn = off", "non_fqdn = sometimes"))
T.logged("non_fqdn", "the bad key is named")
T.logged("reload of", "refusal logged")
try("foo", SMFIR_REPLYCODE, "still rejecting with the old snapshot")

-- a bad item after good ones in a list: refused, named, the daemon lives on
-- (the clean-up freed DNSBL sites of lists that have none and crashed)
T.reload(conf .. "\n[rhsbl]\ntargets = helo, sender, bogus\n")
T.logged("\"bogus\": expected a comma-separated list of helo, sender, client", "bad list item named")
T.logged("reload of", "bad list item: refusal logged")
try("foo", SMFIR_REPLYCODE, "alive, old snapshot after a bad list item")
T.reload(conf .. "\n[policy]\nexempt_recipients = postmaster, abuse, a@b\n")
T.logged("\"a@b\": expected a comma-separated list of local parts", "bad local part named")
try("foo", SMFIR_REPLYCODE, "alive after a bad exempt_recipients item")

-- greylisting turned on by a reload: the store opens only at start, so the
-- reload is refused (accepting it deferred every recipient for ever)
T.reload(string.gsub(conf, "non_fqdn = off", "non_fqdn = reject") ..
	"\n[greylist]\nmode = always\ndatabase = " .. os.getenv("RAMPART_DIR") .. "/grey.lmdb\n")
T.logged("refused: [greylist] mode is no longer off, but greylisting was off at start",
	"greylisting on by reload refused with its reason")
T.logged("restart rampart to apply it", "the refusal says what to do")
local g = T.connect("unknown", "192.0.2.63")
T.helo(g, "foo.example.com", SMFIR_CONTINUE)
T.mail(g, "<a@example.com>", SMFIR_CONTINUE)
T.rcpt(g, "<b@example.net>", SMFIR_CONTINUE, "no deferral after the refused reload")
mt.disconnect(g)

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

-- Greylisting, in real seconds: delay 2 s, retry_window 6 s.
local T = dofile(os.getenv("MT_LIB"))

local function attempt(ip, from, to, want, what)
	local c = T.connect("unknown", ip)
	T.helo(c, "mail.example.com", SMFIR_CONTINUE)
	T.mail(c, from, SMFIR_CONTINUE)
	T.rcpt(c, to, want, what)
	return c
end

local defer = "451 4.7.1 <b@example.net>: Recipient address rejected: Greylisting in effect, please come back later;"

T.mark()
local c = attempt("192.0.2.80", "<a+tag@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "first attempt deferred")
T.logged("NOQUEUE: reject: RCPT from unknown[192.0.2.80]: " .. defer .. " from=<a+tag@example.com> to=<b@example.net> helo=<mail.example.com> check=greylist")
T.logged("greylist: new triplet, retry in 2 seconds: client=192.0.2.0/24 from=<a@example.com> to=<b@example.net>")
mt.disconnect(c)

T.mark()
c = attempt("192.0.2.80", "<a+other@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "early retry deferred")
T.logged("greylist: early triplet, retry in")
mt.disconnect(c)

mt.sleep(2.3)
T.mark()
c = attempt("192.0.2.80", "<a@example.com>", "<b@example.net>", SMFIR_CONTINUE, "retry after the delay accepted")
T.logged("greylist: pass after ")
assert(mt.eom(c) == nil)
local h = mt.getheader(c, "X-Greylist", 0)
T.ok(h and string.match(h, "^delayed [23] seconds by rampart%-[0-9.]+ at mx%.rampart%.test; %a%a%a, %d%d %a%a%a %d%d%d%d %d%d:%d%d:%d%d [+-]%d%d%d%d$"),
	"X-Greylist header: " .. tostring(h))
-- a second message of the same triplet passes without a new header
T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
T.rcpt(c, "<b@example.net>", SMFIR_CONTINUE, "passed triplet")
assert(mt.eom(c) == nil)
T.ok(not mt.eom_check(c, MT_HDRADD, "X-Greylist"), "X-Greylist only on the first message that passes")
mt.disconnect(c)

c = attempt("192.0.2.99", "<a@example.com>", "<b@example.net>", SMFIR_CONTINUE, "same /24 passes")
mt.disconnect(c)
c = attempt("198.51.100.80", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "other /24 is a new triplet")
mt.disconnect(c)

-- exempt recipients are not greylisted
c = attempt("203.0.113.80", "<x@example.com>", "<postmaster@example.net>", SMFIR_CONTINUE, "postmaster not greylisted")
mt.disconnect(c)

-- a first retry after retry_window starts over
T.mark()
c = attempt("203.0.113.81", "<late@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "new triplet")
mt.disconnect(c)
mt.sleep(7.5) -- decisions count whole seconds: clearly past 6
c = attempt("203.0.113.81", "<late@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "retry after retry_window deferred again")
T.logged("greylist: restart triplet, retry in 2 seconds: client=203.0.113.0/24 from=<late@example.com>")
mt.disconnect(c)
-- a reload naming another database is refused: the store opens only at start
local conf = T.read_conf()
T.reload(string.gsub(conf, "greylist%.lmdb", "other.lmdb"))
T.logged("refused: [greylist] database changed from " .. os.getenv("RAMPART_DIR") ..
	"/greylist.lmdb to " .. os.getenv("RAMPART_DIR") .. "/other.lmdb", "database change refused")
c = attempt("203.0.113.81", "<late@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "greylisting goes on with the open store")
T.logged("greylist: early triplet", "decided on the open store")
mt.disconnect(c)
-- [greylist] text, postgrey's %s (seconds left) and %r (recipient domain),
-- applied by a reload
T.reload(string.gsub(conf, "%[greylist%]", "[greylist]\ntext = 100%%%% sure: greylisted for %%s seconds, see https://help.example/%%r.html"))
T.logged("configuration reloaded from", "text reloaded")
T.mark()
c = attempt("203.0.113.90", "<t@example.com>", "<b@Example.NET>", SMFIR_REPLYCODE, "greylisted with the configured text")
T.logged("451 4.7.1 <b@Example.NET>: Recipient address rejected: 100% sure: greylisted for 2 seconds, see https://help.example/Example.NET.html; from=<t@example.com>")
mt.disconnect(c)
T.done()

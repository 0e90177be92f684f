-- postgrey's whitelists ([greylist] whitelist_clients, whitelist_recipients):
-- a listed client or recipient is not greylisted, each skip is logged with
-- the entry (FILE:LINE) that matched; a .local file may be missing at
-- start and is read by a reload; a bad line refuses the reload and names
-- FILE:LINE, the running lists stay.
local T = dofile(os.getenv("MT_LIB"))
local tdir = string.gsub(os.getenv("RAMPART_CONF"), "/rampart.conf$", "")
local clients = string.match(T.read_conf(), "whitelist_clients = ([^,]+),")

local function attempt(name, ip, to, want, what)
	local c = T.connect(name, ip)
	T.helo(c, "mail.example.com", SMFIR_CONTINUE)
	T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
	T.rcpt(c, to, want, what)
	mt.disconnect(c)
end

-- clients, each form of line
local skip = {
	{ "partner.example", "192.0.2.10", 2, "the name itself" },
	{ "relay.eu.Partner.Example", "192.0.2.11", 2, "a name below it, any case" },
	{ "mx12.bulk.example", "192.0.2.12", 3, "the regex" },
	{ "unknown", "198.51.100.7", 4, "the address" },
	{ "unknown", "203.0.113.200", 5, "the partial address (/24)" },
	{ "unknown", "2001:db8:77:1::5", 6, "the IPv6 network" },
}
for _, s in ipairs(skip) do
	T.mark()
	attempt(s[1], s[2], "<b@example.org>", SMFIR_CONTINUE, "client whitelisted: " .. s[4])
	T.logged("greylist: skipped, client whitelisted by " .. clients .. ":" .. s[3] .. ": client=" ..
		s[1] .. "[" .. s[2] .. "] to=<b@example.org>", s[4] .. " logged with its line")
end
local greylisted = {
	{ "notpartner.example", "192.0.2.20" },
	{ "mx12.bulk.example.evil", "192.0.2.21" },
	{ "unknown", "198.51.100.8" },
	{ "unknown", "203.0.114.1" },
	{ "unknown", "2001:db8:78::5" },
}
for _, g in ipairs(greylisted) do
	attempt(g[1], g[2], "<b@example.org>", SMFIR_REPLYCODE, "not listed, greylisted: " .. g[1] .. "[" .. g[2] .. "]")
end

-- recipients
local rcpts = {
	{ "<hostmaster@example.org>", 2 }, { "<Sales+eu@Example.NET>", 3 },
	{ "<anyone@lists.example.net>", 4 }, { "<noc-paris@example.net>", 5 },
}
local rfile = tdir .. "/recipients"
rfile = string.match(T.read_conf(), "whitelist_recipients = (%S+)")
for _, r in ipairs(rcpts) do
	T.mark()
	attempt("unknown", "192.0.2.30", r[1], SMFIR_CONTINUE, "recipient whitelisted: " .. r[1])
	T.logged("greylist: skipped, recipient whitelisted by " .. rfile .. ":" .. r[2], r[1] .. " logged")
end
for _, r in ipairs({ "<sales@example.org>", "<info@example.net>", "<noc@example.net>" }) do
	attempt("unknown", "192.0.2.31", r, SMFIR_REPLYCODE, "recipient not listed, greylisted: " .. r)
end

-- a .local file written after the start is read by a reload
local localf = T.dir .. "/clients.local"
local f = assert(io.open(localf, "w"))
f:write("# added by the admin\nnew-partner.example\n")
f:close()
attempt("mx.new-partner.example", "192.0.2.40", "<b@example.org>", SMFIR_REPLYCODE, "before the reload: greylisted")
T.reload(T.read_conf())
T.logged("configuration reloaded from", "reloaded")
T.mark()
attempt("mx.new-partner.example", "192.0.2.40", "<b@example.org>", SMFIR_CONTINUE, "after the reload: whitelisted")
T.logged("client whitelisted by " .. localf .. ":2", "the .local entry named")

-- a bad line refuses the reload with FILE:LINE; the running lists stay
f = assert(io.open(localf, "w"))
f:write("new-partner.example\n192.0.2.0/33\n/unclosed(/\n")
f:close()
T.reload(T.read_conf())
T.logged(localf .. ":2: \"192.0.2.0/33\": bad prefix length (expected /0 to /32)", "bad prefix named")
T.logged(localf .. ":3: \"/unclosed(/\": regular expression: missing closing parenthesis", "bad regex named")
T.logged("reload of " .. os.getenv("RAMPART_CONF") .. " refused; the running configuration stays", "refused")
T.mark()
attempt("mx.new-partner.example", "192.0.2.40", "<b@example.org>", SMFIR_CONTINUE, "the running lists still apply")
T.logged("client whitelisted by " .. localf .. ":2")
T.done()

-- DNS without descriptors: rampart runs under prlimit --nofile=64:128
-- (run.sh), raises its soft limit to the hard one and says so in its start
-- line; then its soft limit is lowered, while it runs, to the lowest free
-- descriptor, so that every socket() fails with EMFILE: HELO checks get
-- their temporary reply (450, never a pass), one warning is logged, and
-- with the limit back the next lookup works and one notice says so.
local T = dofile(os.getenv("MT_LIB"))
local pid = os.getenv("RAMPART_PID")

local function count(text)
	local s, k, p = T.log(), 0, 1
	while true do
		local _, b = string.find(s, text, p, true)
		if not b then return k end
		k, p = k + 1, b + 1
	end
end
local function sh(cmd, what)
	local ok = os.execute(cmd)
	T.ok(ok == true or ok == 0, what .. ": " .. cmd)
end
-- The lowest descriptor number rampart has free.
local function free_fd()
	local used = {}
	local p = io.popen("ls /proc/" .. pid .. "/fd")
	for l in p:lines() do used[tonumber(l)] = true end
	p:close()
	local n = 0
	while used[n] do n = n + 1 end
	return n
end

T.logged("starting on " .. T.sock .. " (open files limit 128, DNS sockets at most 64)",
	"start line: soft limit raised to the hard one")

local c = T.connect("unknown", "192.0.2.80")
T.reply(c, SMFIR_CONTINUE, "connect")
T.helo(c, "mail.rampart.test", SMFIR_CONTINUE, "HELO resolves")

local n = free_fd()
sh("prlimit --pid " .. pid .. " --nofile=" .. n .. ":128", "soft limit at descriptor " .. n)
T.mark()
T.helo(c, "mail2.rampart.test", SMFIR_REPLYCODE, "no socket: temporary reply")
T.logged("reject: HELO from unknown[192.0.2.80]: 450 4.7.1 <mail2.rampart.test>: Helo command rejected: Host not found; helo=<mail2.rampart.test> check=helo_unknown")
T.logged("dns: no socket: too many open files (0 DNS sockets open, at most 64); lookups fail temporarily until sockets are free")
T.helo(c, "a-only.rampart.test", SMFIR_REPLYCODE, "still no socket")
T.logged("450 4.7.1 <a-only.rampart.test>: Helo command rejected: Host not found;")
T.ok(count("dns: no socket") == 1, "one warning, got " .. count("dns: no socket"))

sh("prlimit --pid " .. pid .. " --nofile=128:128", "limit back")
T.mark()
T.helo(c, "c3.rampart.test", SMFIR_CONTINUE, "sockets again: HELO resolves")
T.logged("dns: sockets available again (", "recovery logged")
T.helo(c, "mail.rampart.test", SMFIR_CONTINUE, "and again")
T.ok(count("dns: sockets available again") == 1, "one recovery line")
mt.disconnect(c)
T.done()

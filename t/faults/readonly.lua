-- The greylist database made read-only under a running rampart: chattr +i
-- (run.sh checks that it refuses writes through open descriptors here).
-- Decisions that must write get the greylist deferral (451 4.7.1) with one
-- "store failing" line; decisions that only read go on (a triplet that
-- passed before is still passed); chattr -i and the next decision recovers, without a restart.
-- A chmod would change nothing for the running daemon: permissions are
-- checked when a file is opened, and the database stays open.
local T = dofile(os.getenv("MT_LIB"))
local db = os.getenv("RAMPART_DIR") .. "/ro/greylist.lmdb"
local later = ": Recipient address rejected: Greylisting in effect, please come back later"

local function attempt(to, what)
	T.mark()
	local c = T.connect("unknown", "192.0.2.80")
	T.helo(c, "mail.example.com", SMFIR_CONTINUE)
	T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
	T.rcpt(c, to, SMFIR_REPLYCODE, what)
	T.logged("NOQUEUE: reject: RCPT from unknown[192.0.2.80]: 451 4.7.1 " .. to .. later ..
		"; from=<a@example.com> to=" .. to .. " helo=<mail.example.com> check=greylist",
		what .. ": 451 deferral")
	mt.disconnect(c)
end
local function pass(to, what)
	local c = T.connect("unknown", "192.0.2.80")
	T.helo(c, "mail.example.com", SMFIR_CONTINUE)
	T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
	T.rcpt(c, to, SMFIR_CONTINUE, what)
	mt.disconnect(c)
end
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
local failing = "greylist: store failing: " .. db .. ": write: Operation not permitted; " ..
	"greylisted recipients are deferred until it recovers"
local recovered = "greylist: store " .. db .. " recovered"

attempt("<one@example.net>", "healthy")
T.logged("greylist: new triplet", "healthy: recorded")
mt.sleep(2.2)
T.mark()
pass("<one@example.net>", "retry after the delay")
T.logged("greylist: pass after ", "healthy: passed")
sh("chattr +i " .. db, "make the database immutable")
attempt("<two@example.net>", "read-only database")
T.logged(failing, "read-only: failing logged")
T.not_logged("greylist: new triplet", "read-only: nothing recorded")
attempt("<three@example.net>", "still read-only")
T.ok(count(failing) == 1 and count("greylist: store failing") == 1, "read-only: one failing line")
T.mark()
pass("<one@example.net>", "a passed triplet: decided by reading")
T.logged("greylist: passed: client=192.0.2.0/24 from=<a@example.com> to=<one@example.net>",
	"read-only: reads still decide")
sh("chattr -i " .. db, "writable again")
attempt("<two@example.net>", "writable again")
T.logged(recovered, "recovery logged")
T.logged("greylist: new triplet", "writable again: recorded")
attempt("<three@example.net>", "still writable")
T.ok(count(recovered) == 1, "one recovery line")
T.done()

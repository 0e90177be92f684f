-- The greylist store of a running rampart under resource faults, on a
-- tmpfs of 1 MiB (run.sh): the file system full, a failed meta page write
-- (meta_shim.c: LMDB's environment becomes unusable, MDB_PANIC), the file
-- removed. Every RCPT gets the greylist deferral (451 4.7.1, never a pass),
-- the daemon logs one line when the store starts failing and one when it
-- recovers, and it recovers without a restart.
local T = dofile(os.getenv("MT_LIB"))
local fs = os.getenv("RAMPART_FS")
local db = fs .. "/greylist.lmdb"
local fault = os.getenv("RAMPART_FAULT")
local later = ": Recipient address rejected: Greylisting in effect, please come back later"

-- Triplet i: long recipients (records fill pages fast), told apart by
-- letters (digits are normalised away in greylist keys).
local function letters(i)
	local s = ""
	repeat
		s = string.char(97 + i % 26) .. s
		i = math.floor(i / 26)
	until i == 0
	return s
end
local function rcpt_of(i) return "<" .. string.rep("r", 150) .. letters(i) .. "@example.net>" end

-- One RCPT of triplet i: the greylist deferral, whatever the store does.
local function attempt(i, what)
	T.mark()
	local c = T.connect("unknown", "192.0.2.80")
	T.helo(c, "mail.example.com", SMFIR_CONTINUE)
	T.mail(c, "<a@example.com>", SMFIR_CONTINUE)
	local to = rcpt_of(i)
	T.rcpt(c, to, SMFIR_REPLYCODE, what)
	T.logged("NOQUEUE: reject: RCPT from unknown[192.0.2.80]: 451 4.7.1 " .. to .. later ..
		"; from=<a@example.com> to=" .. to .. " helo=<mail.example.com> check=greylist",
		what .. ": 451 deferral")
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

local failing = "greylist: store failing: " .. db .. ": "
local recovered = "greylist: store " .. db .. " recovered"

-- healthy
attempt(1, "healthy store")
T.logged("greylist: new triplet, retry in 3600 seconds", "healthy: new triplet")
attempt(1, "early retry")
T.logged("greylist: early triplet", "healthy: early retry")

-- (1) file system full
sh("dd if=/dev/zero of=" .. fs .. "/fill bs=4k 2>/dev/null; test -s " .. fs .. "/fill", "fill the tmpfs")
local i, hit = 2, false
while i < 120 and not hit do
	attempt(i, "disk full, triplet " .. i)
	hit = string.find(T.since(), failing, 1, true) ~= nil
	i = i + 1
end
T.ok(hit, "disk full: the store fails within " .. i .. " new triplets")
T.logged(failing .. "write: ", "disk full: the failure names the write")
T.not_logged("greylist: new triplet", "disk full: the failed triplet is not recorded")
attempt(i, "disk still full")
T.logged("NOQUEUE: greylist: " .. db .. ": write: ", "disk still full: debug line per RCPT")
attempt(i + 1, "disk still full")
T.ok(count(failing) == 1, "disk full: one failing line, got " .. count(failing))
sh("rm -f " .. fs .. "/fill", "free the tmpfs")
attempt(300, "space again")
T.logged(recovered, "disk full: recovery logged")
T.logged("greylist: new triplet", "space again: recorded")
attempt(301, "still fine")
T.ok(count(recovered) == 1, "one recovery line, got " .. count(recovered))

-- (2) a failed meta page write: LMDB refuses every transaction after it
sh("touch " .. fault, "meta writes fail")
attempt(305, "meta write fails")
T.logged(failing .. "write: Input/output error;", "panic: failing logged")
sh("rm -f " .. fault, "meta writes work")
attempt(306, "after the panic")
T.logged("greylist: " .. db .. ": environment unusable (MDB_PANIC); database reopened", "panic: reopened")
T.logged(recovered, "panic: recovery logged")
T.logged("greylist: new triplet", "after the panic: recorded")
attempt(1, "committed entries survive the reopen")
T.logged("greylist: early triplet", "reopen kept the data")

-- (3) the file removed under the running daemon: the sweeper's path check
-- (every 5 s) opens a new, empty database at the path
T.mark()
sh("rm -f " .. db, "remove the database")
local reopened = "greylist: " .. db .. ": database file removed; database reopened"
for _ = 1, 80 do
	if string.find(T.since(), reopened, 1, true) then break end
	mt.sleep(0.1)
end
T.logged(reopened, "removal: reopened")
sh("test -s " .. db, "a new database file")
attempt(1, "after the removal")
T.logged("greylist: new triplet", "removal: greylist state starts afresh")
T.ok(count(failing) == 2 and count(recovered) == 2, "two failures, two failing and two recovery lines")
T.done()

-- [sql]: access rules from ISPConfig's mail_access table in a private
-- MariaDB (t/sql/mariadb.sh, rows in t/sql/mail_access.sql).
local T = dofile(os.getenv("MT_LIB"))
local db = "bash " .. os.getenv("RAMPART_SQL") .. " "
local function dbcmd(what) return os.execute(db .. what .. " " .. T.dir) end
local function sql(stmt) return os.execute(db .. "sql " .. T.dir .. " \"" .. stmt .. "\"") end

local function count(text)
	local n, from = 0, 1
	local log = T.log()
	while true do
		local s, e = string.find(log, text, from, true)
		if not s then return n end
		n, from = n + 1, e + 1
	end
end

local function transaction(ip, from, to, want, what)
	local c = T.connect("unknown", ip)
	T.reply(c, SMFIR_CONTINUE, what .. ": connect")
	T.helo(c, "mail.example.com", SMFIR_CONTINUE, what .. ": HELO")
	T.mail(c, from, SMFIR_CONTINUE, what .. ": MAIL")
	T.rcpt(c, to, want, what .. ": RCPT")
	mt.disconnect(c)
end

-- client OK: trusted at connect
T.mark()
local c = T.connect("unknown", "192.0.2.10")
T.reply(c, SMFIR_ACCEPT, "client OK: accept")
mt.disconnect(c)
T.logged("unknown[192.0.2.10]: trusted (access)")
-- the second host of the list answered after the first failed
T.not_logged("database unavailable", "a later host answers: no down line")

-- client REJECT through the /24 parent key "198.51.100"
T.mark()
transaction("198.51.100.7", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "client parent REJECT")
T.logged("reject: RCPT from unknown[198.51.100.7]: 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Your network is listed here; from=<a@example.com> to=<b@example.net>")

-- active = 'n' is ignored
transaction("192.0.2.11", "<a@example.com>", "<b@example.net>", SMFIR_CONTINUE, "inactive row")

-- the access file comes first
T.mark()
transaction("192.0.2.12", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "file before SQL")
T.logged("554 5.7.1 <unknown[192.0.2.12]>: Client host rejected: Refused by the access file;")

-- sender REJECT with its text, for the domain and a subdomain
T.mark()
transaction("192.0.2.20", "<x@spammer.example>", "<b@example.net>", SMFIR_REPLYCODE, "sender REJECT")
T.logged("reject: RCPT from unknown[192.0.2.20]: 554 5.7.1 <x@spammer.example>: Sender address rejected: Spam from this domain is not wanted; from=<x@spammer.example> to=<b@example.net>")
T.mark()
transaction("192.0.2.20", "<y@mx.spammer.example>", "<b@example.net>", SMFIR_REPLYCODE, "sender parent REJECT")
T.logged("554 5.7.1 <y@mx.spammer.example>: Sender address rejected: Spam from this domain is not wanted;")
-- DUNNO ends the search: the parent's REJECT is not reached
transaction("192.0.2.20", "<z@ok.spammer.example>", "<b@example.net>", SMFIR_CONTINUE, "sender DUNNO")
-- a quote in the key is escaped by the library
T.mark()
transaction("192.0.2.20", "<o'brien@example.org>", "<b@example.net>", SMFIR_REPLYCODE, "quoted key")
T.logged("554 5.7.1 <o'brien@example.org>: Sender address rejected: No quotes please;")
transaction("192.0.2.20", "<x' OR '1'='1@example.org>", "<b@example.net>", SMFIR_CONTINUE, "injection attempt")
-- an answer that is no action: on_error (continue) and a warning
T.mark()
transaction("192.0.2.20", "<a@broken.example>", "<b@example.net>", SMFIR_CONTINUE, "bad answer")
T.logged("sender broken.example: bad answer \"MAYBE\": \"MAYBE\": unknown action")

-- recipient OK
T.mark()
transaction("192.0.2.20", "<a@example.com>", "<VIP@example.net>", SMFIR_CONTINUE, "recipient OK")
T.logged("recipient vip@example.net: OK")

-- a row added while running is seen once the negative entry expired (1s)
transaction("203.0.113.9", "<a@example.com>", "<b@example.net>", SMFIR_CONTINUE, "before the row")
assert(sql("INSERT INTO mail_access (server_id, source, access, type) VALUES (1, '203.0.113.9', 'REJECT Added later', 'client')"))
transaction("203.0.113.9", "<a@example.com>", "<b@example.net>", SMFIR_CONTINUE, "row cached as absent")
mt.sleep(1.2)
T.mark()
transaction("203.0.113.9", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "row seen after negative_ttl")
T.logged("554 5.7.1 <unknown[203.0.113.9]>: Client host rejected: Added later;")

-- the server stops: on_error = continue, one "unavailable" line
T.mark()
assert(dbcmd("stop"))
local t0 = os.time()
transaction("203.0.113.20", "<a@example.com>", "<b@example.net>", SMFIR_CONTINUE, "down: continue")
transaction("203.0.113.21", "<a@example.com>", "<b@example.net>", SMFIR_CONTINUE, "down: continue again")
T.ok(os.time() - t0 <= 3, "down: answers within the budget")
T.logged("sql:unix:" .. T.dir .. "/nonexistent.sock/dbispconfig: database unavailable: ")
T.ok(count("unix:" .. T.dir .. "/db.sock: Can't connect") == 1, "down: the line names each host")
T.ok(count("database unavailable") == 1, "down: logged once, " .. count("database unavailable") .. " times")

-- reload with on_error = defer: the pool and its cache are kept (the
-- connection settings did not change), so the cached OK still answers
T.reload(string.gsub(T.read_conf(), "on_error = continue", "on_error = defer"))
T.logged("configuration reloaded")
c = T.connect("unknown", "192.0.2.10")
T.reply(c, SMFIR_ACCEPT, "down, cached OK: accept")
mt.disconnect(c)
T.mark()
transaction("203.0.113.22", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "down: defer")
-- (the recipient's own lookup fails too, and its refusal comes first)
T.logged("reject: RCPT from unknown[203.0.113.22]: 450 4.7.1 <b@example.net>: Recipient address rejected: Temporary lookup failure; from=<a@example.com> to=<b@example.net>")
T.ok(count("database unavailable") == 1, "down after reload: still logged once")

-- restarted: lookups recover after the backoff, one "available again" line
assert(dbcmd("restart"))
local recovered = false
for _ = 1, 40 do
	T.mark()
	c = T.connect("unknown", "203.0.113.30")
	T.helo(c, "mail.example.com", SMFIR_CONTINUE, "up: HELO")
	T.mail(c, "<a@example.com>", SMFIR_CONTINUE, "up: MAIL")
	local ok = mt.rcptto(c, "<b@example.net>") == nil and mt.getreply(c) == SMFIR_CONTINUE
	mt.disconnect(c)
	if ok then recovered = true break end
	mt.sleep(0.5)
end
T.ok(recovered, "up: lookups recover")
T.ok(count("database available again") == 1, "up: logged once, " .. count("database available again") .. " times")
T.mark()
transaction("198.51.100.8", "<a@example.com>", "<b@example.net>", SMFIR_REPLYCODE, "up: answers again")
T.logged("554 5.7.1 <unknown[198.51.100.8]>: Client host rejected: Your network is listed here;")
T.ok(count("database unavailable") == 1, "up: no new down line")

-- a slow server: the query is given up after timeout (1s), once, not
-- retried; on_error (defer) at HELO
local function now()
	local f = io.popen("date +%s.%N")
	local t = tonumber(f:read("*l"))
	f:close()
	return t
end
T.mark()
c = T.connect("unknown", "192.0.2.40")
local t1 = now()
T.helo(c, "slow.example", SMFIR_CONTINUE, "slow: HELO (held)")
local took = now() - t1
T.ok(took >= 0.9 and took < 1.8, string.format("slow: given up after the timeout, %.2fs", took))
T.mail(c, "<a@example.com>", SMFIR_CONTINUE, "slow: MAIL")
T.rcpt(c, "<b@example.net>", SMFIR_REPLYCODE, "slow: RCPT")
mt.disconnect(c)
T.logged("database unavailable: Lost connection to server during query")
T.logged("reject: RCPT from unknown[192.0.2.40]: 450 4.7.1 <slow.example>: Helo command rejected: Temporary lookup failure; from=<a@example.com> to=<b@example.net> helo=<slow.example>")
c = T.connect("unknown", "192.0.2.41")
T.helo(c, "mail.example.com", SMFIR_CONTINUE, "after slow: HELO")
mt.disconnect(c)
T.logged("database available again")

T.done()

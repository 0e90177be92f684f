-- lib.lua - helpers for rampart's miltertest scripts (see run.sh).
-- Replies are checked two ways: the milter reply type (mt.getreply) and the
-- exact SMTP reply text, which rampart writes into its log line for every
-- refusal ("... reject: RCPT from NAME[ADDR]: 504 5.5.2 <x>: ...; ... check=ID").
local T = { passes = 0, fails = 0 }
T.sock = os.getenv("RAMPART_SOCKET")
T.logfile = os.getenv("RAMPART_LOG")
T.conf = os.getenv("RAMPART_CONF")
T.pid = os.getenv("RAMPART_PID")
T.dir = os.getenv("RAMPART_DIR")

local names = {}
names[SMFIR_CONTINUE] = "continue"
names[SMFIR_ACCEPT] = "accept"
names[SMFIR_REJECT] = "reject"
names[SMFIR_TEMPFAIL] = "tempfail"
names[SMFIR_REPLYCODE] = "replycode"
names[SMFIR_DISCARD] = "discard"
T.rname = function(r) return names[r] or tostring(r) end

function T.ok(cond, what)
	if cond then
		T.passes = T.passes + 1
	else
		T.fails = T.fails + 1
		print("FAIL: " .. what)
	end
end

-- A new milter connection from host/ip (ip nil: "unspec").
function T.connect(host, ip)
	local c = mt.connect(T.sock, 40, 0.1)
	assert(c, "cannot connect to " .. tostring(T.sock))
	local err = mt.conninfo(c, host, ip or "unspec")
	assert(err == nil, "conninfo: " .. tostring(err))
	return c
end

-- Check the last reply type: want is an SMFIR_* constant.
function T.reply(c, want, what)
	local got = mt.getreply(c)
	T.ok(got == want, what .. ": reply " .. T.rname(got) .. ", want " .. T.rname(want))
end

function T.helo(c, name, want, what)
	assert(mt.helo(c, name) == nil, "mt.helo failed")
	T.reply(c, want, what or ("HELO " .. name))
end

function T.mail(c, from, want, what, ...)
	assert(mt.mailfrom(c, from, ...) == nil, "mt.mailfrom failed")
	T.reply(c, want, what or ("MAIL " .. from))
end

function T.rcpt(c, to, want, what, ...)
	assert(mt.rcptto(c, to, ...) == nil, "mt.rcptto failed")
	T.reply(c, want, what or ("RCPT " .. to))
end

function T.log()
	local f = io.open(T.logfile, "r")
	if not f then return "" end
	local s = f:read("*a")
	f:close()
	return s
end

-- Log text written since the last call to T.mark().
local mark = 0
function T.mark() mark = #T.log() end
function T.since() return string.sub(T.log(), mark + 1) end

-- The log (since the last mark) contains text, as a plain substring.
-- Waits briefly, the daemon writes asynchronously to the test.
function T.logged(text, what)
	for _ = 1, 20 do
		if string.find(T.since(), text, 1, true) then
			T.ok(true, what or text)
			return
		end
		mt.sleep(0.05)
	end
	T.ok(false, (what or "log") .. ": missing log text: " .. text .. "\n--- log since mark:\n" .. T.since())
end

function T.not_logged(text, what)
	mt.sleep(0.1)
	T.ok(not string.find(T.since(), text, 1, true), (what or "log") .. ": unexpected log text: " .. text)
end

-- Replace the config file and send SIGUSR1; waits for the reload log line.
function T.reload(conf_text)
	local f = assert(io.open(T.conf, "w"))
	f:write(conf_text)
	f:close()
	T.mark()
	os.execute("kill -USR1 " .. T.pid)
end

function T.read_conf()
	local f = assert(io.open(T.conf, "r"))
	local s = f:read("*a")
	f:close()
	return s
end

function T.done()
	print(string.format("%d passed, %d failed", T.passes, T.fails))
	if T.fails > 0 then error("failures") end
end

return T

-- Hostile input: huge HELO, control bytes, invalid UTF-8, '%', CR/LF. The
-- daemon must answer with sanitised replies and log lines, and stay up.
local T = dofile(os.getenv("MT_LIB"))

local function no_raw_controls(what)
	local s = T.since()
	-- every log line ends in \n; no other control byte may appear
	T.ok(not string.find(s, "[%z\1-\9\11-\31\127]"), what .. ": control bytes in the log")
end

-- miltertest itself cannot send a HELO much over 1 KiB (it aborts); the
-- 4 KiB HELO goes through real Postfix in t/e2e.
local big = string.rep("a", 990) .. ".example.com"
local c = T.connect("unknown", "192.0.2.70")
T.mark()
T.helo(c, big, SMFIR_REPLYCODE, "1 KiB HELO refused (label too long)")
T.logged("501 5.5.2 <aaaa", "1 KiB HELO reply logged")
T.logged("...>: Helo command rejected: Invalid name; helo=<aaa", "argument cut with ...")
no_raw_controls("1 KiB HELO")
local line = string.match(T.since(), "[^\n]*Invalid name[^\n]*")
T.ok(line and #line < 1100, "log line bounded (" .. tostring(line and #line) .. ")")
mt.disconnect(c)

c = T.connect("unknown", "192.0.2.71")
T.mark()
T.helo(c, "evil\r\nX-Injected: yes\1\2.example.com", SMFIR_REPLYCODE, "CR/LF in HELO refused")
T.logged("<evil??X-Injected:?yes??.example.com>: Helo command rejected: Invalid name", "CR/LF replaced")
no_raw_controls("CR/LF HELO")
mt.disconnect(c)

c = T.connect("unknown", "192.0.2.72")
T.mark()
T.helo(c, "caf\195\169.\255\254.example", SMFIR_REPLYCODE, "non-ASCII HELO refused")
T.logged("<caf??.??.example>: Helo command rejected: Invalid name", "bytes >= 0x80 replaced")
no_raw_controls("UTF-8 HELO")
mt.disconnect(c)

c = T.connect("unknown", "192.0.2.73")
T.helo(c, "mail.example.com", SMFIR_CONTINUE)
T.mark()
T.mail(c, "<100%discount@localhost>", SMFIR_REPLYCODE, "percent in sender")
T.logged("504 5.5.2 <100%discount@localhost>: Sender address rejected: need fully-qualified address", "percent kept in the log")
T.mail(c, "<a\r\nRCPT TO:<x@y>@localhost>", SMFIR_REPLYCODE, "CR/LF in sender")
no_raw_controls("CR/LF sender")
T.mail(c, "<" .. string.rep("x", 900) .. "@localhost>", SMFIR_REPLYCODE, "900-octet sender (miltertest limit ~1 KiB)")
T.logged("501 5.1.7 Bad sender address syntax", "long sender is bad syntax")
T.mail(c, "<ok@example.com>", SMFIR_CONTINUE, "session still usable")
-- (miltertest's rcptto reads its argument as a format string, so "%n" and
-- friends are sent through Postfix in t/e2e instead)
T.rcpt(c, "<50%off@intranet>", SMFIR_REPLYCODE, "percent in recipient")
T.logged("<50%off@intranet>: Recipient address rejected", "percent is text")
mt.disconnect(c)

-- still alive and answering
c = T.connect("unknown", "192.0.2.74")
T.helo(c, "mail.example.com", SMFIR_CONTINUE, "daemon alive after hostile input")
mt.disconnect(c)
T.done()

-- delay_reject = no: each verdict is given at its own stage.
local T = dofile(os.getenv("MT_LIB"))

local c = T.connect("unknown", "192.0.2.20")
T.reply(c, SMFIR_CONTINUE, "connect")
T.mark()
T.helo(c, "foo", SMFIR_REPLYCODE, "non-FQDN HELO refused at HELO")
T.logged("NOQUEUE: reject: HELO from unknown[192.0.2.20]: 504 5.5.2 <foo>: Helo command rejected: need fully-qualified hostname; helo=<foo> check=helo_non_fqdn")
mt.disconnect(c)

c = T.connect("mail.example.com", "192.0.2.21")
T.helo(c, "mail.example.com", SMFIR_CONTINUE)
T.mark()
T.mail(c, "<a@localhost>", SMFIR_REPLYCODE, "sender refused at MAIL")
-- action defer: the 504 becomes 450 with class 4 enhanced code
T.logged("NOQUEUE: reject: MAIL from mail.example.com[192.0.2.21]: 450 4.5.2 <a@localhost>: Sender address rejected: need fully-qualified address; from=<a@localhost> helo=<mail.example.com> check=sender_non_fqdn")
T.mail(c, "<a@example.com>", SMFIR_CONTINUE, "a good sender next")
T.mark()
T.rcpt(c, "<b@intranet>", SMFIR_REPLYCODE, "recipient refused")
T.logged("504 5.5.2 <b@intranet>: Recipient address rejected: need fully-qualified address; from=<a@example.com> to=<b@intranet>")
T.rcpt(c, "<b@example.net>", SMFIR_CONTINUE, "next recipient fine")
mt.disconnect(c)

-- IPv6 client; 127.0.0.1 is not trusted in this config.
c = T.connect("unknown", "127.0.0.1")
T.reply(c, SMFIR_CONTINUE, "127.0.0.1 not trusted here")
T.mark()
T.helo(c, "x", SMFIR_REPLYCODE)
T.logged("reject: HELO from unknown[127.0.0.1]: 504 5.5.2 <x>:")
mt.disconnect(c)
c = T.connect("localhost", "::1")
T.reply(c, SMFIR_ACCEPT, "::1 trusted")
mt.disconnect(c)
T.done()

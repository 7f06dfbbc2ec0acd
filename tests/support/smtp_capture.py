#!/usr/bin/python3
"""Capturing SMTP server for cobrador's integration tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 (port 0 = a free one), prints "READY <port>" once listening, and stores
every accepted message byte-exact as DIR/<n>.eml (written to a temporary name, then renamed,
before the 250 reply) plus one JSON line per message in DIR/envelopes.jsonl.

  --auth USER:PASS          require AUTH (PLAIN/LOGIN), only over TLS
  --tls-cert C --tls-key K  offer STARTTLS (required with --require-starttls)
  --smtps                   implicit TLS instead of STARTTLS
  --reject-rcpt SUBSTR      550 for recipients containing SUBSTR
  --tempfail-first N        451 for the first N RCPT commands, then accept
  --close-after-data N      for the first N messages: store the message, then close the
                            connection without answering the final dot (a lost reply)
  --stall-after-data N      for the first N messages: store the message, then never answer
  --tempfail-data N         451 after DATA for the first N messages (nothing stored)
  --unavailable-first N     421 (service not available) for the first N RCPT commands
  --stall-rcpt N            for the first N RCPT commands: never answer (a stalled server)
  --tempfail-mail N         451 for the first N MAIL commands
  --pipelining              offer PIPELINING (RFC 2920) in EHLO; aiosmtpd reads commands from
                            a buffered stream, so a pipelined group is answered in order
Each envelope line says whether the client pipelined: "pipelined" is true when the RCPT and
DATA commands were already buffered when MAIL was read (a client that waits for each reply
cannot have sent them yet).
Stops on SIGTERM/SIGINT.
"""
import argparse, asyncio, itertools, json, os, signal, ssl, sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--dir", required=True)
ap.add_argument("--auth")
ap.add_argument("--tls-cert")
ap.add_argument("--tls-key")
ap.add_argument("--require-starttls", action="store_true")
ap.add_argument("--smtps", action="store_true")
ap.add_argument("--reject-rcpt", action="append", default=[])
ap.add_argument("--tempfail-first", type=int, default=0)
ap.add_argument("--delay-data", type=float, default=0)
ap.add_argument("--close-after-data", type=int, default=0)
ap.add_argument("--stall-after-data", type=int, default=0)
ap.add_argument("--tempfail-data", type=int, default=0)
ap.add_argument("--unavailable-first", type=int, default=0)
ap.add_argument("--stall-rcpt", type=int, default=0)
ap.add_argument("--tempfail-mail", type=int, default=0)
ap.add_argument("--pipelining", action="store_true")
a = ap.parse_args()

os.makedirs(a.dir, exist_ok=True)
counter = itertools.count(1)
tempfails = [a.tempfail_first]
before_data = dict(unavailable=a.unavailable_first, stall=a.stall_rcpt, mail=a.tempfail_mail)
after_data = dict(close=a.close_after_data, stall=a.stall_after_data, tempfail=a.tempfail_data)
user, password = a.auth.split(":", 1) if a.auth else (None, None)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
          and auth_data.password.decode() == password)
    return AuthResult(success=ok, handled=False)


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if a.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if before_data["mail"] > 0:
            before_data["mail"] -= 1
            return "451 4.3.0 Temporary failure on MAIL (test)"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        envelope.pipelined = b"DATA\r\n" in bytes(server._reader._buffer)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if any(s in address for s in a.reject_rcpt):
            return "550 5.1.1 <%s>: Recipient address rejected (test)" % address
        if before_data["stall"] > 0:
            before_data["stall"] -= 1
            await asyncio.sleep(3600)
        if before_data["unavailable"] > 0:
            before_data["unavailable"] -= 1
            return "421 4.3.2 Service not available (test)"
        if tempfails[0] > 0:
            tempfails[0] -= 1
            return "451 4.3.0 <%s>: Temporary failure (test)" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if a.delay_data:
            await asyncio.sleep(a.delay_data)
        if after_data["tempfail"] > 0:
            after_data["tempfail"] -= 1
            return "451 4.3.0 Temporary failure after DATA (test)"
        n = next(counter)
        path = os.path.join(a.dir, "%06d.eml" % n)
        tmp = os.path.join(a.dir, ".%06d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.replace(tmp, path)
        with open(os.path.join(a.dir, "envelopes.jsonl"), "a") as f:
            f.write(json.dumps(dict(n=n, mail_from=envelope.mail_from, rcpt_tos=envelope.rcpt_tos,
                                    pipelined=getattr(envelope, "pipelined", False),
                                    tls=a.smtps or session.ssl is not None,
                                    auth=user if session.authenticated else None)) + "\n")
        if after_data["close"] > 0:
            after_data["close"] -= 1
            # Accepted and stored, then the reply is lost: the connection drops first.
            server.transport.abort()
            return "250 2.0.0 never heard (test)"
        if after_data["stall"] > 0:
            after_data["stall"] -= 1
            await asyncio.sleep(3600)
        return "250 2.0.0 OK queued as %d" % n


async def main():
    loop = asyncio.get_running_loop()
    ctx = None
    if a.tls_cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.tls_cert, a.tls_key)
    kw = dict(hostname="capture.test", ident="cobrador-test-capture", loop=loop)
    if a.auth:
        # With --smtps aiosmtpd cannot tell the socket is TLS; it is, so allow AUTH on it.
        kw.update(authenticator=authenticator, auth_required=True, auth_require_tls=not a.smtps)
    if ctx is not None and not a.smtps:
        kw.update(tls_context=ctx, require_starttls=a.require_starttls)
    server = await loop.create_server(lambda: SMTP(Handler(), **kw), host="127.0.0.1",
                                      port=a.port, ssl=ctx if a.smtps else None)
    port = server.sockets[0].getsockname()[1]
    print("READY %d" % port, flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()


asyncio.run(main())

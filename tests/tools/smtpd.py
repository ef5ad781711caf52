#!/usr/bin/env python3
"""Loopback SMTP server for the regwatch tests (python3 standard library only: asyncio streams).

Usage:
    python3 smtpd.py --dir DIR [--port 0] [--port-file FILE] [--exit-with-parent]
                     [--tls-cert PEM --tls-key PEM] [--auth USER:PASSWORD]

Binds 127.0.0.1 (port 0: a free port chosen by the kernel), writes the port
number to --port-file (atomically) and prints it on stdout, then serves until
killed. With --exit-with-parent it also exits as soon as the process that
started it is gone.

It speaks enough ESMTP for a mail client: EHLO/HELO, STARTTLS (offered only
with --tls-cert and --tls-key, and only before TLS is on), AUTH PLAIN and
AUTH LOGIN (offered only with --auth; then MAIL without a successful AUTH is
refused with 530), MAIL, RCPT, DATA (dot-stuffing undone), RSET, NOOP, QUIT.

Every message it accepts is written to DIR/NNNN.eml (the bytes of the DATA
section with CRLF line ends), and every transaction that reaches DATA, accepted
or refused, is appended as one JSON line to DIR/messages.log:
  {"file":"0001.eml","mail_from":"a@x","rcpt":["b@y"],"reply":250,"tls":false,
   "auth":"user","ehlo":"host","time":1700000000.1}
("file" is null for a refused message). Every connection is appended to
DIR/connections.log as {"tls":..., "auth":..., "commands":[...verbs...]}.
Secrets given to AUTH are never written anywhere.

Scripted behaviour: an optional JSON file DIR/script.json, read again at each
new connection, holds a list of steps; each connection consumes the next step
and the last step repeats. The sequence starts again from the first step when
the file's content changes. A step is an object with these optional keys,
each an SMTP reply code that replaces the normal answer at that point:
  "greeting"  the greeting (a code >= 400 also closes the connection)
  "mail"      the answer to MAIL FROM
  "rcpt"      the answer to RCPT TO
  "data"      the answer after the end of the DATA section (a refused
              message is not stored)
"""

import argparse
import asyncio
import base64
import binascii
import hashlib
import json
import os
import ssl
import sys
import threading
import time

MAX_LINE = 8192
MAX_MESSAGE = 10 * 1024 * 1024

TEXT = {
    220: "regwatch-test-smtpd ESMTP ready",
    221: "2.0.0 bye",
    235: "2.7.0 authentication succeeded",
    250: "2.0.0 ok",
    354: "start mail input; end with <CRLF>.<CRLF>",
    421: "4.3.2 service not available, closing channel",
    450: "4.2.0 mailbox busy",
    451: "4.3.0 local error in processing, try again later",
    452: "4.3.1 insufficient system storage",
    454: "4.7.0 TLS not available",
    500: "5.5.2 command not recognised",
    501: "5.5.4 syntax error in parameters",
    502: "5.5.1 command not implemented",
    503: "5.5.1 bad sequence of commands",
    530: "5.7.0 authentication required",
    535: "5.7.8 authentication credentials invalid",
    550: "5.1.1 mailbox unavailable",
    552: "5.3.4 message too big",
    554: "5.3.0 transaction failed",
}


class Server:
    def __init__(self, directory, tls, auth):
        self.dir = os.path.realpath(directory)
        self.tls = tls
        self.auth = auth  # (user, password) or None
        self.lock = threading.Lock()
        self.sequence = [None, 0]
        self.count = 0

    def step(self):
        path = os.path.join(self.dir, "script.json")
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError:
            return {}
        steps = json.loads(raw.decode("utf-8"))
        if isinstance(steps, dict):
            steps = [steps]
        if not isinstance(steps, list) or not steps:
            return {}
        digest = hashlib.sha256(raw).hexdigest()
        with self.lock:
            if self.sequence[0] != digest:
                self.sequence = [digest, 0]
            index = min(self.sequence[1], len(steps) - 1)
            self.sequence[1] += 1
        step = steps[index]
        return step if isinstance(step, dict) else {}

    def append(self, name, record):
        line = json.dumps(record, sort_keys=True, separators=(",", ":"))
        with self.lock:
            with open(os.path.join(self.dir, name), "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def store(self, data):
        with self.lock:
            self.count += 1
            name = "%04d.eml" % self.count
            tmp = os.path.join(self.dir, "." + name + ".tmp")
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, os.path.join(self.dir, name))
        return name


class Session:
    def __init__(self, server, reader, writer):
        self.server = server
        self.reader = reader
        self.writer = writer
        self.tls = False
        self.user = None
        self.ehlo = None
        self.commands = []
        self.reset()

    def reset(self):
        self.mail_from = None
        self.rcpt = []

    async def reply(self, code, text=None):
        text = text or TEXT.get(code, "")
        self.writer.write(("%d %s\r\n" % (code, text)).encode("ascii"))
        await self.writer.drain()

    async def reply_lines(self, code, lines):
        out = []
        for i, line in enumerate(lines):
            sep = " " if i == len(lines) - 1 else "-"
            out.append("%d%s%s\r\n" % (code, sep, line))
        self.writer.write("".join(out).encode("ascii"))
        await self.writer.drain()

    async def readline(self):
        try:
            line = await self.reader.readuntil(b"\n")
        except asyncio.IncompleteReadError:
            return None
        except asyncio.LimitOverrunError:
            return b""
        return line

    async def run(self, step):
        greeting = int(step.get("greeting", 220))
        await self.reply(greeting)
        if greeting >= 400:
            return
        while True:
            raw = await self.readline()
            if raw is None:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            self.commands.append(verb)
            if verb in ("EHLO", "HELO"):
                self.ehlo = arg.strip()
                self.reset()
                if verb == "HELO":
                    await self.reply(250, "regwatch-test-smtpd")
                    continue
                lines = ["regwatch-test-smtpd", "8BITMIME", "SIZE %d" % MAX_MESSAGE, "ENHANCEDSTATUSCODES"]
                if self.server.tls and not self.tls:
                    lines.append("STARTTLS")
                if self.server.auth:
                    lines.append("AUTH PLAIN LOGIN")
                lines.append("HELP")
                await self.reply_lines(250, lines)
            elif verb == "STARTTLS":
                if not self.server.tls or self.tls:
                    await self.reply(454 if not self.server.tls else 503)
                    continue
                await self.reply(220, "2.0.0 ready to start TLS")
                await self.writer.start_tls(self.server.tls)
                self.tls = True
                self.ehlo = None
                self.reset()
            elif verb == "AUTH":
                await self.authenticate(arg)
            elif verb == "MAIL":
                if self.server.auth and self.user is None:
                    await self.reply(530)
                    continue
                if not arg.upper().startswith("FROM:"):
                    await self.reply(501)
                    continue
                self.reset()
                self.mail_from = address(arg[5:])
                code = int(step.get("mail", 250))
                if code >= 400:
                    self.mail_from = None
                await self.reply(code)
            elif verb == "RCPT":
                if self.mail_from is None:
                    await self.reply(503)
                    continue
                if not arg.upper().startswith("TO:"):
                    await self.reply(501)
                    continue
                code = int(step.get("rcpt", 250))
                if code < 400:
                    self.rcpt.append(address(arg[3:]))
                await self.reply(code)
            elif verb == "DATA":
                if self.mail_from is None or not self.rcpt:
                    await self.reply(503)
                    continue
                await self.reply(354)
                data = await self.read_data()
                if data is None:
                    return
                code = int(step.get("data", 250))
                if len(data) > MAX_MESSAGE:
                    code = 552
                name = self.server.store(data) if code < 400 else None
                self.server.append("messages.log", {
                    "file": name, "mail_from": self.mail_from, "rcpt": self.rcpt, "reply": code,
                    "tls": self.tls, "auth": self.user, "ehlo": self.ehlo, "time": time.time(),
                })
                self.reset()
                await self.reply(code)
            elif verb == "RSET":
                self.reset()
                await self.reply(250)
            elif verb == "NOOP":
                await self.reply(250)
            elif verb == "QUIT":
                await self.reply(221)
                return
            else:
                await self.reply(502 if verb in ("VRFY", "EXPN", "ETRN", "TURN") else 500)

    async def read_data(self):
        chunks = []
        size = 0
        while True:
            raw = await self.readline()
            if raw is None:
                return None
            if raw in (b".\r\n", b".\n"):
                break
            if raw.startswith(b".."):
                raw = raw[1:]
            size += len(raw)
            if size <= MAX_MESSAGE + MAX_LINE:
                chunks.append(raw)
        return b"".join(chunks)

    async def authenticate(self, arg):
        if not self.server.auth:
            await self.reply(502)
            return
        if self.user is not None:
            await self.reply(503)
            return
        mech, _, initial = arg.partition(" ")
        mech = mech.upper()
        try:
            if mech == "PLAIN":
                if not initial:
                    await self.reply(334, "")
                    initial = (await self.readline() or b"").decode("ascii", "replace").strip()
                parts = base64.b64decode(initial, validate=True).split(b"\0")
                if len(parts) != 3:
                    raise ValueError("bad PLAIN")
                user, password = parts[1], parts[2]
            elif mech == "LOGIN":
                if initial:
                    user = base64.b64decode(initial, validate=True)
                else:
                    await self.reply(334, "VXNlcm5hbWU6")
                    user = base64.b64decode((await self.readline() or b"").strip(), validate=True)
                await self.reply(334, "UGFzc3dvcmQ6")
                password = base64.b64decode((await self.readline() or b"").strip(), validate=True)
            else:
                await self.reply(504, "5.5.4 mechanism not supported")
                return
        except (ValueError, binascii.Error):
            await self.reply(501)
            return
        want_user, want_password = self.server.auth
        if user.decode("utf-8", "replace") == want_user and password.decode("utf-8", "replace") == want_password:
            self.user = want_user
            await self.reply(235)
        else:
            await self.reply(535)


def address(text):
    text = text.strip()
    if text.startswith("<"):
        end = text.find(">")
        return text[1:end] if end > 0 else text[1:]
    return text.split(" ")[0]


def write_port_file(path, port):
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, ".%s.%d.tmp" % (os.path.basename(path), os.getpid()))
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % port)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def watch_parent(parent):
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.2)


async def serve(args, server):
    async def on_connect(reader, writer):
        session = Session(server, reader, writer)
        try:
            await session.run(server.step())
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, TimeoutError):
            pass
        finally:
            server.append("connections.log", {"tls": session.tls, "auth": session.user,
                                              "commands": session.commands, "time": time.time()})
            try:
                writer.close()
                await writer.wait_closed()
            except (ConnectionError, ssl.SSLError, OSError):
                pass

    srv = await asyncio.start_server(on_connect, "127.0.0.1", args.port, limit=MAX_LINE)
    port = srv.sockets[0].getsockname()[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    print(port, flush=True)
    async with srv:
        await srv.serve_forever()


def main():
    ap = argparse.ArgumentParser(description="loopback SMTP server for the regwatch tests")
    ap.add_argument("--dir", required=True, help="directory for messages, logs and script.json")
    ap.add_argument("--port", type=int, default=0, help="port to bind (0: a free port)")
    ap.add_argument("--port-file", help="file that receives the port number")
    ap.add_argument("--exit-with-parent", action="store_true", help="exit when the starting process is gone")
    ap.add_argument("--tls-cert", help="PEM certificate (chain): offer STARTTLS")
    ap.add_argument("--tls-key", help="PEM private key for --tls-cert")
    ap.add_argument("--auth", help="USER:PASSWORD that AUTH accepts; then MAIL needs AUTH first")
    args = ap.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    tls = None
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    auth = None
    if args.auth:
        user, sep, password = args.auth.partition(":")
        if not sep:
            ap.error("--auth takes USER:PASSWORD")
        auth = (user, password)
    os.makedirs(args.dir, exist_ok=True)
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        asyncio.run(serve(args, Server(args.dir, tls, auth)))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Loopback HTTP server for the regwatch tests (python3 standard library only).

Usage:
    python3 httpd.py --root DIR [--port 0] [--port-file FILE] [--exit-with-parent]
                     [--tls-cert PEM --tls-key PEM]

Binds 127.0.0.1 (port 0: a free port chosen by the kernel), writes the port
number to --port-file (atomically: temporary file + rename) and prints it on
stdout on one line, then serves until killed. With --exit-with-parent the
server also exits as soon as the process that started it is gone. With
--tls-cert and --tls-key it speaks HTTPS instead (the TLS handshake runs in
the connection's own thread).

GET /PATH serves the file DIR/PATH (query strings are ignored; paths that
leave DIR answer 404) with
  - ETag: a strong validator, the quoted start of the SHA-256 of the body,
  - Last-Modified: the file's modification time as an HTTP date,
  - Content-Type: guessed from the file name.
It answers 304 Not Modified when If-None-Match matches the ETag, or, only
when the request has no If-None-Match, when If-Modified-Since is not older
than the file's modification time. HEAD works like GET without the body.

Scripted behaviour: an optional JSON file DIR/PATH.rules, read again on
every request, holds a list of response steps for PATH. Each request
consumes the next step; the last step repeats. The sequence starts again
from the first step whenever the content of the rules file changes, so a
test can script the next run by rewriting the file. A step is an object
with these optional keys:
  "status"   int: the status code (default 200, or 302 with "redirect")
  "headers"  object: extra response headers; a name that is also set by
             default (ETag, Last-Modified, Content-Type ...) replaces the
             default, and a null value removes it
  "body"     string: the body (UTF-8), used instead of the file
  "delay"    seconds to wait before answering
  "truncate" int: announce the full Content-Length but send only this many
             body bytes, then close the connection
  "redirect" string: the Location header value (status defaults to 302)
  "trickle"  seconds to wait between single body bytes
  "gzip"     true: send the body gzip-compressed (Content-Encoding: gzip)
  "chunked"  true: Transfer-Encoding: chunked, no Content-Length
  "hang"     true: read the request and never answer, until the client
             closes the connection
Conditional requests (304) are answered only for status 200 responses.
A path with neither a file nor a "body" nor a "status" answers 404.

POST works like GET (the rules decide the answer); its body (Content-Length
bytes, as UTF-8) is recorded under "body".

Every request is appended, before it is answered, as one JSON line to
DIR/requests.log, written compactly (separators "," and ":") with sorted
keys:
  {"headers":{"user-agent":"..."},"method":"GET","path":"/a","time":1700000000.123}
Header names are lower case; repeated headers are joined with ", ".
"""

import argparse
import email.utils
import gzip
import hashlib
import http.server
import json
import mimetypes
import os
import select
import socket
import ssl
import sys
import threading
import time
import urllib.parse


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, root):
        super().__init__(addr, Handler)
        self.root = os.path.realpath(root)
        self.lock = threading.Lock()
        self.sequences = {}  # path -> [rules digest, steps consumed]

    def handle_error(self, request, client_address):
        # Clients that go away mid-answer are part of the tests; stay quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout, TimeoutError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)

    def log_request_line(self, record):
        line = json.dumps(record, sort_keys=True, separators=(",", ":"))
        with self.lock:
            with open(os.path.join(self.root, "requests.log"), "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def next_step(self, path, rules_bytes):
        """The step for this request: consumes one step of the path's sequence."""
        steps = json.loads(rules_bytes.decode("utf-8"))
        if isinstance(steps, dict):
            steps = [steps]
        if not isinstance(steps, list) or not steps:
            return {}
        digest = hashlib.sha256(rules_bytes).hexdigest()
        with self.lock:
            seq = self.sequences.get(path)
            if seq is None or seq[0] != digest:
                seq = [digest, 0]
                self.sequences[path] = seq
            index = min(seq[1], len(steps) - 1)
            seq[1] += 1
        step = steps[index]
        return step if isinstance(step, dict) else {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "regwatch-test-httpd"

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self.answer(send_body=True)

    def do_HEAD(self):
        self.answer(send_body=False)

    def do_POST(self):
        self.answer(send_body=True)

    # --- request handling -------------------------------------------------

    def local_path(self):
        """DIR/PATH for the request, or None when the path leaves DIR."""
        raw = urllib.parse.urlsplit(self.path).path
        rel = urllib.parse.unquote(raw).lstrip("/")
        full = os.path.realpath(os.path.join(self.server.root, rel))
        if full != self.server.root and not full.startswith(self.server.root + os.sep):
            return None, raw
        return full, raw

    def record(self):
        headers = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = headers[key] + ", " + value if key in headers else value
        record = {
            "path": self.path,
            "method": self.command,
            "headers": headers,
            "time": time.time(),
        }
        length = int(self.headers.get("Content-Length") or 0)
        if self.command == "POST" and length > 0:
            record["body"] = self.rfile.read(length).decode("utf-8", "replace")
        self.server.log_request_line(record)

    def answer(self, send_body):
        self.record()
        full, raw = self.local_path()
        step = {}
        if full is not None:
            try:
                with open(full + ".rules", "rb") as f:
                    rules = f.read()
            except OSError:
                rules = None
            if rules is not None:
                try:
                    step = self.server.next_step(raw, rules)
                except ValueError:
                    self.send_plain(500, "bad rules file\n", send_body)
                    return

        if step.get("hang"):
            self.hang()
            return
        if step.get("delay"):
            time.sleep(float(step["delay"]))

        body = None
        mtime = None
        if "body" in step:
            body = str(step["body"]).encode("utf-8")
        elif full is not None and os.path.isfile(full):
            with open(full, "rb") as f:
                body = f.read()
            mtime = int(os.stat(full).st_mtime)

        status = step.get("status")
        if status is None:
            status = 302 if "redirect" in step else (200 if body is not None else 404)
        status = int(status)
        if body is None:
            body = b"" if status != 404 else b"not found\n"

        headers = {}
        order = []

        def put(name, value):
            key = name.lower()
            if key not in headers:
                order.append(key)
            headers[key] = (name, value)

        if status == 200:
            put("ETag", '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
            if mtime is not None:
                put("Last-Modified", email.utils.formatdate(mtime, usegmt=True))
        ctype = None
        if full is not None:
            ctype = mimetypes.guess_type(full)[0]
        put("Content-Type", ctype or "application/octet-stream")
        if "redirect" in step:
            put("Location", str(step["redirect"]))
        for name, value in (step.get("headers") or {}).items():
            if value is None:
                key = name.lower()
                if key in headers:
                    del headers[key]
                    order.remove(key)
            else:
                put(name, str(value))

        if status == 200 and self.not_modified(headers, mtime):
            self.send_response(304)
            for key in ("etag", "last-modified"):
                if key in headers:
                    self.send_header(*headers[key])
            self.end_headers()
            return

        if step.get("gzip"):
            body = gzip.compress(body)
            put("Content-Encoding", "gzip")

        chunked = bool(step.get("chunked"))
        truncate = step.get("truncate")
        self.send_response(status)
        for key in order:
            self.send_header(*headers[key])
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        if truncate is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not send_body or status in (204, 304):
            return

        if truncate is not None:
            self.wfile.write(body[:max(0, int(truncate))])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        trickle = step.get("trickle")
        if trickle:
            self.send_trickle(body, float(trickle), chunked)
            return
        if chunked:
            size = 16384
            for i in range(0, len(body), size):
                part = body[i:i + size]
                self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)
        self.wfile.flush()

    def not_modified(self, headers, mtime):
        inm = self.headers.get("If-None-Match")
        etag = headers.get("etag", (None, None))[1]
        if inm is not None:
            if etag is None:
                return False
            for tag in inm.split(","):
                tag = tag.strip()
                if tag == "*" or tag == etag or (tag.startswith("W/") and tag[2:] == etag):
                    return True
            return False
        ims = self.headers.get("If-Modified-Since")
        if ims is None or mtime is None or "last-modified" not in headers:
            return False
        try:
            when = email.utils.parsedate_to_datetime(ims)
        except (TypeError, ValueError, IndexError):
            return False
        if when is None:
            return False
        return when.timestamp() >= mtime

    def send_trickle(self, body, pause, chunked):
        for i in range(len(body)):
            byte = body[i:i + 1]
            if chunked:
                byte = b"1\r\n" + byte + b"\r\n"
            self.wfile.write(byte)
            self.wfile.flush()
            time.sleep(pause)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def hang(self):
        """Never answer; return when the client closes the connection."""
        self.close_connection = True
        conn = self.connection
        while True:
            ready, _, _ = select.select([conn], [], [], 0.5)
            if not ready:
                continue
            try:
                data = conn.recv(4096)
            except OSError:
                return
            if not data:
                return

    def send_plain(self, status, text, send_body):
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if send_body:
            self.wfile.write(data)


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


def main():
    ap = argparse.ArgumentParser(description="loopback HTTP server for the regwatch tests")
    ap.add_argument("--root", required=True, help="directory to serve")
    ap.add_argument("--port", type=int, default=0, help="port to bind (0: a free port)")
    ap.add_argument("--port-file", help="file that receives the port number")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="exit when the starting process is gone")
    ap.add_argument("--tls-cert", help="PEM certificate (chain): serve HTTPS")
    ap.add_argument("--tls-key", help="PEM private key for --tls-cert")
    args = ap.parse_args()
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")

    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    server = Server(("127.0.0.1", args.port), args.root)
    if args.tls_cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = tls.wrap_socket(server.socket, server_side=True,
                                        do_handshake_on_connect=False)
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    print(port, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

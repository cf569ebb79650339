#!/usr/bin/env python3
"""Serves a directory over HTTP on 127.0.0.1 the way object stores and data servers do for remote rasters: HEAD,
single Range requests (206 + Content-Range), a strong ETag per file version (size + mtime, so a replaced file gets a
new one), Last-Modified, If-None-Match (304) and If-Match (412). Logs every request with the bytes it sent, and stops
by itself after --seconds. Standard library only.

    serve.py DIR [--port 0] [--seconds 600] [--port-file FILE]
"""
import argparse
import email.utils
import http.server
import os
import re
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    root = "."
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("serve: " + (fmt % args) + "\n")

    def log_request(self, code="-", size="-"):
        # One line per request: method, path, Range asked for, status and the body bytes sent.
        self.log_message('%s %s range=%s %s %s', self.command, self.path, self.headers.get("Range", "-"), code,
                         getattr(self, "_sent", 0))

    def _file(self):
        rel = self.path.split("?", 1)[0].lstrip("/")
        full = os.path.realpath(os.path.join(self.root, rel))
        if not full.startswith(os.path.realpath(self.root) + os.sep) or not os.path.isfile(full):
            return None, None
        return full, os.stat(full)

    def _etag(self, st):
        return '"%x-%x"' % (st.st_size, st.st_mtime_ns)

    def _head(self, status, st, etag, length, extra=()):
        self.send_response(status)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(length))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()

    def _head_quiet(self, *args):
        self._deferred_log = True
        self._head(*args)

    def send_response(self, code, message=None):
        self._code = code
        if getattr(self, "_deferred_log", False):
            self.send_response_only(code, message)
            self.send_header("Server", self.version_string())
            self.send_header("Date", self.date_time_string())
        else:
            super().send_response(code, message)

    def do_HEAD(self):
        self._serve(body=False)

    def do_GET(self):
        self._serve(body=True)

    def _serve(self, body):
        self._sent = 0
        full, st = self._file()
        if full is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = self._etag(st)
        if_match = self.headers.get("If-Match")
        if if_match is not None and if_match.strip() not in ("*", etag):
            self._empty(412)
            return
        if self.headers.get("If-None-Match", "").strip() == etag:
            self._head(304, st, etag, 0)
            return
        size = st.st_size
        rng = self.headers.get("Range")
        start, end, status, extra = 0, size - 1, 200, ()
        if rng:
            m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())
            if not m or (m.group(1) == "" and m.group(2) == ""):
                self._empty(416, (("Content-Range", "bytes */%d" % size),))
                return
            if m.group(1) == "":
                start, end = max(0, size - int(m.group(2))), size - 1
            else:
                start = int(m.group(1))
                end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            if start >= size or start > end:
                self._empty(416, (("Content-Range", "bytes */%d" % size),))
                return
            status, extra = 206, (("Content-Range", "bytes %d-%d/%d" % (start, end, size)),)
        if not body:
            self._head(status, st, etag, end - start + 1, extra)
            return
        # The status line is logged when it is sent; log after the body instead, with its size.
        self._head_quiet(status, st, etag, end - start + 1, extra)
        with open(full, "rb") as f:
            f.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = f.read(min(left, 1 << 16))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)
                self._sent += len(chunk)
        self._deferred_log = False
        self.log_request(self._code)

    def _empty(self, status, extra=()):
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()



def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dir")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("--port-file")
    a = p.parse_args()
    Handler.root = a.dir
    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    port = server.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(a.port_file + ".tmp", a.port_file)
    print("serving %s on http://127.0.0.1:%d/ for %g s" % (a.dir, port, a.seconds), flush=True)
    threading.Timer(a.seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()

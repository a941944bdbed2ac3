#!/usr/bin/env python3
"""Loopback HTTP file server that caps each connection's rate, for the benchmarks.

Usage: capped.py DIR PORT_FILE PARENT_PID MIB_PER_SECOND

Like serve.py (127.0.0.1, a port chosen by the kernel written to PORT_FILE, exits
on SIGTERM/SIGINT or when PARENT_PID is gone), but each connection is held to
MIB_PER_SECOND, as many real mirrors hold each client connection, and range
requests are honoured the way those mirrors do: Accept-Ranges, ETag and
Last-Modified on every answer; "Range: bytes=a-b" or "bytes=a-" answered with
206 and Content-Range; an If-Range that no longer holds gets the whole file.
"""
import email.utils
import http.server
import os
import re
import sys
import time

import loopback

RANGE = re.compile(r"bytes=(\d+)-(\d*)$")
CHUNK = 256 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    directory = "."
    rate = 25 * 1024 * 1024

    def do_HEAD(self):
        self.answer(body=False)

    def do_GET(self):
        self.answer(body=True)

    def answer(self, body):
        name = os.path.basename(self.path.split("?", 1)[0])
        path = os.path.join(self.directory, name)
        if not name or not os.path.isfile(path):
            self.send_error(404)
            return
        st = os.stat(path)
        size = st.st_size
        etag = '"%x-%x"' % (st.st_mtime_ns, size)
        modified = email.utils.formatdate(st.st_mtime, usegmt=True)
        start, end, status = 0, size - 1, 200
        wanted = self.headers.get("Range")
        if_range = self.headers.get("If-Range")
        if wanted and (if_range is None or if_range in (etag, modified)):
            m = RANGE.match(wanted.strip())
            if m:
                first = int(m.group(1))
                if first >= size:
                    self.send_response(416)
                    self.send_header("Content-Range", "bytes */%d" % size)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                start = first
                if m.group(2):
                    end = min(end, int(m.group(2)))
                status = 206
        self.send_response(status)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", modified)
        self.send_header("Content-Length", str(end - start + 1))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        if body:
            self.send_capped(path, start, end - start + 1)

    def send_capped(self, path, offset, length):
        self.wfile.flush()
        began = time.monotonic()
        sent = 0
        try:
            with open(path, "rb") as f:
                while sent < length:
                    n = self.connection.sendfile(f, offset + sent, min(CHUNK, length - sent))
                    if n <= 0:
                        break
                    sent += n
                    ahead = sent / self.rate - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format, *args):
        pass


def main():
    directory, port_file, parent, mib = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    Handler.directory = directory
    Handler.rate = float(mib) * 1024 * 1024
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    loopback.serve(server, port_file, parent)


if __name__ == "__main__":
    main()

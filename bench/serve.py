#!/usr/bin/env python3
"""Loopback HTTP file server for the benchmarks.

Usage: serve.py DIR PORT_FILE PARENT_PID

Serves DIR on 127.0.0.1 at a port chosen by the kernel (port 0), writes the port
to PORT_FILE (atomically, via a rename) once it accepts connections, and exits on
SIGTERM/SIGINT or as soon as PARENT_PID is gone. File bodies are sent with
sendfile(2) so that the server is not the bottleneck of a measurement.
"""
import functools
import http.server
import sys

import loopback


class Handler(http.server.SimpleHTTPRequestHandler):
    def copyfile(self, source, outputfile):
        try:
            outputfile.flush()
            self.connection.sendfile(source)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):
        pass


def main():
    directory, port_file, parent = sys.argv[1], sys.argv[2], int(sys.argv[3])
    handler = functools.partial(Handler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    loopback.serve(server, port_file, parent)


if __name__ == "__main__":
    main()

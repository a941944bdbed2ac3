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
import os
import signal
import sys
import threading
import time


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
    server.daemon_threads = True

    def stop(*_):
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_parent():
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(0)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch_parent, daemon=True).start()
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()

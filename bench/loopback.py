"""What the benchmarks' loopback HTTP servers share: how they start, say their port and stop."""
import os
import signal
import threading
import time


def serve(server, port_file, parent):
    """Serves until SIGTERM/SIGINT or until the PARENT pid is gone.

    The port the kernel chose is written to PORT_FILE (atomically, via a rename) once the
    server accepts connections.
    """
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

"""The process jupyter_client starts for a kernel forked by the zygote (:mod:`.zygote`).

Run as ``python -I -S forkclient.py <zygote socket> -f <connection file>``: standard library
only, no site packages, so it starts in milliseconds. It asks the zygote for a kernel with
its own standard streams, environment and working directory, forwards the signals
jupyter_client sends it (an interrupt, a termination) to that kernel, and exits with the
kernel's exit status. Killed, it takes the kernel with it (the zygote and the kernel both
see its connection close).
"""

import contextlib
import json
import os
import signal
import socket
import sys


def main() -> int:
    """Get a kernel from the zygote and stand in for it until it ends."""
    path, args = sys.argv[1], sys.argv[2:]
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        request = {"args": args, "cwd": os.getcwd(), "env": dict(os.environ)}
        message = json.dumps(request).encode()
        socket.send_fds(conn, [len(message).to_bytes(8, "big") + message], [0, 1, 2])
    except OSError as exc:
        print(f"qptd: zygote unreachable ({exc})", file=sys.stderr)
        return 1
    stream = conn.makefile("rb")
    first = stream.readline()
    if not first.strip():
        return 1
    pid = int(first)

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"):
        signal.signal(getattr(signal, name), forward)
    status = stream.readline().strip()  # the kernel's exit status; nothing: the zygote is gone
    return int(status) if status.lstrip(b"-").isdigit() else 1


if __name__ == "__main__":
    sys.exit(main())

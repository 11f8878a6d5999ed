"""Drives an interactive shell on a pseudo-terminal, as a user at a keyboard would: runs the setup
lines, then types KEYS (a TAB is a real keypress) and returns the first line the command printed
that starts with `ARGS:` (the e2e wrapper echoes its arguments so). Exit 1 on a timeout.

Usage: shell_session.py SHELL_ARGV_JSON SETUP_LINES_JSON KEYS
"""
import json
import os
import pty
import select
import sys
import time


def main():
    argv = json.loads(sys.argv[1])
    setup = json.loads(sys.argv[2])
    keys = sys.argv[3]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    seen = b""

    def read_for(seconds):
        nonlocal seen
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    return
                if not chunk:
                    return
                seen += chunk
                # Answer a terminal query (cursor position) so no shell waits for one.
                if b"\x1b[6n" in chunk:
                    os.write(fd, b"\x1b[1;1R")

    read_for(1.0)
    for line in setup:
        os.write(fd, line.encode() + b"\r")
        read_for(1.0)
    for char in keys:
        os.write(fd, char.encode())
        read_for(1.5 if char == "\t" else 0.05)
    deadline = time.time() + 10
    while time.time() < deadline:
        for line in seen.replace(b"\r", b"\n").split(b"\n"):
            if line.startswith(b"ARGS:"):
                print(line.decode(errors="replace").strip())
                os.kill(pid, 9)
                return 0
        read_for(0.2)
    sys.stderr.write(seen.decode(errors="replace")[-2000:])
    os.kill(pid, 9)
    return 1


if __name__ == "__main__":
    sys.exit(main())

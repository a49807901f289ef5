#!/usr/bin/env python3
"""A QEMU Machine Protocol client for boot-test.sh (standard library only).

    qmp.py SOCKET screendump FILE.png    the screen, as QEMU 7.1+ writes it (PNG)
    qmp.py SOCKET quit                   QEMU stops at once (no guest shutdown)
"""
import json
import socket
import sys


def command(sock_file, sock, name, arguments=None):
    message = {"execute": name}
    if arguments:
        message["arguments"] = arguments
    sock.sendall(json.dumps(message).encode() + b"\n")
    while True:
        line = sock_file.readline()
        if not line:
            raise SystemExit(f"qmp: QEMU closed the monitor during {name}")
        reply = json.loads(line)
        if "return" in reply:
            return reply["return"]
        if "error" in reply:
            raise SystemExit(f"qmp: {name}: {reply['error'].get('desc', reply['error'])}")
        # anything else is an asynchronous event: skip it


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    path, what = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(60)
    sock.connect(path)
    sock_file = sock.makefile("r")
    json.loads(sock_file.readline())  # the greeting
    command(sock_file, sock, "qmp_capabilities")
    if what == "screendump" and len(sys.argv) == 4:
        command(sock_file, sock, "screendump", {"filename": sys.argv[3], "format": "png"})
    elif what == "quit":
        try:
            command(sock_file, sock, "quit")
        except SystemExit:
            pass  # QEMU may close the socket before it answers
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

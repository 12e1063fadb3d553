#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, as a person at a terminal would: waits for a prompt, says so on stdout
("PROMPT"), then types what the test sends on stdin (one line: `y`, `n` or `ctrl-c`) and passes the rest through.
Prints everything the command wrote, then "EXIT <code>". For the regx CLI tests of interactive confirmation."""
import os, pty, select, sys

def main() -> int:
    prompt = sys.argv[1].encode()
    argv = sys.argv[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    seen = b''
    answered = False
    while True:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and prompt in seen:
            answered = True
            sys.stdout.write('PROMPT\n')
            sys.stdout.flush()
            answer = sys.stdin.readline().strip()
            os.write(fd, b'\x03' if answer == 'ctrl-c' else (answer + '\r').encode())
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode('utf8', 'replace'))
    sys.stdout.write(f'\nEXIT {os.waitstatus_to_exitcode(status)}\n')
    return 0

sys.exit(main())

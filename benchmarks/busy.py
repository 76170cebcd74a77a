"""Run a command on a busy machine: CPU spinners beside it, the load average recorded.

The dashboards must work when the machine is loaded (issue 8: no anywidget time-outs at load
average 8). This script starts ``--spinners`` processes that each keep a core busy, waits until
the 1-minute load average reaches ``--load`` (or ``--warmup`` seconds pass), runs the command,
then stops the spinners by their own process ids and prints the load average seen while the
command ran: sampled every 5 s and once more as it ends, so that a line is always printed (a
command done in under 5 s has only the sample at its end, and the line says so).

Usage::

    .venv/bin/python benchmarks/busy.py --spinners 8 -- .venv/bin/python -m pytest tests/browser -q
"""

import argparse
import os
import subprocess
import sys
import threading
import time

SPIN = "while True: pass"
SAMPLE_EVERY_S = 5.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spinners", type=int, default=8, help="busy processes (default 8)")
    parser.add_argument("--load", type=float, default=8.0, help="load average to wait for")
    parser.add_argument("--warmup", type=float, default=90.0, help="longest wait, seconds")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")

    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(args.spinners)]
    loads, done = [], threading.Event()

    def sample():
        while not done.wait(SAMPLE_EVERY_S):
            loads.append(os.getloadavg()[0])

    try:
        deadline = time.monotonic() + args.warmup
        while os.getloadavg()[0] < args.load and time.monotonic() < deadline:
            time.sleep(2)
        print(f"busy.py: load average {os.getloadavg()[0]:.1f} at start", file=sys.stderr)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        code = subprocess.call(command)
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
        loads.append(os.getloadavg()[0])  # at the end, with the spinners still running
    finally:
        for spinner in spinners:
            spinner.terminate()
        for spinner in spinners:
            spinner.wait()
    if len(loads) == 1:
        seen = (
            f"too short to sample while it ran (every {SAMPLE_EVERY_S:.0f} s); load average "
            f"{loads[0]:.1f} at its end"
        )
    else:
        loads.sort()
        seen = (
            f"load average min {loads[0]:.1f}, median {loads[len(loads) // 2]:.1f}, "
            f"max {loads[-1]:.1f} ({len(loads)} samples, the last at its end)"
        )
    print(
        f"busy.py: {args.spinners} spinners; the command ({seconds:.1f} s): {seen}; "
        f"exit code {code}",
        file=sys.stderr,
    )
    return code


if __name__ == "__main__":
    sys.exit(main())

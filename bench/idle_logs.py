"""How much an idle bot logs: `python app.py` of one or more checkouts, untouched for a while.

    python bench/idle_logs.py --seconds 60 [--checkout /path/to/other/checkout ...]

Each checkout's app runs in a scratch directory (SQLite under ./data/, local mode, loopback
and a free port), receives nothing for `--seconds`, then SIGTERM. Prints one line per checkout:
lines and bytes written, per minute and per day, and the loggers that wrote them.
"""

from __future__ import annotations

import argparse
import collections
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(checkout: Path, seconds: float) -> tuple[int, int, collections.Counter[str]]:
    """Lines, bytes and lines per logger that an idle app of `checkout` wrote."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "MicrosoftAppId", "LOG_FORMAT")}
    env.update(PYTHONPATH=str(checkout), PORT=str(_free_port()), HOST="127.0.0.1")
    with tempfile.TemporaryDirectory() as scratch:
        proc = subprocess.Popen([sys.executable, str(checkout / "app.py")], cwd=scratch, env=env,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(seconds)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    lines = err.splitlines()
    loggers: collections.Counter[str] = collections.Counter(
        line.split(" ", 4)[3].rstrip(":") if line.count(" ") >= 4 else "?" for line in lines)
    return len(lines), len(err.encode()), loggers


def main() -> None:
    """Measure this checkout and any others given."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--checkout", type=Path, action="append", default=[])
    args = parser.parse_args()
    for checkout in [ROOT, *args.checkout]:
        lines, size, loggers = measure(checkout.resolve(), args.seconds)
        per_min = 60 / args.seconds
        print(f"{checkout}: {lines} lines, {size} bytes in {args.seconds:.0f} s "
              f"({lines * per_min:.0f} lines/min, {size * per_min * 1440 / 1e6:.1f} MB/day); "
              f"by logger: {dict(loggers.most_common(5))}")


if __name__ == "__main__":
    main()

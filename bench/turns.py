"""Message turns/s and latency: stock botbuilder echo bot vs stock + sdk_fixes vs our app.py.

Everything runs on 127.0.0.1: a fake Bot Connector (bench/sink.py) receives the replies.
Run from the repository root:  python bench/turns.py [--n 2000] [--stock-only | --ours-only]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from loadgen import Run, drive, sink_count

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Child:
    """A child process on its own port, its output in a temp log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.name, self.port = name, free_port()
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)
        # The echo bot's --fixed imports bot.sdk_fixes from this checkout.
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        full_env = os.environ | (env or {}) | {"PORT": str(self.port), "PYTHONPATH": path}
        argv = [arg.replace("{port}", str(self.port)) for arg in argv]
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_listening(self, timeout: float = 60.0) -> None:
        """Block until the port accepts connections; fail with the log if the child died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                socket.create_connection((HOST, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        tail = Path(self.log.name).read_text(errors="replace")[-2000:]
        raise SystemExit(f"{self.name} startet ikke (port {self.port}):\n{tail}")

    def stop(self) -> None:
        """Terminate the child (and only it), then reap it."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


async def measure(name: str, bot: Child, sink_url: str, args: argparse.Namespace) -> Run:
    """Warm up, then time args.n message turns against one bot (bounded by args.budget)."""
    url = f"http://{HOST}:{bot.port}/api/messages"
    service_url = f"{sink_url}/"
    warmup = Run(name)
    await drive(url, service_url, min(args.n, 200), args.concurrency, warmup, 0, args.budget)
    run = Run(name)
    async with aiohttp.ClientSession() as session:
        before = await sink_count(session, sink_url)
        await drive(url, service_url, args.n, args.concurrency, run, 1_000_000, args.budget)
        run.replies = await sink_count(session, sink_url) - before
    return run


def report(runs: list[Run], n: int, concurrency: int) -> None:
    """Print one row per bot, then ratios against the stock echo bot (with and without fixes)."""
    print(f"\n{n} meldinger per bot, {concurrency} samtidige, {os.cpu_count()} kjerner")
    print(f"{'bot':<22}{'turns/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'feil':>7}{'svar':>8}")
    for row in runs:
        print(
            f"{row.name:<22}{row.turns_per_s:>10.1f}{row.percentile_ms(50):>10.1f}"
            f"{row.percentile_ms(99):>10.1f}{row.errors:>7}{row.replies:>8}"
        )
    by_name = {run.name: run for run in runs}
    for name, base_name in [
        ("stock+sdk_fixes", "stock"),
        ("ours", "stock"),
        ("ours", "stock+sdk_fixes"),
    ]:
        run, base = by_name.get(name), by_name.get(base_name)
        if run and base and base.turns_per_s and run.latencies:
            print(
                f"{name} / {base_name}: turns/s x{run.turns_per_s / base.turns_per_s:.2f}, "
                f"p50 x{run.percentile_ms(50) / base.percentile_ms(50):.2f}, "
                f"p99 x{run.percentile_ms(99) / base.percentile_ms(99):.2f}"
            )


def start_bots(args: argparse.Namespace, db_dir: str) -> dict[str, Child]:
    """Start the bots this run compares (each in its own process)."""
    echo = [sys.executable, str(BENCH / "echo_bot.py"), "--port", "{port}"]
    bots: dict[str, Child] = {}
    if not args.ours_only:
        bots["stock"] = Child("stock", echo)
        bots["stock+sdk_fixes"] = Child("stock+sdk_fixes", [*echo, "--fixed"])
    if not args.stock_only:
        env = {
            "DATABASE_URL": f"sqlite:///{db_dir}/bench.db",
            "MicrosoftAppId": "",
            "MicrosoftAppPassword": "",
            "HOST": HOST,
        }
        bots["ours"] = Child("ours", [sys.executable, "app.py"], env)
    return bots


def main() -> None:
    """Parse flags, start sink and bots, measure each in turn, print the table, clean up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000, help="measured messages per bot")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--budget", type=float, default=120.0, help="max seconds per run")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--stock-only", action="store_true")
    group.add_argument("--ours-only", action="store_true")
    args = parser.parse_args()
    # SIGTERM (e.g. from `timeout`) must still run the finally below, or children outlive us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    children: list[Child] = []
    with tempfile.TemporaryDirectory(prefix="bench-turns-") as db_dir:
        try:
            sink = Child("sink", [sys.executable, str(BENCH / "sink.py"), "--port", "{port}"])
            children.append(sink)
            bots = start_bots(args, db_dir)
            children.extend(bots.values())
            for child in children:
                child.wait_listening()
            sink_url = f"http://{HOST}:{sink.port}"
            runs = [asyncio.run(measure(name, bot, sink_url, args)) for name, bot in bots.items()]
            report(runs, args.n, args.concurrency)
            for run in runs:
                if run.errors:
                    print(f"{run.name}: {run.errors} feil, se loggen {bots[run.name].log.name}")
                else:
                    Path(bots[run.name].log.name).unlink(missing_ok=True)
            Path(sink.log.name).unlink(missing_ok=True)
        finally:
            for child in children:
                child.stop()


if __name__ == "__main__":
    main()

"""RSVP A/B in one run: this tree's app.py against another checkout's, at the same time.

Run from the repository root, with the baseline checked out elsewhere:
    git worktree add --detach /tmp/base <commit>
    python bench/rsvp_ab.py --base /tmp/base [--runs 3] [--bursts 4] [--n 150]
Both apps run side by side on their own SQLite database; short bursts of `adaptiveCard/action`
invokes alternate between them (order flipped each burst), so on a shared machine both see
the same load. Prints throughput and latency per side and the ratio this/base per run.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import rsvp
import turns
from loadgen import Run
from turns import HOST, ROOT, Child


def start(name: str, root: Path, db: str, members: int) -> tuple[Child, int]:
    """Seed a meeting and start app.py from `root` (its cwd and PYTHONPATH)."""
    meeting_id = rsvp.seed(db, members)
    turns.ROOT = root  # Child reads it when it starts the process
    try:
        bot = Child(name, [sys.executable, "app.py"],
                    {"DATABASE_URL": db, "MicrosoftAppId": "", "HOST": HOST})
    finally:
        turns.ROOT = ROOT
    return bot, meeting_id


def burst(bot: Child, meeting_id: int, sink_url: str, n: int, conc: int, first: int,
          members: int) -> Run:
    """`n` invokes against one app; returns what they measured."""
    run = Run(bot.name)
    api = f"http://{HOST}:{bot.port}/api/messages"
    asyncio.run(rsvp.drive_rsvp(api, sink_url, n, conc, run, first, meeting_id, members))
    return run


def main() -> None:
    """Start the sink and both apps, alternate bursts, print per-run figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=Path, required=True, help="the baseline checkout")
    parser.add_argument("--n", type=int, default=150, help="invokes per burst")
    parser.add_argument("--bursts", type=int, default=4, help="bursts per side per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--members", type=int, default=40)
    args = parser.parse_args()
    sink = Child("sink", [sys.executable, str(ROOT / "bench" / "sink.py"), "--port", "{port}"])
    bots: dict[str, tuple[Child, int]] = {}
    ratios = []
    with tempfile.TemporaryDirectory(prefix="bench-rsvp-ab-") as tmp:
        try:
            sink.wait_listening()
            sink_url = f"http://{HOST}:{sink.port}/"
            for name, root in (("base", args.base.resolve()), ("this", ROOT)):
                bots[name] = start(name, root, f"sqlite:///{tmp}/{name}.db", args.members)
            for bot, meeting_id in bots.values():
                bot.wait_listening()
                burst(bot, meeting_id, sink_url, 200, args.concurrency, 0, args.members)
            seq = 10_000
            for i in range(args.runs):
                runs: dict[str, list[Run]] = {"base": [], "this": []}
                for b in range(args.bursts):
                    for name in (("base", "this") if (i + b) % 2 == 0 else ("this", "base")):
                        bot, meeting_id = bots[name]
                        runs[name].append(burst(bot, meeting_id, sink_url, args.n,
                                                args.concurrency, seq, args.members))
                        seq += args.n
                rate = {}
                for name, parts in runs.items():
                    joined = Run(name)
                    joined.latencies = [t for r in parts for t in r.latencies]
                    joined.errors = sum(r.errors for r in parts)
                    joined.seconds = sum(r.seconds for r in parts)
                    rate[name] = joined.turns_per_s
                    print(f"run {i + 1} {name}: {joined.turns_per_s:.1f}/s, "
                          f"p50 {joined.percentile_ms(50):.0f} ms, "
                          f"p99 {joined.percentile_ms(99):.0f} ms, errors {joined.errors}",
                          flush=True)
                ratios.append(rate["this"] / rate["base"])
                print(f"run {i + 1}: this/base = {ratios[-1]:.3f}", flush=True)
        finally:
            for bot, _ in bots.values():
                bot.stop()
            sink.stop()
    print("ratios this/base:", ", ".join(f"{r:.3f}" for r in ratios))


if __name__ == "__main__":
    main()

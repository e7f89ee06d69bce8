"""Send-out benchmark through the limit-enforcing fake connector: rate, losses, scaling, lateness.

python bench/sendout.py            # 1,000 and 250 members + 1,000 reminders (SQLite)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select  # noqa: E402

from core.clock import SystemClock  # noqa: E402
from core.links import LinkSigner

LINKS = LinkSigner(b"bench", "http://127.0.0.1:9")  # no calendar link is opened here
from core.settings import load_settings  # noqa: E402
from delivery.run import deliver_sendout  # noqa: E402
from delivery.sendout import notice_activity, start_sendout  # noqa: E402
from delivery.worker import DeliveryWorker  # noqa: E402
from scheduler.runner import SchedulerService  # noqa: E402
from scheduler.store import schedule  # noqa: E402
from services.runtime import job_handlers  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Member  # noqa: E402
from tests.fakes.connector import FakeConnector  # noqa: E402
from tests.test_delivery_support import seed_group  # noqa: E402

SETTINGS = load_settings(app_id="")
LATENCY_S = 0.05  # a plausible Bot Connector round trip


def _engine(tmp: Path, name: str):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp / name}.db")
    upgrade(engine)
    return engine


async def sendout(tmp: Path, members: int) -> dict[str, float]:
    """One notice to `members` members; achieved rate, lost, duplicated, time per member."""
    engine = _engine(tmp, f"sendout{members}")
    async with FakeConnector(enforce_limits=True, latency_s=LATENCY_S) as fc:
        seed_group(engine, fc.url, members)
        with session_scope(engine) as session:
            everyone = list(session.exec(select(Member)))
            out = start_sendout(
                session,
                "notice",
                "bench",
                everyone,
                lambda _m: notice_activity("Kunngjøring", ["Benchmark"]),
                SystemClock().now(),
            )
        started = time.perf_counter()
        await deliver_sendout(engine, SETTINGS, out.id or 0, SystemClock())
        elapsed = time.perf_counter() - started
    per_chat = Counter(c.conversation_id for c in fc.accepted())
    engine.dispose()
    return {
        "members": members,
        "seconds": elapsed,
        "requests": len(fc.calls),
        "rate_fraction": len(fc.calls) / elapsed / 50.0,
        "lost": members - len(per_chat),
        "duplicated": sum(per_chat.values()) - len(per_chat),
        "violations": len(fc.violations),
        "per_member_ms": 1000 * elapsed / members,
    }


async def reminders(tmp: Path, count: int, spread_s: float) -> dict[str, float]:
    """`count` reminders due within `spread_s`; lateness = arrival at the fake minus due time."""
    engine = _engine(tmp, "reminders")
    async with FakeConnector(enforce_limits=True, latency_s=LATENCY_S) as fc:
        ids = seed_group(engine, fc.url, count)
        start = datetime.now(UTC) + timedelta(seconds=3)
        due = {}
        with session_scope(engine) as session:
            for i, member in enumerate(ids):
                when = start + timedelta(seconds=spread_s * i / count)
                due[f"a:conv-{i}"] = when.timestamp()
                schedule(
                    session,
                    "reminder",
                    f"r{i}",
                    {
                        "member_id": member,
                        "rule": "day_before",
                        "subject": "møte",
                        "title": "Påminnelse",
                        "text": "Møtet er i morgen.",
                    },
                    when,
                    when + timedelta(hours=1),
                    datetime.now(UTC),
                )
        worker = DeliveryWorker(engine, SETTINGS, SystemClock())
        service = SchedulerService(engine, SystemClock(), job_handlers(LINKS),
                                   on_enqueued=worker.wake)
        await worker.start()
        service.start()
        offset = time.time() - time.monotonic()
        await fc.wait_for(count, timeout=spread_s + 120)
        service.stop()
        await worker.stop()
    late = sorted(c.at + offset - due[c.conversation_id] for c in fc.accepted())
    engine.dispose()
    return {
        "count": count,
        "p50_s": late[len(late) // 2],
        "p99_s": late[int(len(late) * 0.99)],
        "max_s": late[-1],
        "violations": len(fc.violations),
    }


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big = await sendout(Path(tmp), args.members)
        small = await sendout(Path(tmp), args.members // 4)
        print("Send-out", big)
        print("Send-out", small)
        print(
            f"rate {big['rate_fraction']:.3f} of 50 req/s (goal ≥ 0.9); lost {big['lost']}, "
            f"duplicated {big['duplicated']} (goal 0 and 0); time per member "
            f"{args.members} vs {args.members // 4}: "
            f"{big['per_member_ms'] / small['per_member_ms']:.3f} (goal ≤ 1.1)"
        )
        if not args.skip_reminders:
            late = await reminders(Path(tmp), args.reminders, 60.0)
            print("Reminders", late)
            print(f"lateness p99 {late['p99_s']:.3f} s (goal ≤ 1 s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--reminders", type=int, default=1000)
    parser.add_argument("--skip-reminders", action="store_true")
    asyncio.run(main(parser.parse_args()))

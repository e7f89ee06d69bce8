"""RSVP Action.Execute round trips (DB write + refreshed card) vs the stock echo bot.

Run from the repository root:  python bench/rsvp.py [--n 2000] [--concurrency 50]
Measures app.py with a 40-member and a 1,000-member meeting (SQLite), each in its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from loadgen import TENANT_ID, Run
from turns import BENCH, HOST, ROOT, Child, measure

sys.path.insert(0, str(ROOT))
ANSWERS = ("physical", "digital", "no", "maybe")


def seed(url: str, members: int) -> int:
    """A group of `members` (AAD ids as loadgen uses) and one sent meeting; returns its id."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert
    from sqlmodel import col

    from storage.db import make_engine, session_scope
    from storage.groups import get_or_create_group
    from storage.meeting_models import Meeting, MeetingGroup, MeetingStatus
    from storage.migrate import upgrade
    from storage.models import Member, Membership

    engine = make_engine(url)
    upgrade(engine)
    start = datetime.now(UTC) + timedelta(days=30)
    with session_scope(engine) as s:
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        rows = [{"name": f"Medlem {i}", "name_key": f"medlem {i}", "organisation": "Follo",
                 "aad_object_id": str(uuid.UUID(int=i + 1)), "teams_user_id": f"29:u{i}",
                 "tenant_id": TENANT_ID, "role": "member", "active": True, "reachable": True,
                 "created_at": start, "updated_at": start} for i in range(members)]
        ids = list(s.scalars(insert(Member).returning(col(Member.id)), rows))
        s.execute(insert(Membership), [{"group_id": group.id, "member_id": i} for i in ids])
        meeting = Meeting(title="Benk", starts_at=start, ends_at=start + timedelta(hours=2),
                          place="Klækken hotel", status=MeetingStatus.invited)
        s.add(meeting)
        s.flush()
        s.add(MeetingGroup(meeting_id=meeting.id or 0, group_id=group.id or 0))
        mid = meeting.id or 0
    engine.dispose()
    return mid


def invoke(seq: int, service_url: str, meeting_id: int, members: int) -> dict[str, Any]:
    """An adaptiveCard/action invoke from member seq % members."""
    user = seq % members
    return {"type": "invoke", "name": "adaptiveCard/action", "id": f"rsvp-{seq}",
            "channelId": "msteams", "serviceUrl": service_url,
            "from": {"id": f"29:u{user}", "aadObjectId": str(uuid.UUID(int=user + 1))},
            "recipient": {"id": "28:bench-bot"},
            "conversation": {"id": f"a:chat-{user}", "conversationType": "personal",
                             "tenantId": TENANT_ID},
            "channelData": {"tenant": {"id": TENANT_ID}},
            "value": {"action": {"type": "Action.Execute", "verb": "rsvp.answer", "data": {
                "meeting_id": meeting_id, "answer": ANSWERS[seq % 4], "card_version": 1}}}}


async def drive_rsvp(url: str, service_url: str, n: int, conc: int, run: Run, first: int,
                     meeting_id: int, members: int) -> None:
    """POST n invokes with `conc` in flight; a 200 carrying a card counts as a round trip."""
    seqs = iter(range(first, first + n))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15),
                                     connector=aiohttp.TCPConnector(limit=conc)) as http:
        async def worker() -> None:
            for seq in seqs:
                t0 = time.perf_counter()
                async with http.post(url, json=invoke(seq, service_url, meeting_id,
                                                      members)) as resp:
                    body = await resp.json() if resp.status == 200 else {}
                ok = body.get("type") == "application/vnd.microsoft.card.adaptive"
                if ok:
                    run.latencies.append(time.perf_counter() - t0)
                else:
                    run.errors += 1
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conc)))
        run.seconds = time.perf_counter() - t0


def measure_ours(members: int, sink_url: str, args: argparse.Namespace, tmp: str) -> Run:
    """app.py on a fresh SQLite database with a meeting of `members` invitees."""
    url = f"sqlite:///{tmp}/rsvp-{members}.db"
    mid = seed(url, members)
    bot = Child(f"ours-{members}", [sys.executable, "app.py"],
                {"DATABASE_URL": url, "MicrosoftAppId": "", "HOST": HOST})
    try:
        bot.wait_listening()
        api = f"http://{HOST}:{bot.port}/api/messages"
        asyncio.run(drive_rsvp(api, f"{sink_url}/", min(args.n, 200), args.concurrency,
                               Run("warm-up"), 0, mid, members))
        run = Run(f"rsvp, {members} medl.")
        asyncio.run(drive_rsvp(api, f"{sink_url}/", args.n, args.concurrency, run, 10_000,
                               mid, members))
        return run
    finally:
        bot.stop()


def main() -> None:
    """Start the sink and the stock echo bot, measure all three, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--budget", type=float, default=120.0)
    args = parser.parse_args()
    sink = Child("sink", [sys.executable, str(BENCH / "sink.py"), "--port", "{port}"])
    echo = Child("stock", [sys.executable, str(BENCH / "echo_bot.py"), "--port", "{port}"])
    with tempfile.TemporaryDirectory(prefix="bench-rsvp-") as tmp:
        try:
            sink.wait_listening()
            echo.wait_listening()
            sink_url = f"http://{HOST}:{sink.port}"
            runs = [asyncio.run(measure("stock echo", echo, sink_url, args))]
            echo.stop()
            runs += [measure_ours(m, sink_url, args, tmp) for m in (40, 1000)]
        finally:
            echo.stop()
            sink.stop()
    print(f"\n{args.n} runder per bot, {args.concurrency} samtidige")
    print(f"{'bot':<22}{'runder/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'feil':>7}")
    for r in runs:
        print(f"{r.name:<22}{r.turns_per_s:>10.1f}{r.percentile_ms(50):>10.1f}"
              f"{r.percentile_ms(99):>10.1f}{r.errors:>7}")
    stock, small, big = runs
    print(f"rsvp(40) / stock: x{small.turns_per_s / stock.turns_per_s:.2f} throughput; "
          f"p99/p50 = {small.percentile_ms(99) / small.percentile_ms(50):.2f}; "
          f"p50(1000)/p50(40) = {big.percentile_ms(50) / small.percentile_ms(50):.2f}")
    for path in (sink.log.name, echo.log.name):
        Path(path).unlink(missing_ok=True)


if __name__ == "__main__":
    main()

"""Two referents pressing «Lagre» at once: presses per second, latency, and nothing lost.

Run from the repository root:  python bench/minutes.py [--presses 400] [--pg URL]
Each referent is a thread with its own sessions; every press is the whole use case
(services.minutes.press: changed fields, one UPDATE per field, the card's view drawn again).
SQLite by default (a file in a temporary directory); --pg adds a throw-away PostgreSQL run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cards.actions import MinutesSaveAction  # noqa: E402
from domain.minutes import fingerprint  # noqa: E402
from services import minutes  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.meeting_models import AgendaItem, Meeting  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.minutes import field_states  # noqa: E402
from storage.models import Member, Role  # noqa: E402
from storage.scratch import fresh_postgres  # noqa: E402

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ITEMS = 10


def seed(url: str) -> tuple[int, list[int], list[int]]:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        meeting = Meeting(title="Benk")
        people = [Member(name=n, name_key=n.casefold(), role=Role.secretariat)
                  for n in ("Øyvind", "Mari")]
        s.add_all([meeting, *people])
        s.flush()
        items = [AgendaItem(meeting_id=meeting.id or 0, number=n, title=f"Sak {n}")
                 for n in range(1, ITEMS + 1)]
        s.add_all(items)
        s.flush()
        out = (meeting.id or 0, [i.id or 0 for i in items], [p.id or 0 for p in people])
    engine.dispose()
    return out


def referent(url: str, mid: int, items: list[int], member_id: int, field: str, presses: int,
             barrier: threading.Barrier, latencies: list[float]) -> None:
    """One referent: writes `field` on every item in turn, from a card drawn just before."""
    engine = make_engine(url)
    barrier.wait()
    for n in range(presses):
        item = items[n % len(items)]
        with session_scope(engine) as s:
            me = s.get(Member, member_id)
            assert me is not None
            drawn = field_states(s, item)
        typed = {field: f"{field} {n} fra {member_id}"}
        press = MinutesSaveAction(
            meeting_id=mid, item_id=item, v_notes=drawn["notes"].version,
            h_notes=fingerprint(drawn["notes"].value), v_decision=drawn["decision"].version,
            h_decision=fingerprint(drawn["decision"].value),
            notes=typed.get("notes", drawn["notes"].value),
            decision=typed.get("decision", drawn["decision"].value))
        started = time.perf_counter()
        with session_scope(engine) as s:
            me = s.get(Member, member_id)
            assert me is not None
            minutes.press(s, press, me, NOW)
        latencies.append(time.perf_counter() - started)
    engine.dispose()


def run(url: str, presses: int) -> str:
    mid, items, (oyvind, mari) = seed(url)
    barrier = threading.Barrier(2)
    lat: list[list[float]] = [[], []]
    threads = [threading.Thread(target=referent, args=(url, mid, items, who, field, presses,
                                                       barrier, lat[i]))
               for i, (who, field) in enumerate(((oyvind, "notes"), (mari, "decision")))]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    engine = make_engine(url)
    lost = 0
    with session_scope(engine) as s:
        for item in items:
            states = field_states(s, item)
            # Each referent wrote its own field presses/ITEMS times per item: every write
            # counted, and the other field's never overwritten by an unchanged input.
            lost += sum(abs(states[f].version - presses // ITEMS) for f in ("notes", "decision"))
    engine.dispose()
    every = sorted(lat[0] + lat[1])
    p50 = statistics.median(every) * 1000
    p99 = every[int(len(every) * 0.99) - 1] * 1000
    return (f"{2 * presses} presses in {elapsed:.2f} s: {2 * presses / elapsed:.0f}/s, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, writes lost or extra: {lost}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presses", type=int, default=400, help="per referent")
    parser.add_argument("--pg", default="", help="a PostgreSQL URL to create a database next to")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print("SQLite:    ", run(f"sqlite:///{tmp}/bench.db", args.presses))
    if args.pg:
        with fresh_postgres(args.pg, "faggruppe_bench") as url:
            print("PostgreSQL:", run(url, args.presses))


if __name__ == "__main__":
    main()

"""The referat draft at full size: 1,000 present, 20 items, 2,000 innspill entries.

Run from the repository root:  python bench/minutes_draft.py [--present 1000] [--entries 2000]
Times build_draft (the reads), render_markdown and render_docx, each best of --repeat, and
the peak Python heap (tracemalloc) of one build + render per format; the baseline in the
same run is `export attendance` (services.attendance.export_text) of the same meeting, the
cheapest existing export over the same attendance. Goal: under 2 s and 200 MB per format.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.clock import FrozenClock  # noqa: E402
from domain.innspill import Anonymity, InnspillStatus  # noqa: E402
from domain.round import SlotState  # noqa: E402
from services.attendance import export_text  # noqa: E402
from services.minutes_draft import build_draft, render_docx, render_markdown  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402
from storage.groups import add_membership, get_or_create_group  # noqa: E402
from storage.innspill_models import InnspillEntry, InnspillSession  # noqa: E402
from storage.meeting_models import AgendaItem, Attendance, Meeting, MeetingGroup  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.minutes_models import Followup, MinutesField  # noqa: E402
from storage.models import Member, Role  # noqa: E402
from storage.regions import region_for_organisation, seed_regions  # noqa: E402
from storage.round_models import RoundSlot, TalkRound  # noqa: E402

START = datetime(2027, 5, 20, 7, 0, tzinfo=UTC)
CLOCK = FrozenClock(START + timedelta(hours=3))
ORGS = ["Asker", "Bærum", "Drammensregionen", "Follo", "Fredrikstad", "Kongsberg", "Lillestrøm",
        "Lunner", "Modum", "Mosseregionen", "Nedre Romerike", "Oslo Business Region",
        "Søndre Viken", "Horten", "Holmestrand", "Frogn", "Hadeland", "Ringerike",
        "Gjøvikregionen", "Hamarregionen", "Kongsvingerregionen", "Indre Østfold"]
TEXT = ("Samarbeidet i regionen begynner å ta form; vi jobber med næringsarealer, kompetanse "
        "og grønn omstilling, og ønsker *innspill* fra [alle](https://example.org) <at>x</at>.")


def seed(url: str, present: int, entries: int, items: int) -> int:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as s:
        seed_regions(s)
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        regions = {o: region_for_organisation(s, o) for o in ORGS}
        meeting = Meeting(title="Benk", starts_at=START, ends_at=START + timedelta(hours=2))
        s.add(meeting)
        s.flush()
        mid = meeting.id or 0
        s.add(MeetingGroup(meeting_id=mid, group_id=group.id or 0))
        people = []
        for i in range(present):
            org = ORGS[i % len(ORGS)]
            region = regions[org]
            m = Member(name=f"Deltaker {i:04d} Nordmann", name_key=f"deltaker {i:04d} nordmann",
                       organisation=org, region_id=region.id if region else None,
                       role=Role.secretariat if i < 3 else Role.member)
            s.add(m)
            people.append(m)
        s.flush()
        for i, m in enumerate(people):
            add_membership(s, group, m)
            s.add(Attendance(meeting_id=mid, member_id=m.id, name=m.name,
                             organisation=m.organisation,
                             checked_in_at=START + timedelta(seconds=i)))
        agenda = [AgendaItem(meeting_id=mid, number=n, title=f"Sak {n}: tema {n}",
                             description=TEXT * 4) for n in range(1, items + 1)]
        agenda[6].title = "Runden – tema digitalisering"
        s.add_all(agenda)
        s.flush()
        for item in agenda:
            for field in ("notes", "decision"):
                s.add(MinutesField(meeting_id=mid, agenda_item_id=item.id or 0, field=field,
                                   value=TEXT * 3, version=1, replaced_value=""))
            s.add(Followup(meeting_id=mid, agenda_item_id=item.id or 0, what=TEXT[:80],
                           member_id=people[3].id, due_date=date(2027, 6, 1)))
        rnd = TalkRound(meeting_id=mid, topic="digitalisering", conversation_id="19:benk")
        s.add(rnd)
        s.flush()
        for pos, org in enumerate(ORGS):
            s.add(RoundSlot(round_id=rnd.id or 0, position=pos, label=org,
                            state=SlotState.done, update_text=TEXT * 2))
        for k, item in enumerate(agenda[:2]):
            sess = InnspillSession(meeting_id=mid, agenda_item_id=item.id,
                                   questions=json.dumps(["Hva bør vi gjøre?", "Hvem gjør det?"]),
                                   areas=json.dumps(["Infrastruktur", "Kompetanse", "Areal"]),
                                   anonymity=Anonymity.named, status=InnspillStatus.done,
                                   salt="00")
            s.add(sess)
            s.flush()
            s.add_all([InnspillEntry(session_id=sess.id or 0, question_no=n % 2,
                                     area=("Infrastruktur", "Kompetanse", "Areal")[n % 3],
                                     text=f"{TEXT} #{n}", author_member_id=people[n % present].id,
                                     token_hash=f"{k}-{n}")
                       for n in range(entries // 2)])
    engine.dispose()
    return mid


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--present", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        mid = seed(url, args.present, args.entries, args.items)
        engine = make_engine(url)

        def build():  # type: ignore[no-untyped-def]
            with session_scope(engine) as s:
                return build_draft(s, mid, clock=CLOCK)

        def baseline() -> None:
            with session_scope(engine) as s:
                export_text(s, mid)

        draft = build()
        rows = {
            "baseline: export attendance": best(baseline, args.repeat),
            "build_draft (reads)": best(build, args.repeat),
            "render_markdown": best(lambda: render_markdown(draft), args.repeat),
            "render_docx": best(lambda: render_docx(draft), args.repeat),
            "md, whole (build + render)": best(lambda: render_markdown(build()), args.repeat),
            "docx, whole (build + render)": best(lambda: render_docx(build()), args.repeat),
        }
        base = rows["baseline: export attendance"]
        peaks = {"md": peak_mb(lambda: render_markdown(build())),
                 "docx": peak_mb(lambda: render_docx(build()))}
        sizes = {"md": len(render_markdown(draft).encode()), "docx": len(render_docx(draft))}
        engine.dispose()
    print(f"{args.present} present, {args.items} items, {args.entries} innspill entries")
    print(f"| step | best of {args.repeat} s | × baseline |")
    print("|---|---|---|")
    for name, secs in rows.items():
        print(f"| {name} | {secs:.3f} | {secs / base:.1f} |")
    for fmt in ("md", "docx"):
        print(f"{fmt}: peak Python heap {peaks[fmt]:.1f} MB, file {sizes[fmt] / 1000:.0f} kB")
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000:.0f} MB")


if __name__ == "__main__":
    main()

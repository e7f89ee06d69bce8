"""Retention with an injected clock on SQLite and PostgreSQL; two instances run the day once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from core.clock import FrozenClock
from scheduler.store import run_due
from services.privacy import JOB_KIND, ensure_scheduled
from services.runtime import job_handlers
from storage import privacy
from storage.db import make_engine, session_scope
from storage.delivery_models import Delivery, ScheduledJob
from storage.innspill_models import InnspillEntry, InnspillSession
from storage.meeting_models import Meeting, Rsvp, RsvpAnswer
from storage.migrate import upgrade
from storage.models import AuditEntry, ConversationKind, ConversationRef, Member
from storage.privacy_models import RetentionRun
from storage.scratch import fresh_postgres
from tests.harness import TEST_LINKS

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 13.00 in Oslo: the day's run is tomorrow 03.00


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """A migrated engine on SQLite."""
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine(pg_admin_url: str) -> Iterator[Engine]:
    """A migrated engine on a fresh PostgreSQL database of its own."""
    with fresh_postgres(pg_admin_url, "faggruppe_retention") as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def _seed(engine: Engine) -> None:
    """Old and recent rows of every kind the rules cover."""
    with session_scope(engine) as s:
        m = Member(name="Kari Nordmann", name_key="kari nordmann")
        s.add(m)
        s.flush()
        mid = m.id or 0
        for days, title in ((40, "gammelt"), (10, "nytt")):
            meeting = Meeting(title=title, starts_at=NOW - timedelta(days=days),
                              ends_at=NOW - timedelta(days=days) + timedelta(hours=2))
            s.add(meeting)
            s.flush()
            s.add(Rsvp(meeting_id=meeting.id or 0, member_id=mid, answer=RsvpAnswer.physical,
                       comment=f"kommentar {title}", dietary=f"kost {title}"))
        for days in (100, 10):
            s.add(Delivery(purpose="reminder", subject=f"s{days}", member_id=mid, payload="{}",
                           created_at=NOW - timedelta(days=days)))
        for days in (31, 5):
            s.add(ConversationRef(conversation_id=f"a:{days}", kind=ConversationKind.personal,
                                  service_url="http://127.0.0.1:9/", installed=False,
                                  removed_at=NOW - timedelta(days=days)))
        s.add(AuditEntry(action="member.role", at=NOW - timedelta(days=6 * 365)))
        s.add(AuditEntry(action="member.role", at=NOW - timedelta(days=3)))
        old = InnspillSession(questions="[]", salt="s", updated_at=NOW - timedelta(days=800))
        s.add(old)
        s.flush()
        s.add(InnspillEntry(session_id=old.id or 0, text="Et innspill", author_member_id=mid,
                            token_hash="t"))


def _state(engine: Engine) -> dict[str, object]:
    with session_scope(engine) as s:
        return {
            "rsvp": sorted((r.comment, r.dietary) for r in s.exec(select(Rsvp))),
            "ledger": sorted(d.subject for d in s.exec(select(Delivery))),
            "conversations": sorted(c.conversation_id for c in s.exec(select(ConversationRef))),
            "audit": len(s.exec(select(AuditEntry).where(AuditEntry.action == "member.role"))
                         .all()),
            "authors": [e.author_member_id for e in s.exec(select(InnspillEntry))],
        }


def test_daily_job_applies_the_rules_once_at_the_injected_time_on_sqlite(sqlite_engine) -> None:
    _daily_job_applies_the_rules_once(sqlite_engine)


@pytest.mark.pg
def test_daily_job_applies_the_rules_once_at_the_injected_time_on_postgresql(pg_engine) -> None:
    _daily_job_applies_the_rules_once(pg_engine)


def _daily_job_applies_the_rules_once(engine: Engine) -> None:
    clock = FrozenClock(NOW)
    _seed(engine)
    ensure_scheduled(engine, clock.now())
    ensure_scheduled(engine, clock.now())  # a second instance starting: still one job
    handlers = job_handlers(TEST_LINKS)
    assert run_due(engine, clock.now(), handlers) == []
    with session_scope(engine) as s:
        assert privacy.due(s, clock.now()) == {"ledger": 1, "conversations": 1, "rsvp": 1,
                                                "innspill": 1, "audit": 1, "attendees": 0,
                                                "nominations": 0,
                                                "profile_changes": 0}
    untouched = _state(engine)
    clock.set(datetime(2026, 11, 21, 2, 5, tzinfo=UTC))  # 03.05 in Oslo
    assert [status for _id, status in run_due(engine, clock.now(), handlers)] == ["done"]
    assert run_due(engine, clock.now(), handlers) == []
    after = _state(engine)
    assert after != untouched
    assert after["rsvp"] == [("", ""), ("kommentar nytt", "kost nytt")]
    assert after["ledger"] == ["s10"] and after["conversations"] == ["a:5"]
    assert after["audit"] == 1 and after["authors"] == [None]
    with session_scope(engine) as s:
        run = privacy.last_run(s)
        assert run is not None and run.day == "2026-11-21"
        jobs = s.exec(select(ScheduledJob).where(ScheduledJob.kind == JOB_KIND)).all()
        assert sorted((j.key, j.status) for j in jobs) == [("2026-11-21", "done"),
                                                            ("2026-11-22", "pending")]
        # A rule changed in the database is what the next run uses.
        privacy.set_rule(s, "ledger", 5, clock.now())
    clock.set(datetime(2026, 11, 22, 2, 5, tzinfo=UTC))
    assert [status for _id, status in run_due(engine, clock.now(), handlers)] == ["done"]
    assert _state(engine)["ledger"] == []


@pytest.mark.pg
def test_two_instances_run_the_day_exactly_once_on_postgresql(pg_admin_url: str) -> None:
    with fresh_postgres(pg_admin_url, "faggruppe_retention_two") as url:
        engines = [make_engine(url), make_engine(url)]
        upgrade(engines[0])
        _seed(engines[0])
        due = datetime(2026, 11, 21, 2, 5, tzinfo=UTC)
        barrier = threading.Barrier(2)
        results: list[list[tuple[int, str]]] = []

        def instance(engine: Engine) -> None:
            ensure_scheduled(engine, NOW)  # both start at once
            barrier.wait()
            results.append(run_due(engine, due, job_handlers(TEST_LINKS)))

        threads = [threading.Thread(target=instance, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        with session_scope(engines[0]) as s:
            runs = s.exec(select(RetentionRun)).all()
            audits = s.exec(select(AuditEntry).where(
                AuditEntry.action == "privacy.retention")).all()
            jobs = s.exec(select(ScheduledJob).where(ScheduledJob.kind == JOB_KIND)).all()
        state = _state(engines[0])
        for e in engines:
            e.dispose()
    assert sorted(len(r) for r in results) == [0, 1]
    assert len(runs) == 1 and len(audits) == 1
    assert sorted((j.key, j.status) for j in jobs) == [("2026-11-21", "done"),
                                                        ("2026-11-22", "pending")]
    assert state["ledger"] == ["s10"] and state["audit"] == 1


async def test_the_app_puts_the_next_nightly_run_in_the_job_table_at_start(bot) -> None:
    with session_scope(bot.engine) as s:
        (job,) = s.exec(select(ScheduledJob).where(ScheduledJob.kind == JOB_KIND)).all()
        assert (job.key, job.status) == ("2026-11-21", "pending")
        assert job.due_at == datetime(2026, 11, 21, 2, 0, tzinfo=UTC)  # 03.00 in Oslo


def _seed_meeting_based(engine: Engine) -> None:
    """Ledger rows and answers whose age and whose meeting's age tell different stories."""
    with session_scope(engine) as s:
        m = Member(name="Ola Nordmann", name_key="ola nordmann")
        held_long_ago = Meeting(title="lenge siden", starts_at=NOW - timedelta(days=120),
                                ends_at=NOW - timedelta(days=120) + timedelta(hours=2))
        held_lately = Meeting(title="nylig", starts_at=NOW - timedelta(days=10),
                              ends_at=NOW - timedelta(days=10) + timedelta(hours=2))
        coming = Meeting(title="kommer", starts_at=NOW + timedelta(days=30))
        s.add_all([m, held_long_ago, held_lately, coming])
        s.flush()
        mid = m.id or 0
        for subject, meeting, written_days_ago in (
                ("invitasjon sendt for 100 dager siden, møtet for 10", held_lately, 100),
                ("invitasjon sendt for 95 dager siden, møtet om 30", coming, 95),
                ("referatkort for 20 dager siden, møtet for 120", held_long_ago, 20),
                ("uten møte, for 100 dager siden", None, 100),
                ("uten møte, for 20 dager siden", None, 20)):
            s.add(Delivery(purpose="test", subject=subject, member_id=mid, payload="{}",
                           meeting_id=meeting.id if meeting else None,
                           created_at=NOW - timedelta(days=written_days_ago)))
        # Answered long ago (an early «kommer» with a dietary need), the meeting lately.
        s.add(Rsvp(meeting_id=held_lately.id or 0, member_id=mid, answer=RsvpAnswer.physical,
                   comment="tidlig svar", dietary="glutenfri",
                   answered_at=NOW - timedelta(days=200)))
        # Answered lately (after the meeting, a late note), the meeting long ago.
        s.add(Rsvp(meeting_id=held_long_ago.id or 0, member_id=mid, answer=RsvpAnswer.no,
                   comment="sent svar", dietary="laktosefri", answered_at=NOW - timedelta(days=2)))


def _ledger_and_rsvp_are_counted_from_the_meeting(engine: Engine) -> None:
    clock = FrozenClock(NOW)
    _seed_meeting_based(engine)
    with session_scope(engine) as s:
        assert privacy.due(s, clock.now())["ledger"] == 2
        assert privacy.due(s, clock.now())["rsvp"] == 1
        privacy.apply_retention(s, clock.now(), "2026-11-20")
    with session_scope(engine) as s:
        assert sorted(d.subject for d in s.exec(select(Delivery))) == [
            "invitasjon sendt for 100 dager siden, møtet for 10",
            "invitasjon sendt for 95 dager siden, møtet om 30",
            "uten møte, for 20 dager siden"]
        assert sorted((r.comment, r.dietary) for r in s.exec(select(Rsvp))) == [
            ("", ""), ("tidlig svar", "glutenfri")]


def test_ledger_and_rsvp_retention_count_from_the_meeting_on_sqlite(sqlite_engine) -> None:
    """90 days after the meeting for the ledger (rows without one: after they were written),
    30 days after the meeting for comments and dietary needs, whenever they were written."""
    _ledger_and_rsvp_are_counted_from_the_meeting(sqlite_engine)


@pytest.mark.pg
def test_ledger_and_rsvp_retention_count_from_the_meeting_on_postgresql(pg_engine) -> None:
    """The same rules on PostgreSQL."""
    _ledger_and_rsvp_are_counted_from_the_meeting(pg_engine)


def test_non_member_attendees_go_a_year_after_the_meeting_members_stay(engine) -> None:
    from storage.meeting_models import Attendance

    with session_scope(engine) as s:
        kari = Member(name="Kari", name_key="kari")
        old = Meeting(title="Gammelt", starts_at=NOW - timedelta(days=400),
                      ends_at=NOW - timedelta(days=400))
        new = Meeting(title="Nytt", starts_at=NOW - timedelta(days=10),
                      ends_at=NOW - timedelta(days=10))
        s.add_all([kari, old, new])
        s.flush()
        s.add_all([Attendance(meeting_id=old.id or 0, member_id=kari.id, name="Kari"),
                   Attendance(meeting_id=old.id or 0, name="Gjest", attendee_key="aad:x"),
                   Attendance(meeting_id=new.id or 0, name="Gjest", attendee_key="aad:x")])
    with session_scope(engine) as s:
        assert privacy.due(s, NOW)["attendees"] == 1
        assert privacy.apply_retention(s, NOW, "2026-11-20")["attendees"] == 1
    with session_scope(engine) as s:
        left = sorted((a.name, a.meeting_id) for a in s.exec(select(Attendance)))
    assert left == [("Gjest", new.id), ("Kari", old.id)]

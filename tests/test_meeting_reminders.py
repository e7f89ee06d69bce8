"""RSVP reminder to the silent and day-before reminder to those coming: once, on time, moved."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, col, select

from delivery.mute import set_reminders_muted
from scheduler.store import run_due
from services import meetings
from services.runtime import job_handlers
from storage import meetings as meeting_repo
from storage.db import session_scope
from storage.delivery_models import Delivery, ScheduledJob
from storage.groups import get_or_create_group
from storage.meeting_models import RsvpAnswer
from storage.rsvp import AnswerInput, save_answer
from tests.harness import TEST_LINKS
from tests.test_delivery_support import seed_group

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday
START = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # Thursday 3 December 09.00 in Oslo
DEADLINE = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # Monday 30 November 12.00 in Oslo


def _meeting(engine) -> tuple[int, list[int]]:
    ids = seed_group(engine, "http://127.0.0.1:9/", 4, group="Faggruppe for næringssamarbeid")
    with session_scope(engine) as s:
        group = get_or_create_group(s, "Faggruppe for næringssamarbeid")
        m = meeting_repo.create_meeting(s, [group], NOW, title="Faggruppemøte", starts_at=START,
                                        ends_at=START.replace(hour=10), place="Klækken hotel",
                                        rsvp_deadline=DEADLINE)
        meetings.send(s, m.id or 0, NOW, links=TEST_LINKS)
        return m.id or 0, ids


def _jobs(engine) -> dict[str, ScheduledJob]:
    with Session(engine) as s:
        return {j.kind: j for j in s.exec(select(ScheduledJob))}


def _reminded(engine, purpose: str) -> dict[int, str]:
    with Session(engine) as s:
        rows = s.exec(select(Delivery).where(Delivery.purpose == purpose)
                      .order_by(col(Delivery.member_id)))
        return {r.member_id: r.status for r in rows}


def test_reminders_go_once_to_the_right_members(engine):
    meeting_id, (coming, declined, silent, muted) = _meeting(engine)
    jobs = _jobs(engine)
    # Two days before Monday noon is Saturday: a non-urgent reminder waits for Monday 08.00.
    assert jobs["meeting_rsvp_reminder"].due_at == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert jobs["meeting_day_before"].due_at == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        save_answer(s, meeting_id, coming, AnswerInput(RsvpAnswer.physical), NOW)
        save_answer(s, meeting_id, declined, AnswerInput(RsvpAnswer.no), NOW)
        set_reminders_muted(s, muted, True, NOW)
    for _ in range(2):  # a second run finds nothing due and sends nothing again
        run_due(engine, datetime(2026, 11, 30, 7, 0, tzinfo=UTC), job_handlers(TEST_LINKS))
    assert _reminded(engine, "reminder:rsvp_reminder") == {silent: "pending", muted: "muted"}
    run_due(engine, datetime(2026, 12, 2, 8, 0, tzinfo=UTC), job_handlers(TEST_LINKS))
    assert _reminded(engine, "reminder:day_before") == {coming: "pending"}
    with Session(engine) as s:
        row = s.exec(select(Delivery).where(Delivery.purpose == "reminder:rsvp_reminder",
                                            Delivery.member_id == silent)).one()
        assert "Kommer (fysisk)" in row.payload, "the reminder carries the RSVP buttons"


def test_moving_the_meeting_moves_and_cancelling_cancels_its_reminders(engine):
    meeting_id, _ = _meeting(engine)
    with session_scope(engine) as s:
        meetings.edit(s, meeting_id, NOW, links=TEST_LINKS, starts_at=START.replace(day=10),
                             ends_at=START.replace(day=10, hour=10))
    assert _jobs(engine)["meeting_day_before"].due_at == datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
    with session_scope(engine) as s:
        meetings.cancel(s, meeting_id, NOW)
    assert {j.status for j in _jobs(engine).values()} == {"cancelled"}
    run_due(engine, datetime(2026, 12, 9, 8, 0, tzinfo=UTC), job_handlers(TEST_LINKS))
    assert _reminded(engine, "reminder:day_before") == {}


def test_a_meeting_sent_the_same_day_skips_both_reminders(engine):
    ids = seed_group(engine, "http://127.0.0.1:9/", 1, group="G")
    assert ids
    with session_scope(engine) as s:
        group = get_or_create_group(s, "G")
        late = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # the same morning
        m = meeting_repo.create_meeting(s, [group], late, title="Kort varsel",
                                        starts_at=datetime(2026, 12, 2, 12, 0, tzinfo=UTC),
                                        ends_at=datetime(2026, 12, 2, 13, 0, tzinfo=UTC))
        meetings.send(s, m.id or 0, late, links=TEST_LINKS)
    assert {k: j.status for k, j in _jobs(engine).items()} == {
        "meeting_rsvp_reminder": "skipped", "meeting_day_before": "skipped"}


def test_every_ledger_row_of_a_meeting_names_the_meeting_for_retention(engine):
    """Invitation, reminders, change and cancellation rows carry the meeting's id, so the
    ledger is kept for 90 days after the meeting, not after the row was written."""
    meeting_id, (coming, *_rest) = _meeting(engine)
    with session_scope(engine) as s:
        save_answer(s, meeting_id, coming, AnswerInput(RsvpAnswer.physical), NOW)
    run_due(engine, datetime(2026, 11, 30, 7, 0, tzinfo=UTC), job_handlers(TEST_LINKS))
    run_due(engine, datetime(2026, 12, 2, 8, 0, tzinfo=UTC), job_handlers(TEST_LINKS))
    with session_scope(engine) as s:
        meetings.edit(s, meeting_id, NOW, links=TEST_LINKS, place="Rom 4")
        meetings.cancel(s, meeting_id, NOW)
    with Session(engine) as s:
        rows = s.exec(select(Delivery)).all()
    assert {r.purpose for r in rows} >= {meetings.PURPOSE, "reminder:rsvp_reminder",
                                         "reminder:day_before", meetings.CHANGED,
                                         meetings.CANCELLED}
    assert {r.meeting_id for r in rows} == {meeting_id}

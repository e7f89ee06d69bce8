"""The queue card for the secretariat, and a member muting reminders, over HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from scheduler.store import schedule
from storage.delivery_models import ReminderMute, ScheduledJob
from storage.models import AuditEntry, Member, Role
from tests.harness import ANNE_AAD, ANNE_ID, TENANT, card_of, card_text

PROFILE = {"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman", "tenantId": TENANT}


def _secretariat(bot) -> None:
    with Session(bot.engine) as s:
        s.add(Member(name="Anne Feltman", name_key="anne feltman", aad_object_id=ANNE_AAD,
                     role=Role.secretariat))
        s.commit()


def _row(s: Session, job_id: int) -> ScheduledJob:
    job = s.get(ScheduledJob, job_id)
    assert job is not None
    return job


def _job(bot, key: str, due: datetime) -> int:
    with Session(bot.engine) as s:
        job = schedule(s, "reminder", key, {}, due, due + timedelta(hours=2), bot.clock.now(),
                       description=f"Påminnelse {key}")
        s.commit()
        return job.id or 0


@dataclass
class QueueScenario:
    first: int
    second: int
    listed: str
    after_move: str
    cancel_again: str


@pytest.fixture
async def queue_scenario(bot) -> QueueScenario:
    """The secretariat lists the queue, cancels one job, moves the other, cancels again."""
    _secretariat(bot)
    first = _job(bot, "a", datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    second = _job(bot, "b", datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    await bot.send("personal_message", text="kø")
    listed = card_text(card_of(bot.connector.sent()[-1]))
    await bot.send("card_submit", value={"verb": "queue.cancel", "job_id": first})
    await bot.send("card_submit", value={"verb": "queue.move", "job_id": second,
                                         f"date_{second}": "2026-11-30",
                                         f"time_{second}": "10:15",
                                         f"date_{first}": "2026-11-24"})
    after_move = card_text(card_of(bot.connector.sent()[-1]))
    await bot.send("card_submit", value={"verb": "queue.cancel", "job_id": first})
    return QueueScenario(first, second, listed, after_move, bot.connector.sent()[-1]["text"])


async def test_queue_card_lists_jobs_in_local_time(queue_scenario):
    assert "tirsdag 24. november 2026 kl. 09.00" in queue_scenario.listed
    assert "Påminnelse b" in queue_scenario.listed


async def test_queue_cancel_marks_the_job_cancelled(bot, queue_scenario):
    with Session(bot.engine) as s:
        assert _row(s, queue_scenario.first).status == "cancelled"


async def test_queue_move_sets_the_new_local_time(bot, queue_scenario):
    with Session(bot.engine) as s:
        assert _row(s, queue_scenario.second).due_at == datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


async def test_queue_move_keeps_the_expiry_window(bot, queue_scenario):
    with Session(bot.engine) as s:
        moved = _row(s, queue_scenario.second)
        assert moved.expires_at - moved.due_at == timedelta(hours=2)


async def test_queue_cancel_and_move_are_audited_in_order(bot, queue_scenario):
    with Session(bot.engine) as s:
        actions = [e.action for e in s.exec(select(AuditEntry)).all()]
    assert actions == ["queue.cancel", "queue.move"]


async def test_queue_card_after_move_shows_the_new_time(queue_scenario):
    assert "mandag 30. november 2026 kl. 10.15" in queue_scenario.after_move


async def test_queue_cancelling_a_gone_job_says_so(queue_scenario):
    assert "ikke lenger i køen" in queue_scenario.cancel_again


async def test_queue_is_for_the_secretariat_only(bot):
    bot.connector.add_member(PROFILE)
    job = _job(bot, "a", datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    await bot.send("card_submit", value={"verb": "queue.cancel", "job_id": job})
    assert "forbeholdt sekretariatet" in bot.connector.sent()[-1]["text"]
    with Session(bot.engine) as s:
        assert _row(s, job).status == "pending"


async def test_member_mutes_and_unmutes_reminders(bot):
    bot.connector.add_member(PROFILE)
    await bot.send("personal_message", text="demp påminnelser")
    assert "Påminnelser er dempet" in bot.connector.sent()[-1]["text"]
    with Session(bot.engine) as s:
        assert len(s.exec(select(ReminderMute)).all()) == 1
    await bot.send("personal_message", text="slå på påminnelser")
    assert "slått på igjen" in bot.connector.sent()[-1]["text"]
    with Session(bot.engine) as s:
        assert s.exec(select(ReminderMute)).all() == []


def _titles(node: object) -> list[str]:
    if isinstance(node, list):
        return [t for child in node for t in _titles(child)]
    if not isinstance(node, dict):
        return []
    own = [node["title"]] if str(node.get("type", "")).startswith("Action.") else []
    return own + [t for child in node.values() for t in _titles(child)]


async def test_queue_rows_buttons_name_their_message_by_time_or_by_number_where_times_meet(bot):
    _secretariat(bot)
    lone = _job(bot, "a", datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    twins = [_job(bot, k, datetime(2026, 11, 25, 7, 30, tzinfo=UTC)) for k in ("b", "c")]
    await bot.send("personal_message", text="kø")
    card = card_of(bot.connector.sent()[-1])
    # Other features' daily and monthly jobs (privacy, profile, coverage) come first.
    ours = [title for title in _titles(card)
            if "24.11." in title or any(f"nr. {job}" in title for job in twins)]
    assert ours == [
        "Avlys meldingen 24.11. 09.00", "Flytt meldingen 24.11. 09.00",
        "Flytt meldingen 24.11. 09.00 hit",
        *(title for job in twins for title in (
            f"Avlys meldingen nr. {job}", f"Flytt meldingen nr. {job}",
            f"Flytt meldingen nr. {job} hit"))]
    assert f"**onsdag 25. november 2026 kl. 08.30** (nr. {twins[0]})" in card_text(card)
    rows = sum(title.startswith("Avlys meldingen") for title in _titles(card))
    assert bot.connector.sent()[-1]["text"] == f"{rows} planlagte meldinger"
    assert f"nr. {lone}" not in str(card)

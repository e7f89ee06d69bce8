"""A round in a group chat: nudges at 30 s left and at time up (injected clock), automatic
advance, and a restart in the middle that resumes with the right speaker and time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from aiohttp import web
from sqlmodel import Session, col, select

from core.settings import Settings
from scheduler.store import run_due
from services.runtime import job_handlers
from storage.delivery_models import ScheduledJob
from storage.round_models import TalkRound
from tests.harness import activity, card_text
from tests.meeting_cards_support import WAIT_S
from tests.serving import serve
from tests.test_round_e2e import Chat, setup_group, updates_put


async def wait_until(check: Callable[[], bool], timeout: float = WAIT_S) -> None:
    """Poll until the app's scheduler and nudge sender have done their part."""
    async def _loop() -> None:
        while not check():
            await asyncio.sleep(0.05)
    await asyncio.wait_for(_loop(), timeout)


def texts(bot) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.get("text") or "" for a in bot.connector.sent() if not a.get("attachments")]


def group_chat(bot) -> Chat:  # type: ignore[no-untyped-def]
    data = activity("group_chat_message", bot.connector.url)
    return Chat(bot, "group_chat_message", data["conversation"], data["channelData"])


async def restart(bot) -> web.AppRunner:  # type: ignore[no-untyped-def]
    """Stop the app and start a new one on the same database (what a deploy does)."""
    from app import create_app

    await bot.runner.cleanup()
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url)})
    runner, bot.url = await serve(create_app(settings, engine=bot.engine, clock=bot.clock))
    bot.runner = runner
    return runner


async def settled(check: Callable[[], bool]) -> bool:
    """Wait for check to hold; False (for the test to report) when it does not in time."""
    try:
        await wait_until(check)
    except TimeoutError:
        return False
    return True


@dataclass
class Started:
    chat: Chat
    t0: datetime
    start_reply: str
    first_speaker: str
    meeting_id: int | None
    jobs_at_29s: list[tuple[str, str]]
    first_due: datetime
    nudged_at_29s: bool
    warned: bool
    step_after_warning: int
    timed_out: bool
    speaker_after_time_up: str
    step_after_time_up: int
    card_updated: bool


@pytest.fixture
async def started(bot) -> Started:
    """A 1-minute automatic round in a group chat, clock moved to 29, 30 and 60 s."""
    setup_group(bot.engine, None)  # no meeting today: every active member, by region
    chat = group_chat(bot)
    t0 = bot.clock.now()
    await chat.say("<at>Faggruppe-bot</at> runde")
    body = await chat.press("round.start", topic="Status", order="alphabetical", minutes="1",
                            auto="true")
    start_reply = card_text(body["value"])
    first_speaker = chat.speaker()
    with Session(bot.engine) as s:
        meeting_id = s.exec(select(TalkRound)).one().meeting_id
    bot.clock.set(t0 + timedelta(seconds=29))
    run_due(bot.engine, bot.clock.now(), job_handlers(bot.links))
    with Session(bot.engine) as s:
        jobs = s.exec(select(ScheduledJob).where(ScheduledJob.kind == "round_nudge")).all()
        jobs_at_29s = sorted((j.key, j.status) for j in jobs)
        first_due = min(j.due_at for j in jobs)
    nudged_at_29s = any("sekunder igjen" in t for t in texts(bot))
    bot.clock.set(t0 + timedelta(seconds=30))
    warned = await settled(lambda: "30 sekunder igjen for Asker - Bærum." in texts(bot))
    step_after_warning = chat.step()[1]
    bot.clock.set(t0 + timedelta(seconds=60))
    timed_out = await settled(lambda: any(t.startswith("Tiden er ute for Asker")
                                          for t in texts(bot)))
    speaker, step = chat.speaker(), chat.step()[1]
    card_updated = await settled(lambda: bool(updates_put(bot)))
    return Started(chat, t0, start_reply, first_speaker, meeting_id, jobs_at_29s, first_due,
                   nudged_at_29s, warned, step_after_warning, timed_out, speaker, step,
                   card_updated)


async def test_round_starts_in_a_group_chat(started):
    assert "Runden er startet" in started.start_reply


async def test_round_without_meeting_starts_alphabetically_by_region(started):
    assert started.first_speaker == "Asker - Bærum"


async def test_round_in_a_group_chat_without_meeting_has_no_meeting(started):
    assert started.meeting_id is None


async def test_nothing_of_the_round_is_due_at_29_seconds(started):
    assert started.jobs_at_29s == [("1:1:end", "pending"), ("1:1:warn", "pending")]
    assert started.first_due == started.t0 + timedelta(seconds=30)
    assert not started.nudged_at_29s


async def test_nudge_at_30_seconds_left(started):
    assert started.warned


async def test_a_warning_does_not_move_the_round(started):
    assert started.step_after_warning == 1, "a warning does not move the round"


async def test_time_up_names_the_next_speaker(bot, started):
    assert started.timed_out
    assert "Tiden er ute for Asker - Bærum. Neste: Drammensregionen." in texts(bot)


async def test_time_up_advances_automatically(started):
    assert started.speaker_after_time_up == "Drammensregionen"
    assert started.step_after_time_up == 2


async def test_time_up_updates_the_round_card(bot, started):
    assert started.card_updated
    card = updates_put(bot)[-1]["attachments"][0]["content"]
    assert "Nå: **Drammensregionen** (<at>Dag Aanensen</at>) – til kl. 09.02" in card_text(card)


@dataclass
class Restarted:
    stale_reply: str
    advanced: bool
    announced: bool
    status: str
    finished_at: datetime | None
    finish_time: datetime
    pending_after_finish: int
    said_after_finish: list[str]
    summary: str
    step: int


@pytest.fixture
async def restarted(bot, started) -> AsyncIterator[Restarted]:
    """The app restarts mid-round; an old press, the next time up, «Avslutt», 5 min on."""
    chat, t0 = started.chat, started.t0
    runner = await restart(bot)
    try:
        round_id, step = chat.step()
        body = await chat.press("round.next", round_id=round_id, step=step - 1)
        stale_reply = card_text(body["value"])
        bot.clock.set(t0 + timedelta(seconds=120))
        advanced = await settled(lambda: chat.speaker() == "Fredrikstad")
        announced = await settled(lambda: "Tiden er ute for Drammensregionen. Neste: Fredrikstad."
                                  in texts(bot))
        await chat.move("round.finish")
        with Session(bot.engine) as s:
            rnd = s.exec(select(TalkRound)).one()
            status, finished_at = rnd.status, rnd.finished_at
            pending = s.exec(select(ScheduledJob).where(
                ScheduledJob.kind == "round_nudge", ScheduledJob.status == "pending")).all()
        finish_time = bot.clock.now()
        before = len(texts(bot))
        bot.clock.set(t0 + timedelta(minutes=5))
        run_due(bot.engine, bot.clock.now(), job_handlers(bot.links))
        said = [t for t in texts(bot)[before:] if not t.startswith("**Runden")]
        summary = next((t for t in texts(bot) if t.startswith("**Runden – tema Status**")), "")
        outcome = Restarted(stale_reply, advanced, announced, str(status), finished_at,
                                finish_time, len(pending), said, summary, 0)
    finally:
        await runner.cleanup()
    with Session(bot.engine) as s:
        outcome.step = s.exec(select(col(TalkRound.step))).one()
    yield outcome


async def test_after_restart_an_old_press_moves_nothing(restarted):
    assert "allerede flyttet videre" in restarted.stale_reply


async def test_after_restart_the_round_keeps_speaker_and_end_time(restarted):
    assert ("Nå: **Drammensregionen** (<at>Dag Aanensen</at>) – til kl. 09.02"
            in restarted.stale_reply)


async def test_after_restart_auto_advance_goes_on(restarted):
    assert restarted.advanced


async def test_after_restart_the_nudge_scheduled_before_fires(restarted):
    assert restarted.announced


async def test_finish_records_the_finish_time(restarted):
    assert restarted.status == "finished"
    assert restarted.finished_at == restarted.finish_time


async def test_jobs_of_a_finished_round_say_nothing_when_due(restarted):
    assert restarted.pending_after_finish >= 1
    assert restarted.said_after_finish == []


async def test_summary_names_who_did_not_get_the_floor(restarted):
    assert "Fikk ikke ordet: Frogn kommune" in restarted.summary


async def test_finished_round_stays_at_its_last_step(restarted):
    assert restarted.step == 4

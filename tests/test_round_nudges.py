"""A round in a group chat: nudges at 30 s left and at time up (injected clock), automatic
advance, and a restart in the middle that resumes with the right speaker and time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

from aiohttp import web
from sqlmodel import Session, col, select

from core.settings import Settings
from scheduler.store import run_due
from services.runtime import job_handlers
from storage.delivery_models import ScheduledJob
from storage.round_models import TalkRound
from tests.harness import activity, card_text
from tests.serving import serve
from tests.test_round_e2e import Chat, setup_group, updates_put


async def wait_until(check: Callable[[], bool], timeout: float = 5.0) -> None:
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


async def test_nudges_auto_advance_and_restart_in_group_chat(bot):
    setup_group(bot.engine, None)  # no meeting today: every active member, by region
    chat = group_chat(bot)
    t0 = bot.clock.now()
    await chat.say("<at>Faggruppe-bot</at> runde")
    body = await chat.press("round.start", topic="Status", order="alphabetical", minutes="1",
                            auto="true")
    assert "Runden er startet" in card_text(body["value"])
    assert chat.speaker() == "Asker - Bærum"
    with Session(bot.engine) as s:
        assert s.exec(select(TalkRound)).one().meeting_id is None
    # 29 s in: nothing of the round is due yet (both of its jobs stay pending).
    bot.clock.set(t0 + timedelta(seconds=29))
    run_due(bot.engine, bot.clock.now(), job_handlers(bot.links))
    with Session(bot.engine) as s:
        jobs = s.exec(select(ScheduledJob).where(ScheduledJob.kind == "round_nudge")).all()
        assert sorted((j.key, j.status) for j in jobs) == [("1:1:end", "pending"),
                                                           ("1:1:warn", "pending")]
        assert min(j.due_at for j in jobs) == t0 + timedelta(seconds=30)
    assert not any("sekunder igjen" in t for t in texts(bot))
    bot.clock.set(t0 + timedelta(seconds=30))
    await wait_until(lambda: "30 sekunder igjen for Asker - Bærum." in texts(bot))
    assert chat.step()[1] == 1, "a warning does not move the round"
    bot.clock.set(t0 + timedelta(seconds=60))
    await wait_until(lambda: any(t.startswith("Tiden er ute for Asker") for t in texts(bot)))
    assert "Tiden er ute for Asker - Bærum. Neste: Drammensregionen." in texts(bot)
    assert chat.speaker() == "Drammensregionen" and chat.step()[1] == 2
    await wait_until(lambda: bool(updates_put(bot)))
    card = updates_put(bot)[-1]["attachments"][0]["content"]
    assert "Nå: **Drammensregionen** (<at>Dag Aanensen</at>) – til kl. 09.02" in card_text(card)

    runner = await restart(bot)
    try:
        # After the restart the round is where it was: same speaker, same end time.
        round_id, step = chat.step()
        body = await chat.press("round.next", round_id=round_id, step=step - 1)
        text = card_text(body["value"])
        assert "allerede flyttet videre" in text
        assert "Nå: **Drammensregionen** (<at>Dag Aanensen</at>) – til kl. 09.02" in text
        # The nudge scheduled before the restart still fires, and auto-advance goes on.
        bot.clock.set(t0 + timedelta(seconds=120))
        await wait_until(lambda: chat.speaker() == "Fredrikstad")
        await wait_until(lambda: "Tiden er ute for Drammensregionen. Neste: Fredrikstad."
                         in texts(bot))
        await chat.move("round.finish")
        with Session(bot.engine) as s:
            rnd = s.exec(select(TalkRound)).one()
            assert rnd.status == "finished" and rnd.finished_at == bot.clock.now()
            pending = s.exec(select(ScheduledJob).where(
                ScheduledJob.kind == "round_nudge", ScheduledJob.status == "pending")).all()
        # Jobs of a finished round may stay queued, but they must say nothing when due.
        before = len(texts(bot))
        bot.clock.set(t0 + timedelta(minutes=5))
        run_due(bot.engine, bot.clock.now(), job_handlers(bot.links))
        assert [t for t in texts(bot)[before:] if not t.startswith("**Runden")] == []
        assert len(pending) >= 1
        summary = next(t for t in texts(bot) if t.startswith("**Runden – tema Status**"))
        assert "Fikk ikke ordet: Frogn kommune" in summary
    finally:
        await runner.cleanup()
    with Session(bot.engine) as s:
        assert s.exec(select(col(TalkRound.step))).one() == 4

"""Status card, answers on behalf, check-in and the attendance export, over HTTP."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from sqlmodel import select

from cli import CliContext
from cli.export_attendance import cmd_export
from core.settings import Settings
from services.meetings import send
from storage.db import session_scope
from storage.meeting_models import Attendance, Rsvp
from storage.models import AuditEntry, Member
from tests.harness import activity, as_user, card_of, card_text
from tests.test_e2e_meetings import answer, click
from tests.test_rsvp_support import aad, member, seed_meeting, seed_members

START = datetime(2023, 8, 21, 8, 0, tzinfo=UTC)
DAY = datetime(2023, 8, 31, 6, 45, tzinfo=UTC)


async def _setup(bot) -> tuple[list[int], int]:
    ids = seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine)
    bot.clock.set(START)
    with session_scope(bot.engine) as s:
        send(s, mid, START, links=bot.links)
    return ids, mid


async def say(bot, i: int, text: str) -> str:
    """A chat message from invitee i in a chat of its own; returns the bot's last reply there."""
    body = as_user(activity("personal_message", bot.connector.url, text=text),
                   f"29:user-{i}", aad(i))
    conv = f"a:chat-{i}"
    body["conversation"] = {**body["conversation"], "id": conv}
    before = len(bot.connector.sent(conv))
    status, _ = await bot.post(body)
    assert status in (200, 201)
    last = bot.connector.sent(conv)[before:][-1]
    return card_text(card_of(last)) if last.get("attachments") else last.get("text", "")


async def test_status_on_behalf_checkin_and_export(bot, capsys) -> None:
    ids, mid = await _setup(bot)
    sot = member(bot.engine, "Øyvind Såtvedt")
    sec = ids.index(sot.id or 0)
    for i in range(12):
        await answer(bot, i, mid, "physical" if i % 3 else "digital", deputy="")
    await answer(bot, 12, mid, "no")
    # A member cannot use the secretariat's status or on-behalf verbs.
    status, body = await bot.post(click(bot, 1, "rsvp.on_behalf", meeting_id=mid,
                                        member_id=str(ids[20]), answer="physical"))
    assert "forbeholdt sekretariatet" in str(body["value"])
    text = await say(bot, sec, f"status {mid}")
    assert "regioner har svart" in text and "Ikke svart" in text
    status, body = await bot.post(click(bot, sec, "rsvp.on_behalf", meeting_id=mid,
                                        member_id=str(ids[20]), answer="digital"))
    assert "Svar registrert for" in card_text(body["value"])
    with session_scope(bot.engine) as s:
        row = s.exec(select(Rsvp).where(Rsvp.member_id == ids[20])).one()
        assert row.answer == "digital" and row.recorded_by_member_id == sot.id
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "rsvp.on_behalf")).first()

    # Before check-in the export lists those who said yes; after, only those present.
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url)})
    ctx = CliContext(settings=settings, clock=bot.clock, engine=bot.engine)
    cmd_export(argparse.Namespace(meeting_id=mid, format="md", items=False, output=None), ctx)
    before = capsys.readouterr().out
    assert before.count("\n| ") == 14 and "Påmeldt" in before  # header + 13 yes
    bot.clock.set(DAY)
    for i in (0, 1, 2, sec):
        status, body = await bot.post(click(bot, i, "meeting.checkin", meeting_id=mid))
        assert "sjekket inn" in card_text(body["value"])
    assert "Eva Snare" in await say(bot, sec, f"oppmøte {mid} Eva Snare; Kongsvingerregionen")
    cmd_export(argparse.Namespace(meeting_id=mid, format="md", items=False, output=None), ctx)
    after = capsys.readouterr().out
    with session_scope(bot.engine) as s:
        first = [s.get(Member, ids[i]).name for i in (0, 1, 2)]  # type: ignore[union-attr]
    assert all(f"| {name} |" in after for name in first) and "| Eva Snare |" in after, after
    assert "Fra sekretariatet: Øyvind Såtvedt" in after and after.count("\n| ") == 5
    chat = await say(bot, sec, f"eksport oppmøte {mid}")
    assert "Tilstede" in chat and "Eva Snare" in chat
    with session_scope(bot.engine) as s:
        assert len(s.exec(select(Attendance)).all()) == 5

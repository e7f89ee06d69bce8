"""Status card, answers on behalf, check-in and the attendance export, over HTTP."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
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


@dataclass
class OnBehalf:
    ids: list[int]
    mid: int
    sot_id: int | None
    sec: int
    member_reply: str
    status_text: str
    on_behalf_reply: str


@pytest.fixture
async def on_behalf(bot) -> OnBehalf:
    """13 answers; a member tries the on-behalf verb, the secretariat asks for status and
    answers for invitee 20."""
    ids, mid = await _setup(bot)
    sot = member(bot.engine, "Øyvind Såtvedt")
    sec = ids.index(sot.id or 0)
    for i in range(12):
        await answer(bot, i, mid, "physical" if i % 3 else "digital", deputy="")
    await answer(bot, 12, mid, "no")
    _, body = await bot.post(click(bot, 1, "rsvp.on_behalf", meeting_id=mid,
                                   member_id=str(ids[20]), answer="physical"))
    member_reply = str(body["value"])
    status_text = await say(bot, sec, f"status {mid}")
    _, body = await bot.post(click(bot, sec, "rsvp.on_behalf", meeting_id=mid,
                                   member_id=str(ids[20]), answer="digital"))
    return OnBehalf(ids, mid, sot.id, sec, member_reply, status_text, card_text(body["value"]))


async def test_member_cannot_answer_on_behalf(on_behalf):
    assert "forbeholdt sekretariatet" in on_behalf.member_reply


async def test_status_lists_regions_answered_and_not_answered(on_behalf):
    assert "regioner har svart" in on_behalf.status_text
    assert "Ikke svart" in on_behalf.status_text


async def test_on_behalf_reply_confirms_the_answer(on_behalf):
    assert "Svar registrert for" in on_behalf.on_behalf_reply


async def test_on_behalf_answer_is_stored_with_who_recorded_it(bot, on_behalf):
    with session_scope(bot.engine) as s:
        row = s.exec(select(Rsvp).where(Rsvp.member_id == on_behalf.ids[20])).one()
        assert row.answer == "digital" and row.recorded_by_member_id == on_behalf.sot_id


async def test_on_behalf_answer_is_audited(bot, on_behalf):
    with session_scope(bot.engine) as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "rsvp.on_behalf")).first()


@dataclass
class CheckedIn:
    ids: list[int]
    before: str
    checkin_replies: list[str]
    oppmote_reply: str
    after: str
    chat_export: str


@pytest.fixture
async def checked_in(bot, capsys, on_behalf) -> CheckedIn:
    """Export before check-in; three invitees and the secretariat check in, the secretariat
    records Eva Snare; export again, in the CLI and in chat."""
    mid, sec = on_behalf.mid, on_behalf.sec
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url)})
    ctx = CliContext(settings=settings, clock=bot.clock, engine=bot.engine)
    capsys.readouterr()
    cmd_export(argparse.Namespace(meeting_id=mid, format="md", items=False, output=None), ctx)
    before = capsys.readouterr().out
    bot.clock.set(DAY)
    replies = []
    for i in (0, 1, 2, sec):
        _, body = await bot.post(click(bot, i, "meeting.checkin", meeting_id=mid))
        replies.append(card_text(body["value"]))
    oppmote = await say(bot, sec, f"oppmøte {mid} Eva Snare; Kongsvingerregionen")
    cmd_export(argparse.Namespace(meeting_id=mid, format="md", items=False, output=None), ctx)
    after = capsys.readouterr().out
    chat = await say(bot, sec, f"eksport oppmøte {mid}")
    return CheckedIn(on_behalf.ids, before, replies, oppmote, after, chat)


async def test_export_before_checkin_lists_everyone_who_said_yes(checked_in):
    assert checked_in.before.count("\n| ") == 14  # header + 13 yes
    assert "Påmeldt" in checked_in.before


async def test_checkin_confirms_each_click(checked_in):
    assert len(checked_in.checkin_replies) == 4
    assert all("sjekket inn" in reply for reply in checked_in.checkin_replies)


async def test_secretariat_records_attendance_by_name(checked_in):
    assert "Eva Snare" in checked_in.oppmote_reply


async def test_export_after_checkin_lists_only_those_present(bot, checked_in):
    with session_scope(bot.engine) as s:
        first = [s.get(Member, checked_in.ids[i]).name for i in (0, 1, 2)]  # type: ignore[union-attr]
    after = checked_in.after
    assert all(f"| {name} |" in after for name in first) and "| Eva Snare |" in after, after
    assert after.count("\n| ") == 5


async def test_export_names_who_the_secretariat_recorded(checked_in):
    assert "Fra sekretariatet: Øyvind Såtvedt" in checked_in.after


async def test_chat_export_lists_those_present(checked_in):
    assert "Tilstede" in checked_in.chat_export and "Eva Snare" in checked_in.chat_export


async def test_attendance_has_one_row_per_person_present(bot, checked_in):
    with session_scope(bot.engine) as s:
        assert len(s.exec(select(Attendance)).all()) == 5

"""A sent meeting moved (form and CLI) and cancelled (button and CLI), over HTTP end to end."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

import pytest
from sqlmodel import func, select

from cli import CliContext, CliError
from cli.meetings_edit import cmd_cancel, cmd_edit
from core.settings import Settings
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.meeting_models import Meeting, MeetingStatus
from tests.harness import activity, as_user, card_of, card_text
from tests.meeting_cards_support import puts, until
from tests.test_e2e_meeting_summary import _sent_meeting
from tests.test_e2e_meetings import answer, click
from tests.test_e2e_meetings_status import START
from tests.test_rsvp_support import member


def _rows(bot, purpose: str, status: str | None = None) -> int:
    with session_scope(bot.engine) as s:
        query = select(func.count()).select_from(Delivery).where(Delivery.purpose == purpose)
        if status:
            query = query.where(Delivery.status == status)
        return s.exec(query).one()


def _ctx(bot) -> CliContext:
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url)})
    ctx = CliContext(settings=settings, clock=bot.clock, engine=bot.engine)
    return ctx


def _copies_saying(bot, text: str) -> set[str]:
    """1:1 chats whose invitation card was redrawn with `text` on it."""
    return {c.conversation_id for c in puts(bot) if c.conversation_id.startswith("a:conv-")
            and text in card_text(card_of(c.body))}


async def test_move_then_cancel_redraws_every_card_and_tells_people_once(bot, capsys) -> None:
    mid = await _sent_meeting(bot)
    await until(lambda: _rows(bot, "invitation", "sent") == 42)
    for i in range(7):
        await answer(bot, i, mid, "no" if i >= 5 else "physical")
    sec = member(bot.engine, "Øyvind Såtvedt")
    sec_aad = sec.aad_object_id or ""
    sec_index = int(sec_aad.rsplit("-", 1)[1])

    # The secretariat's form: new start and place → 42 copies redrawn, the 5 yes told once.
    form = {"verb": "meeting.save", "meeting_id": mid, "group_id": "1", "title": "Faggruppemøte",
            "date": "2023-08-31", "start": "10:00", "end": "11:30", "place": "Thon Hotel Arena",
            "format": "physical", "agenda": "1. Godkjenning av innkalling",
            "deadline_date": "2023-08-28"}
    body = as_user(activity("card_submit", bot.connector.url, value=form),
                   f"29:user-{sec_index}", sec_aad)
    assert (await bot.post(body))[0] in (200, 201)
    await until(lambda: len(_copies_saying(bot, "Thon Hotel Arena")) == 42)
    await until(lambda: _rows(bot, "meeting_changed", "sent") == 5)
    mine = [c for c in puts(bot, "a:conv-29:user-0")][-1]
    assert "Ditt svar: **Kommer (fysisk)**" in card_text(card_of(mine.body))
    assert "kl. 10.00–11.30" in card_text(card_of(mine.body))
    told = [a for a in bot.connector.sent("a:conv-29:user-0") if a.get("text", "").startswith("«")]
    assert len(told) == 1 and "Thon Hotel Arena" in told[0]["text"]

    # The CLI: the same place again changes nothing; a new start is version 3, told once more.
    ctx = _ctx(bot)
    await asyncio.to_thread(cmd_edit, argparse.Namespace(
        meeting_id=mid, start=None, end=None, place="Thon Hotel Arena", past=False), ctx)
    assert _rows(bot, "meeting_changed") == 5
    bot.clock.set(START + timedelta(seconds=10))
    await asyncio.to_thread(cmd_edit, argparse.Namespace(
        meeting_id=mid, start="2023-08-31 12:00", end=None, place=None, past=False), ctx)
    assert "varslet\t5" in capsys.readouterr().out
    await until(lambda: len(_copies_saying(bot, "kl. 12.00–13.30")) == 42)
    assert _rows(bot, "meeting_changed", "sent") == 10

    # Cancelling: a member may not; the secretariat's button marks every card AVLYST.
    status, body = await bot.post(click(bot, 1, "meeting.cancel", meeting_id=mid))
    assert "forbeholdt sekretariatet" in str(body["value"])
    bot.clock.set(START + timedelta(seconds=20))
    status, body = await bot.post(click(bot, sec_index, "meeting.cancel", meeting_id=mid))
    assert "Møtet er avlyst. 42 inviterte får beskjed." in card_text(body["value"])
    await until(lambda: len(_copies_saying(bot, "AVLYST")) == 42)
    await until(lambda: any("AVLYST" in card_text(card_of(c.body))
                            for c in puts(bot, "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2")))
    await until(lambda: _rows(bot, "meeting_cancelled", "sent") == 42)
    status, body = await bot.post(click(bot, sec_index, "meeting.cancel", meeting_id=mid))
    assert "allerede avlyst" in card_text(body["value"])
    with pytest.raises(CliError, match="allerede avlyst"):
        cmd_cancel(argparse.Namespace(meeting_id=mid, yes=True), ctx)
    assert "Møtet er avlyst" in await answer(bot, 2, mid, "physical")
    with session_scope(bot.engine) as s:
        meeting = s.get(Meeting, mid)
        assert meeting and meeting.status == MeetingStatus.cancelled and meeting.cancelled_at
    assert _rows(bot, "meeting_cancelled") == 42


async def test_cli_cancel_of_an_unsent_meeting_tells_nobody(bot, capsys) -> None:
    from tests.test_rsvp_support import seed_meeting, seed_members

    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine)
    await asyncio.to_thread(cmd_cancel, argparse.Namespace(meeting_id=mid, yes=True), _ctx(bot))
    assert capsys.readouterr().out.startswith(f"avlyst\t{mid}\tvarslet\t0")
    assert _rows(bot, "meeting_cancelled") == 0
    with pytest.raises(CliError, match="avlyst"):
        cmd_edit(argparse.Namespace(meeting_id=mid, start=None, end=None, place="X",
                                    past=False), _ctx(bot))
    with session_scope(bot.engine) as s:
        assert s.get(Meeting, mid).status == MeetingStatus.cancelled  # type: ignore[union-attr]

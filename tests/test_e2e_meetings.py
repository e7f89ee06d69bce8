"""Seed 000's meeting end to end: send to 42 invitees, RSVP clicks over HTTP, deadline, forfall."""

from __future__ import annotations

import argparse
import asyncio
import copy
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from cli import CliContext
from cli.meetings_send import cmd_send
from core.settings import Settings
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.meeting_models import Meeting, MeetingStatus, Rsvp
from storage.models import Member
from tests.harness import activity, card_text
from tests.test_rsvp_support import aad, seed_meeting, seed_members

BEFORE = datetime(2023, 8, 21, 8, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2023, 8, 29, 8, 0, tzinfo=UTC)


def click(bot, i: int, verb: str, **data: Any) -> dict[str, Any]:
    """A real adaptiveCard/action invoke from invitee i's own identity."""
    body = activity("adaptive_card_action", bot.connector.url)
    body["from"] = {"id": f"29:user-{i}", "aadObjectId": aad(i), "name": ""}
    body["conversation"] = {**body["conversation"], "id": f"a:conv-29:user-{i}"}
    body["value"] = copy.deepcopy(body["value"])
    body["value"]["action"] = {"type": "Action.Execute", "verb": verb, "data": data}
    return body


async def answer(bot, i: int, mid: int, value: str, verb: str = "rsvp.answer",
                 **extra: Any) -> str:
    status, body = await bot.post(click(bot, i, verb, meeting_id=mid, answer=value,
                                        card_version=1, **extra))
    assert status == 200 and body["statusCode"] == 200, body
    return card_text(body["value"]) if isinstance(body["value"], dict) else str(body["value"])


def send_cli(bot, mid: int, capsys) -> str:
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url)})
    ctx = CliContext(settings=settings, clock=bot.clock, engine=bot.engine)
    assert cmd_send(argparse.Namespace(meeting_id=mid), ctx) == 0
    return capsys.readouterr().out


async def test_seed000_send_answer_change_deadline_and_late_cancellation(bot, capsys) -> None:
    ids = seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine)
    other = seed_meeting(bot.engine, "Plan og bygg", title="Et annet møte",
                         status=MeetingStatus.invited)
    bot.clock.set(BEFORE)
    out = await asyncio.to_thread(send_cli, bot, mid, capsys)
    assert "sendt\t42\tav\t42" in out
    sent = bot.connector.sent()
    per_chat = Counter(c.conversation_id for c in bot.connector.accepted())
    assert len(per_chat) == 42 and set(per_chat.values()) == {1}, (per_chat, bot.connector.calls)
    text = card_text(sent[0]["attachments"][0]["content"])
    assert "torsdag 31. august 2023 kl. 09.00–10.30" in text and "Kommer (fysisk)" in text
    assert "1. Godkjenning av innkalling" in text and "Klækken hotel" in text
    again = await asyncio.to_thread(send_cli, bot, mid, capsys)
    assert "sendt\t42\tav\t42" in again and len(bot.connector.sent()) == 42
    with session_scope(bot.engine) as s:
        assert s.get(Meeting, mid).status == MeetingStatus.invited  # type: ignore[union-attr]

    # 30 yes (20 physical, 10 digital), 5 no, 7 silent; member 0 changes their mind twice.
    plan = ["physical"] * 20 + ["digital"] * 10 + ["no"] * 5
    for i, value in enumerate(plan):
        shown = await answer(bot, i, mid, value, comment="Gleder meg" if i == 3 else "")
        assert "Svaret ditt er registrert" in shown
    await answer(bot, 0, mid, "no")
    shown = await answer(bot, 0, mid, "physical", dietary="Glutenfri")
    assert "Ditt svar: **Kommer (fysisk)**" in shown and "Glutenfri" in shown

    # Forged data: another meeting, someone else's member id, an unknown answer.
    assert "ikke invitert" in await answer(bot, 40, other, "physical")
    assert "Ukjent svar" in await answer(bot, 40, mid, "kanskje")
    await answer(bot, 41, mid, "maybe", member_id=ids[5])
    with session_scope(bot.engine) as s:
        rows = {r.member_id: r for r in s.exec(select(Rsvp).where(Rsvp.meeting_id == mid))}
    assert rows[ids[41]].answer == "maybe" and rows[ids[5]].answer == "physical"
    assert Counter(r.answer for r in rows.values()) == {"physical": 20, "digital": 10,
                                                         "no": 5, "maybe": 1}
    assert rows[ids[0]].dietary == "Glutenfri"

    # After the deadline: answers are refused; «Kan likevel ikke komme» is late and reported.
    bot.clock.set(AFTER_DEADLINE)
    assert "Svarfristen er ute" in await answer(bot, 36, mid, "physical")
    shown = await answer(bot, 1, mid, "no", verb="rsvp.cancel")
    assert "meldt forfall etter fristen" in shown
    with session_scope(bot.engine) as s:
        late = s.exec(select(Rsvp).where(Rsvp.member_id == ids[1])).one()
        assert late.answer == "no" and late.late_cancellation
        notices = s.exec(select(Delivery).where(Delivery.purpose == "late_cancellation")).all()
        secretariat = s.exec(select(Member).where(Member.role == "secretariat")).all()
    assert len(notices) == len(secretariat) == 3
    await bot.connector.wait_for(45)

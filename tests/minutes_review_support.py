"""Shared set-up for the referat høring tests: seed 000's meeting held with ten present and
notes written, the group's team channel linked, and the HTTP helpers for the links."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from services import minutes
from storage import attendance
from storage.db import session_scope
from storage.models import Member
from tests.minutes_support import setup_meeting

HELD = datetime(2023, 8, 31, 7, 0, tzinfo=UTC)  # seed 000's meeting, 09.00 in Oslo
AFTER = datetime(2023, 9, 1, 8, 0, tzinfo=UTC)  # the next morning: the høring starts
PRESENT = 10  # the first ten invitees checked in


async def held_meeting(bot) -> tuple[list[int], int, dict[int, int]]:
    """Seed 000's meeting with the team channel linked, ten checked in and notes on item 3."""
    bot.clock.set(HELD)
    ids, mid, items = setup_meeting(bot.engine, bot.connector.url)
    status, _ = await bot.send("team_install")  # links the team's channel to the group
    assert status in (200, 201)
    with session_scope(bot.engine) as s:
        for member_id in ids[:PRESENT]:
            member = s.get(Member, member_id)
            assert member is not None
            attendance.check_in(s, mid, member, HELD)
        minutes.write_note(s, mid, 3, text="Faggruppen drøftet føringene for Lørenskog.",
                           decision=None, append=False, now=HELD)
    bot.clock.set(AFTER)
    return ids, mid, items


def member_id(engine, name: str) -> int:
    """A member's id by name."""
    with session_scope(engine) as s:
        return s.exec(select(Member.id).where(Member.name == name)).one() or 0


def link_in(card: dict[str, Any]) -> str:
    """The «Les referatet» link on a card."""
    for action in card.get("actions", []):
        if action.get("type") == "Action.OpenUrl":
            return str(action["url"])
    raise AssertionError(f"no link on {card}")


async def get(bot, url: str) -> tuple[int, str, bytes]:
    """GET a link the bot made: (status, content type, body)."""
    path = re.sub(r"^https?://[^/]+", "", url)
    async with bot.http.get(f"{bot.url}{path}") as resp:
        return resp.status, resp.content_type, await resp.read()

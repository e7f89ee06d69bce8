"""Shared set-up for the minutes tests: seed 000's group and meeting, agenda kinds as parsed,
and presses on the referent's card that send every input, as Teams does."""

from __future__ import annotations

import copy
from typing import Any

from sqlmodel import select

from domain.meetings import kind_of
from storage.db import session_scope
from storage.meeting_models import AgendaItem
from tests.harness import activity, as_user, card_nodes
from tests.test_e2e_meetings import click
from tests.test_rsvp_support import aad, member, seed_meeting, seed_members

MARI, MARGRETHE = 100, 101  # secretariat members outside the invitee list (aad(100), aad(101))


def setup_meeting(engine, service_url: str,
                  **overrides: Any) -> tuple[list[int], int, dict[int, int]]:
    """42 members, seed 000's meeting; returns (member ids, meeting id, {number: item id})."""
    ids = seed_members(engine, service_url)
    mid = seed_meeting(engine, **overrides)
    with session_scope(engine) as s:
        items = s.exec(select(AgendaItem).where(AgendaItem.meeting_id == mid)).all()
        for item in items:
            item.kind = kind_of(item.title)
            s.add(item)
        return ids, mid, {i.number: i.id or 0 for i in items}


def oyvind(engine, ids: list[int]) -> int:
    """Øyvind Såtvedt's index among the invitees (a secretariat member in the list)."""
    return ids.index(member(engine, "Øyvind Såtvedt").id or 0)


def inputs_of(card: dict[str, Any]) -> dict[str, Any]:
    """Every input's current value, as Teams sends them with Action.Execute."""
    return {n["id"]: n.get("value", "") for n in card_nodes(card)
            if isinstance(n.get("type"), str) and n["type"].startswith("Input.")}


def action(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The Action.Execute with this title."""
    found = [n for n in card_nodes(card) if n.get("type") == "Action.Execute"
             and n.get("title") == title]
    assert found, f"no action {title!r} on the card"
    return found[0]


async def press(bot, who: int, card: dict[str, Any], title: str,
                **typed: Any) -> tuple[int, dict[str, Any]]:
    """Press `title` on `card` as user `who`, with what they typed over the drawn inputs."""
    act = action(card, title)
    data = {**act["data"], **inputs_of(card), **typed}
    status, body = await bot.post(click(bot, who, act["verb"], **data))
    return status, body


def referent_card(body: dict[str, Any]) -> dict[str, Any]:
    """The card an invoke answered with."""
    assert body["statusCode"] == 200 and isinstance(body["value"], dict), body
    return copy.deepcopy(body["value"])


async def chat(bot, who: int, text: str, conversation: str | None = None) -> list[dict[str, Any]]:
    """A chat message from user `who` in a 1:1 chat; returns what the bot posted there."""
    body = as_user(activity("personal_message", bot.connector.url, text=text),
                   f"29:user-{who}", aad(who))
    conv = conversation or f"a:chat-{who}"
    body["conversation"] = {**body["conversation"], "id": conv}
    before = len(bot.connector.sent(conv))
    status, _ = await bot.post(body)
    assert status in (200, 201)
    return bot.connector.sent(conv)[before:]

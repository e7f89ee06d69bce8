"""The innspill and round forms propose an agenda item: the referent's while the meeting is
today, else the first workshop or round item; the choice is stored with the session/round."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from storage.db import session_scope
from storage.innspill_models import InnspillSession
from storage.meeting_models import AgendaItem, AgendaKind
from storage.round_models import TalkRound
from tests.harness import card_of
from tests.minutes_support import chat, inputs_of, oyvind, press, setup_meeting
from tests.test_e2e_meetings import click

TODAY = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # the fixture clock: Friday 09.00 in Oslo


def _proposed(sent: list[dict]) -> str:
    return str(inputs_of(card_of(sent[-1]))["agenda_item"])


async def test_forms_propose_the_referents_item_today_else_the_first_of_their_kind(bot) -> None:
    ids, mid, items = setup_meeting(bot.engine, bot.connector.url,
                                    starts_at=datetime(2026, 11, 20, 7, 30, tzinfo=UTC),
                                    ends_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    with session_scope(bot.engine) as s:
        last = s.get(AgendaItem, items[5])
        assert last is not None
        last.kind = AgendaKind.round
        s.add(last)
    sec = oyvind(bot.engine, ids)
    assert _proposed(await chat(bot, sec, "innspill")) == str(items[4]), "first workshop item"
    assert _proposed(await chat(bot, sec, "runde")) == str(items[5]), "first round item"

    card = card_of((await chat(bot, sec, f"referat {mid}"))[-1])
    await press(bot, sec, card, "Gå til saken", goto=str(items[3]))
    assert _proposed(await chat(bot, sec, "innspill")) == str(items[3])
    assert _proposed(await chat(bot, sec, "runde")) == str(items[3])

    # Opened with the proposed item: the session and the round are tied to it.
    status, body = await bot.post(click(bot, sec, "innspill.open", questions="Hva mangler?",
                                        target="chat", agenda_item=str(items[3])))
    assert status == 200
    status, body = await bot.post(click(bot, sec, "round.start", topic="Digitalisering",
                                        order="region", minutes="3", agenda_item=str(items[5])))
    assert status == 200
    with session_scope(bot.engine) as s:
        inn = s.exec(select(InnspillSession)).one()
        rnd = s.exec(select(TalkRound)).one()
        assert (inn.meeting_id, inn.agenda_item_id) == (mid, items[3])
        assert (rnd.meeting_id, rnd.agenda_item_id) == (mid, items[5])


async def test_before_the_meeting_day_the_form_proposes_the_first_workshop_item(bot) -> None:
    ids, mid, items = setup_meeting(bot.engine, bot.connector.url,
                                    starts_at=datetime(2026, 11, 24, 8, 0, tzinfo=UTC),
                                    ends_at=datetime(2026, 11, 24, 10, 0, tzinfo=UTC))
    sec = oyvind(bot.engine, ids)
    card = card_of((await chat(bot, sec, f"referat {mid}"))[-1])
    await press(bot, sec, card, "Gå til saken", goto=str(items[2]))
    assert _proposed(await chat(bot, sec, "innspill")) == str(items[4])

"""The referat's høring over HTTP, bad input and the approval item's other paths: an unknown
meeting, «Send til høring» twice, a next meeting made in the form whose agenda already has
«Godkjenning av referat …» (linked, not added), approving with no version under høring,
approving before the next meeting's day, and a yearly plan's meeting getting the item."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlmodel import col, func, select

import cli
from core.settings import Settings
from services import minutes_review
from storage import minutes_review as repo
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.meeting_models import AgendaItem, Meeting
from storage.minutes_models import MinutesField
from storage.minutes_review_models import MinutesReview, MinutesVersion
from tests.harness import activity, as_user, card_of, card_text
from tests.minutes_review_support import held_meeting
from tests.minutes_support import chat, oyvind, press, referent_card
from tests.test_rsvp_support import aad

SEED_AGENDA = ("1. Godkjenning av innkalling\n2. Godkjenning av referat fra møtet 23. mai 2023\n"
               "3. Diskusjon for «Strategiske føringer 2025-2028»\n4. Eventuelt")


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


async def _form(bot, who: int, **fields: str) -> None:
    body = as_user(activity("card_submit", bot.connector.url), f"29:user-{who}", aad(who))
    body["conversation"] = {**body["conversation"], "id": f"a:conv-29:user-{who}"}
    body["value"] = {"verb": "meeting.save", "group_id": "1", "title": "Møte i faggruppen",
                     "date": "2023-10-19", "start": "09:00", "end": "11:00",
                     "place": "Oslo", "format": "physical", **fields}
    status, _ = await bot.post(body)
    assert status in (200, 201)


def _next_meeting(engine, mid: int) -> int:
    with session_scope(engine) as s:
        return s.exec(select(Meeting.id).where(Meeting.id != mid)).one() or 0


async def _approve_on(bot, sec: int, next_mid: int, item_id: int) -> dict:
    card = card_of((await chat(bot, sec, f"referat {next_mid}"))[-1])
    _status, body = await press(bot, sec, card, "Gå til saken", goto=str(item_id))
    _status, body = await press(bot, sec, referent_card(body), "Vedtak: godkjent")
    return referent_card(body)


async def test_unknown_meeting_and_circulating_twice_are_refused_in_norwegian(bot) -> None:
    ids, mid, _items = await held_meeting(bot)
    sec = oyvind(bot.engine, ids)
    shown = card_text(card_of((await chat(bot, sec, "høring 999"))[-1]))
    assert "Fant ikke møte 999." in shown
    assert "Skriv «høring MØTE-ID»" in card_text(card_of((await chat(bot, sec, "høring"))[-1]))
    card = card_of((await chat(bot, sec, f"høring {mid}"))[-1])
    _status, body = await press(bot, sec, card, "Send til høring")
    rows = _count(bot.engine, Delivery)
    _status, body = await press(bot, sec, card, "Send til høring")  # the old copy, again
    assert "Referatet er allerede sendt til høring (versjon 1" in card_text(body["value"])
    assert _count(bot.engine, Delivery) == rows and _count(bot.engine, MinutesVersion) == 1
    _status, body = await press(bot, sec, card, "Send til høring", to="noen")
    assert "Velg «de som var til stede» eller «alle inviterte»." in card_text(body["value"])


async def test_the_form_links_an_existing_approval_item_and_refuses_approval_without_hoering(
        bot) -> None:
    ids, mid, _items = await held_meeting(bot)
    sec = oyvind(bot.engine, ids)
    with session_scope(bot.engine) as s:  # a version exists, but nothing was circulated
        minutes_review.new_version(s, mid, None, bot.clock.now())
    await _form(bot, sec, agenda=SEED_AGENDA)
    next_mid = _next_meeting(bot.engine, mid)
    with session_scope(bot.engine) as s:
        items = s.exec(select(AgendaItem).where(AgendaItem.meeting_id == next_mid)
                       .order_by(col(AgendaItem.number))).all()
        review = repo.review(s, mid)
        assert review is not None
        assert [i.number for i in items] == [1, 2, 3, 4], "linked, not added"
        assert review.approval_item_id == items[1].id
        item_id = items[1].id or 0

    bot.clock.set(datetime(2023, 10, 18, 8, 0, tzinfo=UTC))  # the day before: not yet
    card = await _approve_on(bot, sec, next_mid, item_id)
    assert "Referatet godkjennes på møtet torsdag 19. oktober 2023, ikke før." in card_text(card)
    bot.clock.set(datetime(2023, 10, 19, 7, 15, tzinfo=UTC))
    card = await _approve_on(bot, sec, next_mid, item_id)
    assert "Ingen versjon av referatet er sendt til høring" in card_text(card)
    with session_scope(bot.engine) as s:
        review = repo.review(s, mid)
        assert review is not None and review.state == "draft"
        assert s.exec(select(MinutesField).where(MinutesField.agenda_item_id == item_id,
                                                 MinutesField.field == "decision")).first() \
            is None, "a refused approval stores no decision"
        assert s.exec(select(Delivery).where(Delivery.purpose == "minutes_approved")).all() == []


async def test_a_yearly_plan_meeting_gets_the_approval_item_once(bot, tmp_path) -> None:
    ids, mid, _items = await held_meeting(bot)
    sec = oyvind(bot.engine, ids)
    card = card_of((await chat(bot, sec, f"høring {mid}"))[-1])
    await press(bot, sec, card, "Send til høring")
    plan = tmp_path / "plan.txt"
    plan.write_text("# Møteplan for 2023\n\n\tDato\tTema 1\tTema 2\tKommentar\n"
                    "Fysisk <b>Faggruppemøte</b>\t19.10.2023\tHandlingsprogram\t\t\n"
                    "Fysisk <b>Faggruppemøte</b>\t07.12.2023\tJulemøte\t\t\n", encoding="utf-8")
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url),
                                        "ICS_SECRET": "test-ics-secret"})
    ctx = cli.CliContext(settings=settings, clock=bot.clock, engine=bot.engine)
    for _ in range(2):  # imported twice: still one approval item
        assert await asyncio.to_thread(cli.main, ["meetings", "import", str(plan), "--group",
                                                  "Faggruppe for næringssamarbeid"], ctx) == 0
    with session_scope(bot.engine) as s:
        review = s.get(MinutesReview, mid)
        assert review is not None and review.approval_item_id is not None
        item = s.get(AgendaItem, review.approval_item_id)
        assert item is not None
        meeting = s.get(Meeting, item.meeting_id)
        assert meeting is not None and meeting.starts_at is not None
        assert meeting.starts_at.date().isoformat() == "2023-10-19"
        assert item.title == "Godkjenning av referat fra møtet 31. august 2023"
        approvals = s.exec(select(AgendaItem).where(
            AgendaItem.meeting_id != mid,
            col(AgendaItem.title).startswith("Godkjenning av referat"))).all()
    assert len(approvals) == 1


async def test_the_referent_card_opens_the_secretariat_card_of_versions(bot) -> None:
    ids, mid, _items = await held_meeting(bot)
    sec = oyvind(bot.engine, ids)
    card = card_of((await chat(bot, sec, f"referat {mid}"))[-1])
    _status, body = await press(bot, sec, card, "Høring og versjoner")
    shown = card_text(body["value"])
    assert "Utkast (ikke sendt til høring)" in shown and "Send til høring" in shown

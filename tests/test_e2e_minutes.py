"""The referent's card over HTTP: two secretariat members on one item, navigation that saves,
the one-click approval, follow-ups, the status card, channel → personal chat, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from storage.db import session_scope
from storage.delivery_models import ScheduledJob
from storage.minutes_models import Followup, MinutesField
from storage.models import AuditEntry
from tests.harness import activity, as_user, card_of, card_text
from tests.minutes_support import (
    MARI,
    chat,
    inputs_of,
    oyvind,
    press,
    referent_card,
    setup_meeting,
)
from tests.test_e2e_meetings import click
from tests.test_rsvp_support import aad

DAY = datetime(2023, 8, 31, 7, 15, tzinfo=UTC)  # the meeting's morning, 09.15 in Oslo


def _fields(engine, item_id: int) -> dict[str, MinutesField]:
    with session_scope(engine) as s:
        rows = s.exec(select(MinutesField).where(MinutesField.agenda_item_id == item_id)).all()
        for r in rows:
            s.expunge(r)
        return {r.field: r for r in rows}


async def _card_on(bot, who: int, mid: int, item_id: int) -> dict:
    """`referat MID` in one's own chat, then «Gå til saken» for the item."""
    sent = await chat(bot, who, f"referat {mid}")
    first = card_of(sent[-1])
    assert "Referat: " in card_text(first)
    status, body = await press(bot, who, first, "Gå til saken", goto=str(item_id))
    assert status == 200
    return referent_card(body)


async def test_two_referents_writing_on_one_item_keep_each_others_fields(bot) -> None:
    ids, mid, items = setup_meeting(bot.engine, bot.connector.url)
    bot.clock.set(DAY)
    sec = oyvind(bot.engine, ids)
    mine = await _card_on(bot, sec, mid, items[3])
    hers = await _card_on(bot, MARI, mid, items[3])  # both drawn before anyone wrote
    assert "Sak 3" in card_text(mine) and "Sak 3" in card_text(hers)

    status, body = await press(bot, sec, mine, "Lagre referatet",
                               notes="Innspill om kompetanse og areal.\nFlere ønsker en workshop.")
    mine = referent_card(body)
    assert "Lagret i sak 3: notater." in card_text(mine)
    # Her copy still shows empty notes; she writes only the decision.
    status, body = await press(bot, MARI, hers, "Lagre referatet",
                               decision="Føringene tas til orientering")
    hers = referent_card(body)
    fields = _fields(bot.engine, items[3])
    assert fields["notes"].value == "Innspill om kompetanse og areal.\nFlere ønsker en workshop."
    assert fields["decision"].value == "Føringene tas til orientering"
    assert inputs_of(hers)["notes"].startswith("Innspill om kompetanse"), "her card shows his notes"
    text = card_text(hers)
    assert "Sist endret av Øyvind Såtvedt" in text and "Sist endret av Mari Strømsvåg" in text

    # He now changes the decision from his older copy: the last write wins, and the text it
    # replaced is kept and shown to him, so nothing typed is lost.
    status, body = await press(bot, sec, mine, "Lagre referatet", decision="Saken utsettes")
    text = card_text(referent_card(body))
    assert "Mari Strømsvåg skrev i «Vedtak» etter at kortet ditt ble vist" in text
    assert "«Føringene tas til orientering»" in text
    fields = _fields(bot.engine, items[3])
    assert fields["decision"].value == "Saken utsettes" and fields["decision"].version == 2
    assert fields["decision"].replaced_value == "Føringene tas til orientering"
    assert fields["notes"].version == 1, "his unchanged notes were not written again"


async def test_navigation_saves_typing_and_approval_is_one_click(bot) -> None:
    ids, mid, items = setup_meeting(bot.engine, bot.connector.url)
    bot.clock.set(DAY)
    sec = oyvind(bot.engine, ids)
    first = card_of((await chat(bot, sec, f"eksport referat {mid}"))[-1])
    assert "Godkjenning av innkalling" in card_text(first)
    status, body = await press(bot, sec, first, "Vedtak: godkjent")
    card = referent_card(body)
    assert inputs_of(card)["decision"] == "Innkallingen ble godkjent"
    # «Neste sak» with notes typed: saved on item 1, then item 2 is shown.
    status, body = await press(bot, sec, card, "Neste sak", notes="Ingen merknader.")
    card = referent_card(body)
    assert "Sak 2" in card_text(card) and inputs_of(card)["notes"] == ""
    assert _fields(bot.engine, items[1])["notes"].value == "Ingen merknader."
    status, body = await press(bot, sec, card, "Vedtak: godkjent")
    assert _fields(bot.engine, items[2])["decision"].value == "Referatet ble godkjent"
    status, body = await press(bot, sec, referent_card(body), "Neste sak")
    card = referent_card(body)
    assert "Vedtak: godkjent" not in [a.get("title") for a in card.get("actions", [])]
    assert "Vedtak: godkjent" not in card_text(card), "only approval items get the button"
    # The position is kept: a new `referat` opens where the card was.
    again = card_of((await chat(bot, sec, f"referat {mid}"))[-1])
    assert "Sak 3" in card_text(again)


async def test_followup_from_the_card_shows_on_the_status_card_with_a_referat_button(bot) -> None:
    ids, mid, items = setup_meeting(bot.engine, bot.connector.url)
    bot.clock.set(DAY)
    sec = oyvind(bot.engine, ids)
    card = await _card_on(bot, sec, mid, items[4])
    choices = {c["title"]: c["value"]
               for c in next(x for x in _inputs(card) if x["id"] == "fu_who")["choices"]}
    status, body = await press(bot, sec, card, "Legg til oppfølgingspunkt",
                               fu_what="Sende ut presentasjonene", fu_who=choices["Mari Strømsvåg"],
                               fu_due="2023-09-08")
    card = referent_card(body)
    assert "Sende ut presentasjonene" in card_text(card) and "fredag 8. september 2023" in \
        card_text(card)
    assert inputs_of(card)["fu_what"] == "", "the form is empty again after adding"
    with session_scope(bot.engine) as s:
        f = s.exec(select(Followup)).one()
        assert (f.agenda_item_id, f.region_id, str(f.due_date)) == (items[4], None, "2023-09-08")
        job = s.exec(select(ScheduledJob).where(ScheduledJob.kind == "followup_reminder")).one()
        assert job.key == f"followup:{f.id}"
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "minutes.followup")).first()
    status_msgs = await chat(bot, sec, f"status {mid}")
    status_card = card_of(status_msgs[-1])
    assert "Åpne oppfølgingspunkter (1)" in card_text(status_card)
    assert "Sende ut presentasjonene – Mari Strømsvåg" in card_text(status_card)
    before = len(bot.connector.sent(f"a:conv-29:user-{sec}"))
    code, body = await bot.post(click(bot, sec, "minutes.open", meeting_id=mid))
    assert "Referatkortet er sendt her i chatten" in card_text(body["value"])
    new = bot.connector.sent(f"a:conv-29:user-{sec}")[before:]
    assert new and "Sak 4" in card_text(card_of(new[-1])), "opens where the card was"


def _inputs(card: dict) -> list[dict]:
    from tests.harness import card_nodes

    return [n for n in card_nodes(card) if str(n.get("type", "")).startswith("Input.")]


async def test_referat_in_a_channel_goes_to_personal_chat(bot) -> None:
    ids, mid, _items = setup_meeting(bot.engine, bot.connector.url)
    bot.clock.set(DAY)
    body = as_user(activity("channel_message", bot.connector.url,
                            text=f"<at>Faggruppe-bot</at> referat {mid}"),
                   f"29:user-{MARI}", aad(MARI), "Mari Strømsvåg")
    channel = body["conversation"]["id"]
    status, _ = await bot.post(body)
    assert status in (200, 201)
    assert "sendt til deg i personlig chat" in bot.connector.sent(channel)[-1]["text"]
    await bot.connector.wait_for(2)
    personal = bot.connector.sent(f"a:conv-29:user-{MARI}")
    assert personal and "Referat:" in card_text(card_of(personal[-1]))
    assert not any(s.get("attachments") for s in bot.connector.sent(channel)), \
        "the card itself never shows in the channel"


async def test_members_cannot_open_or_write_the_minutes(bot) -> None:
    ids, mid, items = setup_meeting(bot.engine, bot.connector.url)
    bot.clock.set(DAY)
    sent = await chat(bot, 0, f"referat {mid}")
    assert "forbeholdt sekretariatet" in sent[-1]["text"]
    status, body = await bot.post(click(bot, 0, "minutes.save", meeting_id=mid,
                                        item_id=items[1], notes="Forfalsket"))
    assert "forbeholdt sekretariatet" in str(body["value"])
    assert _fields(bot.engine, items[1]) == {}
    with session_scope(bot.engine) as s:
        refused = s.exec(select(AuditEntry).where(AuditEntry.outcome == "refused")).all()
        assert {r.action for r in refused} == {"referat", "minutes.save"}


async def test_bad_input_on_the_card_stores_nothing_and_keeps_what_was_typed(bot) -> None:
    ids, mid, items = setup_meeting(bot.engine, bot.connector.url)
    bot.clock.set(DAY)
    sec = oyvind(bot.engine, ids)
    missing = card_of((await chat(bot, sec, "referat 999"))[-1])
    assert "Fant ikke møte 999" in card_text(missing)
    usage = card_of((await chat(bot, sec, "eksport referat tolv"))[-1])
    assert "Skriv **referat MØTE-ID**" in card_text(usage)
    card = await _card_on(bot, sec, mid, items[3])
    status, body = await press(bot, sec, card, "Lagre referatet", notes="Første versjon.")
    card = referent_card(body)

    too_long = "x" * 10_001
    status, body = await press(bot, sec, card, "Lagre referatet", notes=too_long,
                               decision="Vedtatt")
    shown = referent_card(body)
    assert "Notatene er for lange (10\u00a0001 tegn, høyst 10\u00a0000)" in card_text(shown)
    assert inputs_of(shown)["notes"] == too_long, "what was typed stays in the input"
    fields = _fields(bot.engine, items[3])
    assert fields["notes"].value == "Første versjon." and fields["decision"].value == ""

    cases = [({"fu_what": "Ring Moss", "fu_who": "m:99999", "fu_due": "2023-09-08"},
              "Velg en ansvarlig fra listen"),
             ({"fu_what": "Ring Moss", "fu_who": "", "fu_due": "2023-09-08"},
              "Skriv hvem som er ansvarlig"),
             ({"fu_what": "Ring Moss", "fu_who": f"m:{ids[3]}", "fu_due": "2023-08-30"},
              "Fristen 30.08.2023 har allerede passert"),
             ({"fu_what": "Ring Moss", "fu_who": f"m:{ids[3]}", "fu_due": "31/08/2023"},
              "tolkes ikke"),
             ({"fu_what": "", "fu_who": f"m:{ids[3]}", "fu_due": "2023-09-08"},
              "Skriv hva som skal følges opp")]
    for typed, message in cases:
        status, body = await press(bot, sec, shown, "Legg til oppfølgingspunkt",
                                   notes="Andre versjon.", **typed)
        again = referent_card(body)
        assert message in card_text(again), (typed, card_text(again))
        assert inputs_of(again)["fu_what"] == typed["fu_what"]
        assert inputs_of(again)["notes"] == "Andre versjon."
    # A stale or forged item id answers a notice, not a 500.
    status, body = await bot.post(click(bot, sec, "minutes.save", meeting_id=mid, item_id=999999))
    assert status == 200 and "Fant ikke saken" in card_text(body["value"])
    with session_scope(bot.engine) as s:
        assert s.exec(select(Followup)).all() == []
    assert _fields(bot.engine, items[3])["notes"].value == "Første versjon."

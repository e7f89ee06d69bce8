"""The referat's whole cycle over HTTP: «Send til høring» from the secretariat's card, the
høring card 1:1 once to those present, two corrections, version 2, the next meeting created
with the approval item, «Vedtak: godkjent» there, the approved card to every member and the
channel, and the old draft link answering with a pointer to the approved version."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime

import docx
from sqlmodel import col, select

import cli
from core.settings import Settings
from services import minutes
from services.minutes_review import LIVE_KIND, member_recipient, version_url
from storage import minutes_review as repo
from storage.db import session_scope
from storage.delivery_models import Delivery
from storage.live_models import LiveCard
from storage.meeting_models import AgendaItem
from storage.minutes_review_models import MinutesCorrection
from tests.harness import TEAM_ID, card_of, card_text
from tests.meeting_cards_support import until
from tests.minutes_review_support import PRESENT, get, held_meeting, link_in, member_id
from tests.minutes_support import action, chat, inputs_of, oyvind, press, referent_card
from tests.test_e2e_meetings import click

NEXT_DAY = datetime(2023, 10, 19, 7, 15, tzinfo=UTC)  # the next meeting's morning
AGENDA = "1. Godkjenning av innkalling\n2. Handlingsprogram 2024\n3. Eventuelt\n"


def _cli(bot, *argv: str) -> int:
    settings = Settings.model_validate({"MicrosoftAppId": "", "DATABASE_URL": str(bot.engine.url),
                                        "ICS_SECRET": "test-ics-secret"})
    return cli.main(list(argv), cli.CliContext(settings=settings, clock=bot.clock,
                                               engine=bot.engine))


async def _review_card(bot, who: int, mid: int) -> dict:
    sent = await chat(bot, who, f"høring {mid}")
    return card_of(sent[-1])


def _circulation_cards(bot, ids: list[int]) -> dict[int, dict]:
    out = {}
    for i in range(len(ids)):
        cards = [a for a in bot.connector.sent(f"a:conv-29:user-{i}")
                 if "Referat til høring" in str(a.get("text", ""))]
        if cards:
            assert len(cards) == 1, f"user {i} got the høring card {len(cards)} times"
            out[i] = card_of(cards[0])
    return out


async def test_circulate_correct_version_approve_at_next_meeting_and_send_to_all(
        bot, tmp_path) -> None:
    ids, mid, _items = await held_meeting(bot)
    sec = oyvind(bot.engine, ids)
    review = await _review_card(bot, sec, mid)
    assert "Utkast" in card_text(review)
    status, body = await press(bot, sec, review, "Send til høring")
    assert status == 200
    answered = card_text(body["value"])
    assert f"Versjon 1 er sendt til høring til {PRESENT} mottakere" in answered

    # Once to each of the ten present (Øyvind is among them only if checked in), nobody else.
    await until(lambda: len(_circulation_cards(bot, ids)) == PRESENT)
    cards = _circulation_cards(bot, ids)
    assert set(cards) == set(range(PRESENT))
    first = cards[0]
    text = card_text(first)
    assert "3. Diskusjon for" in text and "fredag 8. september 2023 kl. 23.59" in text
    v1_link = link_in(first)
    status, kind, data = await get(bot, v1_link)
    assert status == 200 and "wordprocessingml" in kind
    assert "Lørenskog" in "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)

    # Two corrections, from two recipients; the secretariat's card shows both.
    for i, words in ((1, "Sak 3: Lillestrøm, ikke Lørenskog."), (2, "Navnet mitt er feilstavet.")):
        status, body = await press(bot, i, cards[i], "Send rettelse", correction=words)
        assert "Takk! Rettelsen er sendt til sekretariatet." in card_text(body["value"])
    review = await _review_card(bot, sec, mid)
    text = card_text(review)
    assert "Rettelser (2)" in text and "Lillestrøm, ikke Lørenskog" in text
    assert "Navnet mitt er feilstavet" in text
    draft_card = card_text(card_of((await chat(bot, sec, f"referatutkast {mid}"))[-1]))
    assert "Rettelser fra høringen: 2" in draft_card and "Høring og versjoner" in draft_card

    # The notes are corrected and version 2 made; it is the one under høring now.
    with session_scope(bot.engine) as s:
        minutes.write_note(s, mid, 3, text="Faggruppen drøftet føringene for Lillestrøm.",
                           decision=None, append=False, now=bot.clock.now())
    status, body = await press(bot, sec, review, "Lag ny versjon")
    assert "Versjon 2 er laget." in card_text(body["value"])
    assert "Til høring: versjon 2" in card_text(body["value"])

    # The next meeting is created (CLI) and not yet invited: item 2 approves this referat.
    bot.clock.set(datetime(2023, 9, 11, 8, 0, tzinfo=UTC))
    agenda = tmp_path / "agenda.txt"
    agenda.write_text(AGENDA, encoding="utf-8")
    assert await asyncio.to_thread(
        _cli, bot, "meetings", "create", "--group", "Faggruppe for næringssamarbeid",
        "--title", "Møte i faggruppen", "--start", "19.10.2023 09.00", "--end",
        "19.10.2023 11.00", "--place", "Oslo", "--agenda", str(agenda)) == 0
    with session_scope(bot.engine) as s:
        row = repo.review(s, mid)
        assert row is not None and row.approval_item_id is not None
        item = s.get(AgendaItem, row.approval_item_id)
        assert item is not None and item.number == 2
        assert item.title == "Godkjenning av referat fra møtet 31. august 2023"
        next_mid = item.meeting_id
        numbers = [i.title for i in s.exec(select(AgendaItem).where(
            AgendaItem.meeting_id == next_mid).order_by(col(AgendaItem.number)))]
    assert numbers == ["Godkjenning av innkalling", item.title, "Handlingsprogram 2024",
                       "Eventuelt"]

    # At the next meeting: «Vedtak: godkjent» on item 2 approves version 2 and sends it.
    bot.clock.set(NEXT_DAY)
    card = card_of((await chat(bot, sec, f"referat {next_mid}"))[-1])
    status, body = await press(bot, sec, card, "Gå til saken", goto=str(item.id))
    card = referent_card(body)
    status, body = await press(bot, sec, card, "Vedtak: godkjent")
    card = referent_card(body)
    assert "referatet (versjon 2) er godkjent" in card_text(card)
    assert inputs_of(card)["decision"] == "Referatet ble godkjent"
    with session_scope(bot.engine) as s:
        row = repo.review(s, mid)
        assert row is not None and row.state == "approved" and row.version == 2
        assert str(row.approved_on) == "2023-10-19"
        approved_rows = s.exec(select(Delivery).where(
            Delivery.purpose == "minutes_approved")).all()
        members = repo.group_members(s, mid)
    assert len(approved_rows) == len(members) >= 42
    assert len({r.member_id for r in approved_rows}) == len(members)

    # Every member and the channel get the approved card once; it links version 2.
    await until(lambda: sum(1 for a in bot.connector.sent()
                            if "Referatet er godkjent" in str(a.get("text", ""))) >= 43,
                timeout=30)
    channel = [a for a in bot.connector.sent(TEAM_ID)
               if "Referatet er godkjent" in str(a.get("text", ""))]
    assert len(channel) == 1
    status, _kind, data = await get(bot, link_in(card_of(channel[0])))
    assert status == 200
    assert "Lillestrøm" in "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)

    # The old version 1 link now answers with a short page pointing to the approved version.
    status, kind, page = await get(bot, v1_link)
    assert status == 200 and kind == "text/html"
    text = page.decode()
    assert "Versjon 1 er erstattet" in text and "godkjent i versjon 2" in text
    pointer = text.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    status, kind, data = await get(bot, pointer)
    assert status == 200 and "wordprocessingml" in kind
    # A høring card pressed now points to the approved version and takes no corrections.
    status, body = await press(bot, 3, cards[3], "Send rettelse", correction="For sent")
    shown = body["value"]
    assert "Referatet er ikke på høring nå." in card_text(shown)
    assert "/minutes/" in link_in(shown)
    with session_scope(bot.engine) as s:
        assert len(s.exec(select(MinutesCorrection)).all()) == 2
        assert len(s.exec(select(LiveCard).where(LiveCard.kind == LIVE_KIND)).all()) == 1


async def test_a_member_not_in_the_circulation_cannot_open_or_correct_the_draft(bot) -> None:
    ids, mid, _items = await held_meeting(bot)
    sec = oyvind(bot.engine, ids)
    status, _ = await press(bot, sec, await _review_card(bot, sec, mid), "Send til høring")
    outsider = PRESENT + 5  # an invitee who was not there
    with session_scope(bot.engine) as s:
        review = repo.review(s, mid)
        version = repo.version(s, mid, 1)
        assert review is not None and version is not None
        theirs = version_url(bot.links, review, version, member_recipient(ids[outsider]))
        someone = version_url(bot.links, review, version, member_recipient(ids[0]))
    status, _kind, body = await get(bot, theirs)
    assert status == 403 and "ikke ble sendt til deg" in body.decode()
    # A recipient's own link opens; tampering with its recipient breaks the signature.
    assert (await get(bot, someone))[0] == 200
    status, _kind, body = await get(bot, someone.replace("/docx", "/md"))
    assert status == 200 and "Lørenskog" in body.decode()
    token = someone.split("/minutes/")[1].split("/")[0]
    forged = someone.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert (await get(bot, forged))[0] == 403
    # The outsider's press on a copy of the card is refused and stores nothing.
    await until(lambda: len(_circulation_cards(bot, ids)) == PRESENT)
    act = action(_circulation_cards(bot, ids)[0], "Send rettelse")
    status, body = await bot.post(click(bot, outsider, act["verb"], **act["data"],
                                        correction="Jeg var der ikke"))
    assert "Du fikk ikke dette referatet til høring" in card_text(body["value"])
    # The secretariat may open it (Mari Strømsvåg is not among the invitees at all).
    mari = member_id(bot.engine, "Mari Strømsvåg")
    with session_scope(bot.engine) as s:
        review = repo.review(s, mid)
        version = repo.version(s, mid, 1)
        assert review is not None and version is not None
        sec_link = version_url(bot.links, review, version, member_recipient(mari))
        assert len(s.exec(select(MinutesCorrection)).all()) == 0
    assert (await get(bot, sec_link))[0] == 200


async def test_corrections_close_when_the_deadline_passes(bot) -> None:
    ids, mid, _items = await held_meeting(bot)
    sec = oyvind(bot.engine, ids)
    status, _ = await press(bot, sec, await _review_card(bot, sec, mid), "Send til høring",
                            deadline="2023-09-04")
    await until(lambda: len(_circulation_cards(bot, ids)) == PRESENT)
    card = _circulation_cards(bot, ids)[1]
    assert "mandag 4. september 2023 kl. 23.59" in card_text(card)
    bot.clock.set(datetime(2023, 9, 4, 21, 58, tzinfo=UTC))  # 23.58 in Oslo: still open
    status, body = await press(bot, 1, card, "Send rettelse", correction="I siste liten")
    assert "Takk!" in card_text(body["value"])
    bot.clock.set(datetime(2023, 9, 4, 22, 0, 30, tzinfo=UTC))  # 00.00.30 on the 5th
    status, body = await press(bot, 1, card, "Send rettelse", correction="For sent")
    shown = card_text(body["value"])
    assert "Fristen for rettelser gikk ut mandag 4. september 2023 kl. 23.59" in shown
    assert "Send rettelse" not in [a.get("title") for a in body["value"].get("actions", [])]
    with session_scope(bot.engine) as s:
        texts = [c.text for c in s.exec(select(MinutesCorrection))]
    assert texts == ["I siste liten"]


"""Innspill in a group chat, named: live card redrawn by the sender, bad input, hide, export."""

from __future__ import annotations

from sqlmodel import Session, select

from delivery.live_cards import claim
from services.runtime import renderer
from storage.innspill_models import InnspillEntry
from storage.live_models import LiveCard
from storage.models import AuditEntry
from tests.harness import TEST_LINKS, card_text
from tests.innspill_support import SECRETARIAT_AAD, aad, invoke, populate, say
from tests.meeting_cards_support import puts, until


def _live(bot) -> LiveCard:  # type: ignore[no-untyped-def]
    """The chat's shared innspill card."""
    with Session(bot.engine) as s:
        return s.exec(select(LiveCard).where(LiveCard.kind == "innspill")).one()

SEC = SECRETARIAT_AAD
CHAT = "19:meeting_workshop@thread.v2"


def _puts(bot) -> int:
    return sum(1 for c in bot.connector.calls if c.method == "PUT")


async def test_chat_session_live_card_bad_input_hide_and_export(bot):
    populate(bot.engine, 4)
    admin = await invoke(bot, SEC, "innspill.open", conversation=CHAT,
                         questions="Hvilke temaer ønsker dere på webinaret?", areas="",
                         anonymity="named", results="live", target="chat")
    assert "Innspillet er åpnet" in card_text(admin)
    live = bot.connector.sent(CHAT)[-1]
    assert "0 innspill" in card_text(live["attachments"][0]["content"])
    card = await invoke(bot, aad(0), "innspill.view", conversation=CHAT, session=1)
    assert "Send inn" in card_text(card) and "Input.Text" in str(card), "no areas: field at once"

    tricky = "Se **dette**: [klikk](https://evil.example) <at>Ola</at>"
    card = await invoke(bot, aad(0), "innspill.submit", conversation=CHAT, session=1,
                        text=tricky, question="0")
    text = card_text(card)
    assert "vises som ren tekst" in text and "Se **dette**" not in text
    assert "[klikk](" not in text and "<at>Ola" not in text
    assert _puts(bot) == 0, "within 5 s of the last update: no PUT yet"
    bot.clock.advance(seconds=6)
    long = "å" * 1200
    card = await invoke(bot, aad(1), "innspill.submit", conversation=CHAT, session=1,
                        text=long, question="0")
    assert "for langt (1200 tegn, maks 1000)" in card_text(card) and long in card_text(card)
    await until(lambda: _puts(bot) == 1)  # the sender redraws once the window has passed
    card = await invoke(bot, aad(1), "innspill.submit", conversation=CHAT, session=1,
                        text="", question="0")
    assert "tomt" in card_text(card)
    await invoke(bot, aad(1), "innspill.submit", conversation=CHAT, session=1,
                 text="Arealbruk", question="0")
    assert _puts(bot) == 1, "still inside the window"
    card = await invoke(bot, "ukjent-aad", "innspill.submit", conversation=CHAT, session=1,
                        text="hei", question="0")
    assert "ikke registrert som medlem" in card_text(card)
    refused = await invoke(bot, aad(2), "innspill.close", conversation=CHAT, session=1)
    assert "forbeholdt sekretariatet" in refused

    admin = await invoke(bot, SEC, "innspill.hide", conversation=CHAT, session=1, entry=1)
    assert "skjult" in card_text(admin)
    with Session(bot.engine) as s:
        entry = s.get(InnspillEntry, 1)
        assert entry is not None and entry.hidden and entry.text == tricky
        assert entry.author_member_id is not None, "named: the author is stored"
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "innspill.hide")).one()
    await say(bot, SEC, "innspill eksport 1", conversation=CHAT)
    export = bot.connector.sent(CHAT)[-1]["text"]
    assert "- Arealbruk (Lunner kommune) – 0 stemmer" in export
    assert "evil.example" not in export, "hidden entries are not exported"


async def test_last_change_shows_without_another_turn(bot):
    populate(bot.engine, 4)
    await invoke(bot, SEC, "innspill.open", conversation=CHAT, questions="Hva er viktigst?",
                 areas="", anonymity="named", results="live", target="chat")
    for i, text in enumerate(("Bredbånd", "Kollektivtrafikk")):
        await invoke(bot, aad(i), "innspill.submit", conversation=CHAT, session=1,
                     text=text, question="0")
        bot.clock.advance(seconds=1)
    # Inside the window the card waits, dirty: a claim now (as the sender makes) takes nothing.
    assert claim(bot.engine, bot.clock, renderer(TEST_LINKS)) == [] and _live(bot).dirty
    assert puts(bot, CHAT) == []
    bot.clock.advance(seconds=4)  # 6 s after the card was posted, and no further turn
    await until(lambda: len(puts(bot, CHAT)) == 1)
    # Drawn once, and clean: nothing is left for a second redraw.
    assert not _live(bot).dirty and claim(bot.engine, bot.clock, renderer(TEST_LINKS)) == []
    assert len(puts(bot, CHAT)) == 1, "one redraw for both entries"
    shown = card_text(puts(bot, CHAT)[0].body["attachments"][0]["content"])
    assert "Bredbånd" in shown and "Kollektivtrafikk" in shown and "2 innspill" in shown, shown

"""A press from an outdated invitation: the answer counts, the current card comes back."""

from __future__ import annotations

from sqlmodel import select

from storage.db import session_scope
from storage.meeting_models import Meeting, MeetingStatus, Rsvp
from tests.harness import card_nodes, card_text
from tests.test_e2e_meetings import BEFORE, click
from tests.test_rsvp_support import seed_meeting, seed_members


def _versions(card: dict) -> set[int]:
    return {n["data"]["card_version"] for n in card_nodes(card)
            if isinstance(n.get("data"), dict) and "card_version" in n["data"]}


async def test_outdated_card_answer_is_recorded_and_answered_with_current_card(bot) -> None:
    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine, status=MeetingStatus.invited, version=3,
                       place="Ski rådhus")
    bot.clock.set(BEFORE)
    status, body = await bot.post(click(bot, 0, "rsvp.answer", meeting_id=mid,
                                        answer="digital", card_version=1))
    assert status == 200
    card = body["value"]
    text = card_text(card)
    assert "Takk! Svaret ditt er registrert." in text
    # One line saying what changed, and the card is the current version's.
    assert "endret siden kortet ditt ble sendt" in text and "Ski rådhus" in text
    assert _versions(card) == {3}
    with session_scope(bot.engine) as s:
        (answer,) = s.exec(select(Rsvp).where(Rsvp.meeting_id == mid)).all()
        assert answer.answer == "digital"
        assert s.get(Meeting, mid).version == 3  # type: ignore[union-attr]


async def test_current_card_answer_says_nothing_changed(bot) -> None:
    seed_members(bot.engine, bot.connector.url)
    mid = seed_meeting(bot.engine, status=MeetingStatus.invited, version=3)
    bot.clock.set(BEFORE)
    _status, body = await bot.post(click(bot, 0, "rsvp.answer", meeting_id=mid,
                                         answer="digital", card_version=3))
    assert "endret siden" not in card_text(body["value"])

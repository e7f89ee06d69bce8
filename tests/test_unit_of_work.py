"""One unit of work per turn: the handler's writes commit first, then the replies are sent."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from storage import innspill as repo
from storage.innspill_models import InnspillSession
from storage.live_cards import cards
from tests.harness import card_text
from tests.innspill_support import SECRETARIAT_AAD, invoke, populate
from tests.meeting_cards_support import until

SEC = SECRETARIAT_AAD
HERE = f"a:personal-{SEC}"


def _form() -> dict[str, str]:
    return {"questions": "Hva bør regionen prioritere?", "areas": "Arealbruk\nInnovasjon",
            "max_entries": "3", "group_size": "4", "votes": "3", "anonymity": "named",
            "results": "live", "target": "chat"}


async def test_innspill_open_whose_post_fails_leaves_no_half_opened_session(bot) -> None:
    populate(bot.engine, count=4)
    bot.connector.blocked.add(HERE)  # Teams refuses the shared card's post
    admin = await invoke(bot, SEC, "innspill.open", **_form())
    assert "Innspillet er åpnet" in card_text(admin)  # the secretariat still sees its card
    with Session(bot.engine) as s:
        opened = s.exec(select(InnspillSession)).one()
        assert opened.status == "open"
        (live,) = cards(s, repo.LIVE_KIND, opened.id or 0)
        # Tracked in the turn's own transaction: the sender owns the card the turn could not
        # post, so the session is never open without its shared card.
        assert live.conversation_id == HERE and live.activity_id is None and live.dirty
    bot.connector.blocked.discard(HERE)
    bot.clock.set(bot.clock.now() + timedelta(seconds=6))  # past the sender's window
    await until(lambda: _live(bot, opened.id or 0).activity_id is not None)
    assert [c for c in bot.connector.accepted(HERE) if c.method == "POST"]


def _live(bot, session_id: int):  # type: ignore[no-untyped-def]
    with Session(bot.engine) as s:
        return cards(s, repo.LIVE_KIND, session_id)[0]


async def test_posted_shared_card_keeps_its_id_from_the_second_transaction(bot) -> None:
    populate(bot.engine, count=4)
    await invoke(bot, SEC, "innspill.open", **_form())
    posted = [a for a in bot.connector.accepted(HERE) if a.method == "POST"]
    assert posted, "the shared card is posted within the turn, after the commit"
    with Session(bot.engine) as s:
        opened = s.exec(select(InnspillSession)).one()
    live = _live(bot, opened.id or 0)
    assert live.activity_id and not live.dirty  # the sender will not post it again

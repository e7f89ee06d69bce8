"""Replies drawn in the qps pseudo-locale over HTTP: every word the bot says is catalogue text."""

from __future__ import annotations

import pytest

import bot.dispatch
import bot.middleware
from bot import build_router
from tests.harness import ANNE_AAD, ANNE_ID, TENANT, card_nodes
from tests.i18n_support import VISIBLE, uncatalogued

PROFILE = {"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
           "email": "anne.feltman@asker.kommune.no", "tenantId": TENANT}
# The sample's own data: what the fixtures and the user typed, and the command words (a
# command is typed as registered, whatever the language), never the bot's own sentences.
DATA = ["Anne Feltman", "Faggruppe-bot", "finnesikke", "x" * 5000,
        *(name for route in build_router().commands.values() for name in route.names)]


@pytest.fixture
def qps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every turn drawn in qps, through the one function that picks the language."""
    monkeypatch.setattr(bot.middleware, "pick_language", lambda *_a, **_k: "qps")
    monkeypatch.setattr(bot.dispatch, "pick_language", lambda *_a, **_k: "qps")


def _shown(sent: list[dict]) -> list[str]:
    texts = [a["text"] for a in sent if a.get("text")]
    for a in sent:
        for attachment in a.get("attachments") or []:
            for node in card_nodes(attachment["content"]):
                texts += [v for k, v in node.items() if k in VISIBLE and isinstance(v, str)]
    return texts


async def test_replies_in_qps_carry_only_catalogue_text(bot, qps) -> None:
    bot.connector.add_member(PROFILE)
    await bot.send("personal_install")
    await bot.send("personal_message")  # hjelp
    await bot.send("personal_message", text="finnesikke")
    await bot.send("personal_message", text="x" * 5000)
    await bot.send("card_submit", value={"verb": "rsvp.answer; drop table member"})
    await bot.send("card_submit", value={"verb": "team.sync"})
    await bot.send("personal_message", text="demp")
    await bot.send("personal_message", text="slå på påminnelser")
    await bot.send("personal_message", text="oppdatering")
    sent = bot.connector.sent()
    assert len(sent) >= 9
    bad = uncatalogued(_shown(sent), DATA)
    assert not bad, "\n".join(bad)

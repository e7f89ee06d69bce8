"""The secretariat imports people from chat and decides a near match on its card, over HTTP."""

from __future__ import annotations

import copy
from typing import Any

from sqlmodel import Session, select

from bot.members import registry_text
from domain.members import parse_pasted
from domain.names import name_key
from storage.members_models import CandidateStatus, MemberAlias, MemberCandidate
from storage.models import AuditEntry, Member, Role
from tests.harness import ANNE_AAD, activity, card_nodes, card_of, card_text
from tests.test_members_registry import NOW, SEED000, _import

PASTED = ("importer\nCamilla Håltem; Lørenskog\nEva Snare; Kongsvingerregionen\n"
          "Hasvold Helge Bollæren; Søndre Viken")


def _secretariat(bot) -> None:  # type: ignore[no-untyped-def]
    _import(bot.engine, SEED000)
    with Session(bot.engine) as s:
        anne = s.exec(select(Member).where(Member.name_key == name_key("Anne Feltman"))).one()
        anne.aad_object_id, anne.role = ANNE_AAD, Role.secretariat
        s.add(anne)
        s.commit()


def _buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {n["title"]: n for n in card_nodes(card) if n.get("type") == "Action.Execute"}


def _press(bot, button: dict[str, Any]) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    body = activity("adaptive_card_action", bot.connector.url)
    body["value"] = copy.deepcopy(body["value"])
    body["value"]["action"] = {"type": "Action.Execute", "verb": button["verb"],
                               "data": button["data"]}
    return body


async def _imported(bot) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    _secretariat(bot)
    bot.clock.set(NOW)
    await bot.send("personal_message", text=PASTED)
    sent = bot.connector.sent()
    assert "Importert: 1 lagt til, 1 endret, 0 uendret, 1 kandidater" in sent[-2]["text"]
    return card_of(sent[-1])


async def test_chat_import_adds_the_rest_and_shows_a_card_for_the_near_match(bot) -> None:
    card = await _imported(bot)
    text = card_text(card)
    assert "Camilla Håltem" in text and "Camilla Håltøm" in text and "Lørenskog" in text
    assert set(_buttons(card)) == {"Samme person", "Ny person"}
    with Session(bot.engine) as s:
        assert s.exec(select(Member).where(Member.name == "Eva Snare")).one()
        assert s.exec(select(MemberCandidate)).one().source == "chat"
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "members.import")).one()


async def test_samme_person_on_the_card_keeps_the_spelling_and_a_second_press_is_refused(
        bot) -> None:
    card = await _imported(bot)
    same = _buttons(card)["Samme person"]
    status, body = await bot.post(_press(bot, same))
    assert status == 200
    answered = card_text(body["value"])
    assert "Samme person som Camilla Håltøm" in answered
    assert _buttons(body["value"]) == {}  # decided: the buttons are gone
    with Session(bot.engine) as s:
        (alias,) = s.exec(select(MemberAlias)).all()
        assert alias.name == "Camilla Håltem"
        assert s.exec(select(MemberCandidate)).one().status == CandidateStatus.same
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "member.resolve")).one()
        assert entry.actor_member_id is not None
    status, body = await bot.post(_press(bot, _buttons(card)["Ny person"]))
    assert status == 200 and "er allerede avgjort: samme person som Camilla Håltøm" in \
        card_text(body["value"])
    with Session(bot.engine) as s:
        assert not s.exec(select(Member).where(Member.name == "Camilla Håltem")).all()


def test_the_pasted_lines_come_from_teams_html_paragraphs_and_breaks() -> None:
    for message in ("<p>importer</p><p>Camilla Håltem; Lørenskog</p><p>Eva Snare;&nbsp;Frogn</p>",
                    "importer Camilla Håltem; Lørenskog<br>Eva Snare; Frogn"):
        rows = parse_pasted(registry_text(message))
        assert [(r.name, r.organisation) for r in rows] == [
            ("Camilla Håltem", "Lørenskog"), ("Eva Snare", "Frogn")], message

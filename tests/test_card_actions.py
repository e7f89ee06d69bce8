"""Every button on every card is a typed action some route handles; no verb written twice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import cards
from bot import build_router
from bot.router import Router, owner_routes, secretariat_routes
from cards.actions import ACTIONS, BY_VERB, CardAction, MeetingCheckinAction, RsvpAnswerAction
from tests.harness import card_nodes

ROOT = Path(__file__).resolve().parent.parent


def buttons(card: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(verb, data) of every Action.Execute and Action.Submit in a card, ShowCards included."""
    out = []
    for node in card_nodes(card):
        if node.get("type") == "Action.Execute":
            out.append((str(node.get("verb")), dict(node.get("data") or {})))
        elif node.get("type") == "Action.Submit":
            data = dict(node.get("data") or {})
            out.append((str(data.get("verb")), data))
    return out


def unhandled(router: Router) -> list[str]:
    """Buttons on the sample cards that no route handles or whose data its class refuses."""
    problems = []
    for module in cards.CARD_MODULES:
        for name, card in module.samples().items():
            for verb, data in buttons(card):
                route = router.actions.get(verb)
                if route is None:
                    problems.append(f"{module.__name__}.{name}: no route for {verb!r}")
                    continue
                try:
                    route.action.model_validate({**data, "verb": verb})
                except Exception as exc:  # noqa: BLE001  (any refusal is the finding)
                    problems.append(f"{module.__name__}.{name}: {verb!r} data refused: {exc}")
    return problems


def test_every_sample_card_button_has_a_route_that_parses_it() -> None:
    assert unhandled(build_router()) == []


def test_the_walk_fails_on_a_verb_no_route_handles() -> None:
    router = build_router()
    del router.actions["rsvp.answer"]  # as if the route were forgotten
    assert any("'rsvp.answer'" in p for p in unhandled(router))


def test_every_action_class_has_exactly_one_route() -> None:
    router = build_router()
    assert {r.action for r in router.actions.values()} == set(ACTIONS)


def test_no_verb_string_is_written_outside_cards_actions() -> None:
    verbs = "|".join(re.escape(v) for v in BY_VERB)
    pattern = re.compile(rf"""["']({verbs})["']""")
    found = []
    for package in ("bot", "cards", "services", "delivery"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "cards" / "actions.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_a_button_carries_its_class_verb_and_the_fields_set() -> None:
    execute = RsvpAnswerAction(meeting_id=7, answer="digital", card_version=3).button("Digitalt")
    assert execute == {"type": "Action.Execute", "title": "Digitalt", "verb": "rsvp.answer",
                       "data": {"meeting_id": 7, "answer": "digital", "card_version": 3}}
    parsed = RsvpAnswerAction.model_validate({**execute["data"], "item_4": "true"})
    assert parsed.items() == {4: True} and parsed.answer == "digital"
    assert MeetingCheckinAction(meeting_id=7).button("Sjekk inn")["data"] == {"meeting_id": 7}


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.verb)
def test_every_action_class_names_its_verb(action: type[CardAction]) -> None:
    assert action.verb and BY_VERB[action.verb] is action


def test_secretariat_and_owner_routes_come_from_the_routers() -> None:
    router = build_router()
    verbs = {getattr(r, "verb", None) for r in secretariat_routes(router)}
    words = {r.names[0] for r in secretariat_routes(router) if hasattr(r, "names")}
    assert {"meeting.send", "meeting.cancel", "innspill.close", "round.next"} <= verbs
    assert {"synk", "runde", "innspill", "oppmøte"} <= words
    assert not {"rsvp.answer", "meeting.checkin", "innspill.submit", "help.show"} & verbs
    # An entry's edit and delete: its writer, or the active secretariat moderating (issue 11).
    assert {getattr(r, "verb", "") for r in owner_routes(router)} == {
        "round.update", "innspill.start_edit", "innspill.edit", "innspill.delete",
        "followup.done"}  # «Ferdig»: the follow-up's responsible, or the secretariat

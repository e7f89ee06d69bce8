"""The invitation card as a pure function: size, order, programme, deadline, cancellation."""

from __future__ import annotations

import json

from cards.invitation import SEED001_PROGRAMME, build_invitation_card, samples, seed000_view
from tests.harness import card_text


def _actions(card: dict) -> list[dict]:
    return [a for el in card["body"] if el["type"] == "ActionSet" for a in el["actions"]]


def test_seed000_card_is_small_and_norwegian() -> None:
    card = build_invitation_card(seed000_view())
    assert len(json.dumps(card, ensure_ascii=False).encode()) < 28 * 1024
    text = card_text(card)
    for expected in ("torsdag 31. august 2023 kl. 09.00–10.30", "Klækken hotel",
                     "1. Godkjenning av innkalling", "5. Orienteringer fra sekretariatet",
                     "Forberedelser", "Svarfrist: mandag 28. august 2023 kl. 12.00"):
        assert expected in text


def test_rsvp_buttons_come_before_the_details() -> None:
    card = build_invitation_card(seed000_view())
    kinds = [el["type"] for el in card["body"]]
    assert kinds.index("ActionSet") < kinds.index("FactSet")
    buttons = _actions(card)
    assert [b["title"] for b in buttons] == ["Kommer (fysisk)", "Kommer (digitalt)",
                                             "Kommer ikke", "Usikker"]
    assert all(b["type"] == "Action.Execute" and b["verb"] == "rsvp.answer" for b in buttons)
    assert buttons[0]["data"] == {"answer": "physical", "meeting_id": 1, "card_version": 1}
    inputs = {el["id"] for el in card["body"] if el["type"].startswith("Input.")}
    assert inputs == {"comment", "dietary", "deputy"}


def test_seed001_programme_folds_and_asks_per_item() -> None:
    card = build_invitation_card(seed000_view(programme=SEED001_PROGRAMME))
    toggles = [el["id"] for el in card["body"] if el["type"] == "Input.Toggle"]
    assert toggles == ["item_2", "item_4", "item_5"]
    hidden = [el for el in card["body"] if el.get("id") == "programme_rest"]
    assert hidden and hidden[0]["isVisible"] is False and len(hidden[0]["items"]) == 5
    assert any(a["title"] == "Vis mer" for a in _actions(card))


def test_after_deadline_only_late_cancellation_remains() -> None:
    card = build_invitation_card(seed000_view(answer="physical", deadline_passed=True))
    assert [a["verb"] for a in _actions(card)] == ["rsvp.cancel"]
    assert "Svarfristen gikk ut" in card_text(card)
    silent = build_invitation_card(seed000_view(deadline_passed=True))
    assert _actions(silent) == []


def test_cancelled_meeting_has_no_buttons() -> None:
    card = build_invitation_card(seed000_view(cancelled=True))
    assert _actions(card) == [] and "AVLYST" in card_text(card)


def test_user_text_is_neutralised() -> None:
    card = build_invitation_card(seed000_view(title="[klikk](http://x) *fet*"))
    text = card_text(card)
    assert "[klikk](" not in text and "*fet*" not in text and "http://x" not in text
    assert "[klikk]" in text, "the words stay as written"


def test_samples_are_listed() -> None:
    assert {"invitation", "invitation_programme", "invitation_cancelled"} <= set(samples())

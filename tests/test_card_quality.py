"""The accessibility rules (cards/quality.py) over every sample card in every language, and
proof that each rule fires, so a green run means the cards meet them."""

from __future__ import annotations

import pytest

from cards import sample_cards
from cards.common import adaptive_card, para, tone
from cards.quality import card_problems
from core.i18n import use_language


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_every_sample_card_meets_the_label_alt_button_and_colour_rules(lang: str) -> None:
    with use_language(lang):  # type: ignore[arg-type]
        cards = sample_cards()
    found = [f"{name}: {rule} at {where}: {detail}"
             for name, card in sorted(cards.items())
             for rule, where, detail in card_problems(card)]
    assert found == []


def _rules(card: dict) -> set[str]:
    return {rule for rule, _, _ in card_problems(card)}


def test_an_input_with_only_a_placeholder_breaks_the_label_rule() -> None:
    card = adaptive_card([{"type": "Input.Text", "id": "x", "placeholder": "Skriv her"}])
    assert _rules(card) == {"input-label"}


def test_a_toggle_with_only_a_title_breaks_the_label_rule() -> None:
    card = adaptive_card([{"type": "Input.Toggle", "id": "x", "title": "Ja takk"}])
    assert _rules(card) == {"input-label"}


def test_an_image_without_alt_text_breaks_the_alt_rule() -> None:
    nested = {"type": "ColumnSet", "columns": [{"type": "Column", "items": [
        {"type": "Image", "url": "https://example.org/logo.png"}]}]}
    assert _rules(adaptive_card([nested])) == {"image-alt"}


@pytest.mark.parametrize("title", ["Godkjenn", "OK", "Ja", "Send", "send inn.", "Lagre", "Next",
                                   "Godkjenn alt", ""])
def test_a_bare_button_title_breaks_the_button_rule(title: str) -> None:
    show = {"type": "Action.ShowCard", "title": "Vis skjemaet for oppmøte",
            "card": adaptive_card([], [{"type": "Action.Execute", "verb": "x", "title": title}])}
    assert _rules(adaptive_card([], [show])) == {"button-title"}


@pytest.mark.parametrize("title", ["Vedtak: godkjent", "Godkjenn nominasjonen",
                                   "Godkjenn utsending", "Send inn innspillet", "Neste taler"])
def test_a_button_that_names_its_object_passes(title: str) -> None:
    card = adaptive_card([], [{"type": "Action.Execute", "verb": "x", "title": title}])
    assert card_problems(card) == []


def test_a_select_action_needs_no_title() -> None:
    box = {"type": "Container", "items": [para("Møte")],
           "selectAction": {"type": "Action.Execute", "verb": "x"}}
    assert card_problems(adaptive_card([box])) == []


@pytest.mark.parametrize("color", ["Good", "Warning", "Attention", "attention"])
def test_colour_without_its_symbol_breaks_the_colour_rule(color: str) -> None:
    assert _rules(adaptive_card([para("**Møtet er avlyst.**", color=color)])) == {"colour-alone"}
    assert _rules(adaptive_card([para("⚠✓", color=color)])) == {"colour-alone"}  # no words


@pytest.mark.parametrize(("color", "symbol"), [("Good", "✓"), ("Warning", "⚠"), ("Attention", "⚠")])
def test_tone_leads_with_the_symbol_for_its_colour(color: str, symbol: str) -> None:
    block = tone("**Møtet er avlyst.**", color, size="Medium")
    assert block["text"] == f"{symbol} **Møtet er avlyst.**"
    assert (block["color"], block["size"]) == (color, "Medium")
    assert card_problems(adaptive_card([block])) == []


def test_cards_check_is_silent_on_todays_cards_and_lists_a_breach_with_its_rule(
        db_url, clock, capsys, monkeypatch) -> None:
    from tests.cli_support import make_runner

    run = make_runner(db_url, clock, capsys)
    assert run("cards", "check") == (0, "", "")
    bad = adaptive_card([{"type": "Input.Text", "id": "x", "placeholder": "Skriv her"}])
    monkeypatch.setattr("cards.sample_cards", lambda: {"fixture": bad})
    code, out, err = run("cards", "check", "--lang", "nn")
    assert code != 0
    assert out.splitlines() == ["nn\tfixture\tinput-label\t$.body[0]\tInput.Text 'x' has no label"]
    assert "1 brudd på kortreglene" in err

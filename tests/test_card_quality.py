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


def test_an_input_inside_a_showcard_form_is_checked_like_the_card() -> None:
    form = adaptive_card([{"type": "Input.Date", "id": "d", "placeholder": "Dato"}],
                         [{"type": "Action.Submit", "title": "Flytt meldingen 24.8. hit"}])
    show = {"type": "Action.ShowCard", "title": "Flytt meldingen 24.8.", "card": form}
    assert card_problems(adaptive_card([{"type": "ActionSet", "actions": [show]}])) == [
        ("input-label", "$.body[0].actions[0].card.body[0]", "Input.Date 'd' has no label")]


@pytest.mark.parametrize("title", ["Avlys", "Flytt", "Flytt hit", "Cancel", "Move here"])
def test_a_queue_rows_bare_verbs_break_the_button_rule(title: str) -> None:
    card = adaptive_card([], [{"type": "Action.Submit", "title": title}])
    assert _rules(card) == {"button-title"}


def test_two_buttons_with_one_title_break_the_unique_rule_also_across_forms() -> None:
    def row(n: int) -> dict:
        form = adaptive_card([], [{"type": "Action.Submit", "title": "Flytt meldingen hit"}])
        return {"type": "ActionSet", "actions": [
            {"type": "Action.Submit", "title": f"Avlys meldingen {n}"},
            {"type": "Action.ShowCard", "title": "Vis skjemaet for flytting", "card": form}]}
    found = card_problems(adaptive_card([row(1), row(2)]))
    assert [(rule, where) for rule, where, _ in found] == [
        ("button-unique", "$.body[1].actions[1]"),
        ("button-unique", "$.body[1].actions[1].card.actions[0]")]
    assert "at $.body[0].actions[1]" in found[0][2]
    # Case, spacing and a trailing full stop do not make two titles different.
    same = adaptive_card([], [{"type": "Action.Submit", "title": "Avlys møtet 12. mars"},
                              {"type": "Action.Submit", "title": "avlys  møtet 12. mars."}])
    assert _rules(same) == {"button-unique"}

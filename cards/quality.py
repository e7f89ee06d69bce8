"""Accessibility rules every card must meet, checkable without a browser.

The real-client walk (`realclient/tests/walk.test.js`) adds what only a renderer can tell
(clipped text, inputs past the edge, missing glyphs) and runs these rules through
`python app.py cards check`, so there is one definition of them.

Rules (rule id: what):
- `input-label`: every Input.* has a `label`; a placeholder vanishes when the member types
  and screen readers do not always read it, and a toggle's `title` is its option, not its
  question.
- `image-alt`: every Image has `altText`.
- `button-title`: every button's title says what it does on its own, as a screen reader's
  list of buttons reads it: not one of the bare words in `BARE_TITLES`, and a button that
  approves something names it (`APPROVE_TITLES`).
- `button-unique`: no two buttons on one card (its ShowCard forms included) share a title:
  rows of «Avlys», «Flytt», «Avlys», «Flytt» each lean on the row around them, which that
  list of buttons does not read.
- `colour-alone`: a TextBlock or TextRun coloured good, warning or attention starts with
  its symbol (✓ good, ⚠ warning and attention) followed by words, so the state does not
  hang on colour (WCAG 1.4.1).
"""

from __future__ import annotations

import re
from typing import Any

from cards.common import TONE_SYMBOLS, Card

# Compared casefolded, without trailing punctuation. nb, nn and en: each says *that* but
# not *what* (which entry, which speaker, what is saved).
BARE_TITLES = frozenset({
    "ok", "ja", "nei", "yes", "no",
    "godkjenn", "approve", "bekreft", "stadfest", "confirm",
    "send", "send inn", "submit",
    "lagre", "save",
    "slett", "delete",
    "endre", "change", "edit",
    "neste", "next",
    "ferdig", "done",
    "velg", "vel", "choose", "select",
    "stem", "røyst", "vote",
    "oppdater", "update", "refresh",
    "avlys", "cancel", "flytt", "move", "flytt hit", "move here",
})
# The three approvals; any other title that starts with «Godkjenn» must be one.
APPROVE_TITLES = frozenset({"vedtak: godkjent", "godkjenn nominasjonen", "godkjenn utsending"})
# Keys whose action is not a visible button: a tap on a whole element, or Teams' refresh.
_NOT_BUTTONS = {"selectAction", "refresh"}
_WORD = re.compile(r"\w\w")


def _title_key(title: str) -> str:
    return " ".join(title.strip().rstrip(".!…: ").casefold().split())


def _bare(title: str) -> bool:
    words = _title_key(title)
    if words in BARE_TITLES:
        return True
    return words.startswith("godkjenn") and words not in APPROVE_TITLES


def _colour_problem(node: dict[str, Any]) -> str | None:
    symbol = TONE_SYMBOLS.get(str(node.get("color", "")).casefold())
    if symbol is None:
        return None
    text = str(node.get("text", "")).lstrip("*_- ")  # Markdown bold, italics, list
    if not text.startswith(symbol) or not _WORD.search(text):
        return f"{node['color']} text without {symbol!r} and words: {text[:40]!r}"
    return None


def _visit(node: object, where: str, key: str, out: list[tuple[str, str, str]],
           titles: dict[str, str]) -> None:
    if isinstance(node, list):
        for i, child in enumerate(node):
            _visit(child, f"{where}[{i}]", key, out, titles)
        return
    if not isinstance(node, dict):
        return
    kind = str(node.get("type", ""))
    if kind.startswith("Input.") and not str(node.get("label", "")).strip():
        out.append(("input-label", where, f"{kind} {node.get('id')!r} has no label"))
    if kind == "Image" and not str(node.get("altText", "")).strip():
        out.append(("image-alt", where, "Image has no altText"))
    if kind.startswith("Action.") and key not in _NOT_BUTTONS:
        title = str(node.get("title", ""))
        if not title.strip() or _bare(title):
            out.append(("button-title", where, f"button {title!r} does not say what it does"))
        elif (same := _title_key(title)) in titles:
            out.append(("button-unique", where,
                        f"button {title!r} has the title of the one at {titles[same]}"))
        else:
            titles[same] = where
    if kind in ("TextBlock", "TextRun"):
        problem = _colour_problem(node)
        if problem:
            out.append(("colour-alone", where, problem))
    for child_key, child in node.items():
        _visit(child, f"{where}.{child_key}", child_key, out, titles)


def card_problems(card: Card) -> list[tuple[str, str, str]]:
    """(rule id, JSON path, detail) for each rule the card breaks; empty when it meets all."""
    found: list[tuple[str, str, str]] = []
    _visit(card, "$", "", found, {})
    return found

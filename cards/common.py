"""Building blocks shared by every card: the envelope, text safety, actions."""

from __future__ import annotations

import re
from typing import Any

CARD_VERSION = "1.5"  # Teams renders Adaptive Cards up to 1.5
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
Card = dict[str, Any]

ZWSP = "\u200b"  # zero-width space: invisible, but breaks the patterns below
_LINK = re.compile(r"\]\s*\(")  # [text](url)
_LIST = re.compile(r"^(\s*)(?=[-+*] |\d+\. )", re.MULTILINE)  # "- punkt", "1. punkt"
_EDGE_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")  # _kursiv_, but not e_post_adresse
_URL = re.compile(r"://")


def plain(text: str) -> str:
    """User-written text shown as written: no Markdown, links, lists or @mentions.

    Teams' card Markdown has no escape character (a backslash shows as a backslash), so
    the patterns are broken with look-alike or invisible characters instead.
    """
    text = text.replace("*", "\u2217")  # ∗ looks like * but is never bold or italic
    text = _EDGE_UNDERSCORE.sub("\u02cd", text)  # ˍ looks like _
    text = _LINK.sub(lambda m: "]" + ZWSP + m.group(0)[1:], text)
    text = _LIST.sub(lambda m: m.group(1) + ZWSP, text)
    text = _URL.sub(":" + ZWSP + "//", text)
    return text.replace("<", "<" + ZWSP)  # <at>…</at> is not a mention without an entity


def adaptive_card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None,
                  *, speak: str | None = None) -> Card:
    """The card envelope every builder returns."""
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    if speak:
        card["speak"] = speak
    return card


def heading(text: str, size: str = "Large") -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "size": size, "weight": "Bolder", "wrap": True}


def para(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **extra}


# A coloured state also carries its symbol, so it does not hang on colour alone (WCAG
# 1.4.1; cards/quality.py checks it): ✓ done, ⚠ needs attention.
TONE_SYMBOLS = {"good": "\u2713", "warning": "\u26a0", "attention": "\u26a0"}


def tone(text: str, color: str, **extra: Any) -> dict[str, Any]:
    """A TextBlock in a state colour (Good, Warning, Attention), led by that state's symbol."""
    return para(f"{TONE_SYMBOLS[color.casefold()]} {text}", color=color, **extra)


def button_rows(actions: list[dict[str, Any]], per_row: int) -> list[dict[str, Any]]:
    """Buttons as ActionSets of at most per_row, so each title fits a 450 px card whole
    (the renderer shrinks a row's buttons and cuts their titles; realclient walk)."""
    return [{"type": "ActionSet", "actions": actions[i:i + per_row]}
            for i in range(0, len(actions), per_row)]


def bullets(lines: list[str]) -> dict[str, Any]:
    return para("\n".join(f"- {line}" for line in lines))


def attachment(card: Card) -> dict[str, Any]:
    """The attachment dict a message activity carries."""
    return {"contentType": CONTENT_TYPE, "content": card}

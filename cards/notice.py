"""A short notice card: a title and a few lines, for confirmations and refusals."""

from __future__ import annotations

from cards.common import Card, adaptive_card, heading, para


def build_notice_card(title: str, lines: list[str]) -> Card:
    """Title in bold, then each line as its own paragraph."""
    return adaptive_card([heading(title, size="Medium"), *(para(line) for line in lines)])


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    return {
        "notice_unreachable": build_notice_card(
            "Medlemmer jeg ikke når",
            ["Anne Feltman (Asker - Bærum) – anne.feltman@asker.kommune.no"],
        ),
    }

"""Pure card builders: view in, Adaptive Card dict out. No database, no network."""

from __future__ import annotations

import importlib
from typing import Any

# Each module here exposes samples() -> {name: card}; `python app.py cards dump` uses them.
CARD_MODULES = ("welcome", "help", "notice")


def sample_cards() -> dict[str, dict[str, Any]]:
    """Every card the bot can send, filled with sample data, by name."""
    cards: dict[str, dict[str, Any]] = {}
    for name in CARD_MODULES:
        cards.update(importlib.import_module(f"cards.{name}").samples())
    return cards

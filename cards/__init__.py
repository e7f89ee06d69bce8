"""Pure card builders: view in, Adaptive Card dict out. No database, no network."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def sample_cards() -> dict[str, dict[str, Any]]:
    """Every card the bot can send, filled with sample data, by name.

    Each module in this package that defines samples() -> {name: card} is included, so
    `python app.py cards dump` (and the real-client suite) sees a new card at once.
    """
    import cards

    found: dict[str, dict[str, Any]] = {}
    for info in pkgutil.iter_modules(cards.__path__):
        module = importlib.import_module(f"cards.{info.name}")
        if hasattr(module, "samples"):
            found.update(module.samples())
    return found

"""Pure card builders: view in, Adaptive Card dict out. No database, no network."""

from __future__ import annotations

from typing import Any

from cards import (
    coverage,
    help,
    innspill,
    invitation,
    meetings,
    members,
    minutes,
    minutes_draft,
    minutes_review,
    nominations,
    notice,
    outlook,
    privacy,
    profile,
    queue,
    round,
    welcome,
)

# Every module with samples() -> {name: card}; a new card module goes here, so
# `python app.py cards dump` (and the real-client suite) validates and renders it.
CARD_MODULES = (coverage, help, innspill, invitation, meetings, members, minutes, minutes_draft,
                minutes_review, nominations, notice, outlook, privacy, profile, queue, round,
                welcome)


def sample_cards() -> dict[str, dict[str, Any]]:
    """Every card the bot can send, filled with sample data, by name."""
    found: dict[str, dict[str, Any]] = {}
    for module in CARD_MODULES:
        found.update(module.samples())
    return found

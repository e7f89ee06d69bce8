"""The botbuilder layer: handler, middleware, route table and the feature modules."""

from __future__ import annotations

from bot.router import Router

FEATURES = (
    "bot.help",
    "bot.round",
    "bot.install",
    "bot.team",
    "bot.innspill",
    "bot.queue",
    "bot.reminders",
    "bot.meeting_form",
    "bot.round_prewrite",
    "bot.rsvp",
    "bot.meetings",
    "bot.checkin",
    "bot.meeting_cancel",
    "bot.outlook",
)


def build_router() -> Router:
    """A route table with every feature module's routes registered."""
    import importlib

    router = Router()
    for name in FEATURES:
        importlib.import_module(name).register(router)
    return router

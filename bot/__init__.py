"""The botbuilder layer: handler, middleware, route table and the feature modules."""

from __future__ import annotations

from types import ModuleType

from bot.router import Router


def features() -> tuple[ModuleType, ...]:
    """Every feature module, in the order its routes are registered (a new feature goes here)."""
    # Imported here, not at the top: the feature modules import bot.router and bot.turn.
    from bot import (
        checkin,
        help,
        innspill,
        install,
        meeting_cancel,
        meeting_form,
        meetings,
        queue,
        reminders,
        round,
        round_prewrite,
        rsvp,
        team,
    )

    return (help, round, install, team, innspill, queue, reminders, meeting_form, round_prewrite,
            rsvp, meetings, checkin, meeting_cancel)


def build_router() -> Router:
    """A route table with every feature module's routes registered."""
    router = Router()
    for module in features():
        module.register(router)
    return router

"""The botbuilder layer: handler, middleware, route table and the feature modules."""

from __future__ import annotations

from collections.abc import Callable

from bot.router import Router


def registrations() -> tuple[Callable[[Router], None], ...]:
    """Every feature's route registration, in the order «hjelp» lists them (a new one goes here)."""
    # Imported here, not at the top: the feature modules import bot.router and bot.turn.
    from bot import (
        coverage,
        help,
        innspill,
        install,
        language,
        meetings,
        members,
        minutes,
        minutes_draft,
        minutes_review,
        nominations,
        online_meeting,
        outlook,
        privacy,
        profile,
        queue,
        reminders,
        round,
        rsvp,
        team,
    )

    return (help.register, round.register, install.register, team.register, innspill.register,
            queue.register, reminders.register, meetings.register_form, round.register_prewrite,
            rsvp.register, meetings.register, rsvp.register_checkin, meetings.register_cancel,
            minutes.register, minutes_draft.register, minutes_review.register,
            outlook.register, online_meeting.register, privacy.register, profile.register,
            members.register, coverage.register, nominations.register,
            language.register)


def build_router() -> Router:
    """A route table with every feature module's routes registered."""
    router = Router()
    for register in registrations():
        register(router)
    return router

"""«Opprett Outlook-møtet på nytt» on the secretariat's notice card."""

from __future__ import annotations

from typing import Any

from bot.meetings import MeetingRef, status_card
from bot.router import Router
from bot.turn import Turn
from services import outlook
from storage import audit


def register(router: Router) -> None:
    """Add the recreate action (secretariat only, checked on the server)."""
    router.action("outlook.recreate", MeetingRef, secretariat=True)(recreate)


async def recreate(turn: Turn, data: MeetingRef) -> dict[str, Any] | None:
    """A new Outlook event for the meeting (after one was deleted by hand)."""
    why = outlook.recreate(turn.session, data.meeting_id, turn.deps.clock.now(),
                           turn.deps.settings)
    audit.record(turn.session, action="outlook.recreate", target=f"meeting:{data.meeting_id}",
                 actor_member_id=turn.member.id if turn.member else None,
                 outcome="refused" if why else "ok", detail=why)
    notice = f"Ikke opprettet: {why}." if why else \
        "Outlook-møtet opprettes på nytt; deltakerne får en ny invitasjon."
    return await status_card(turn, data.meeting_id, notice)

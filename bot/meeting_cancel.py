"""The secretariat's «Avlys møtet» on the status card: cancel, tell everyone, mark cards AVLYST."""

from __future__ import annotations

from typing import Any

from bot.meetings import MeetingRef, status_card
from bot.router import Router
from bot.turn import Turn
from services import meeting_changes
from storage import audit


def register(router: Router) -> None:
    """Add the cancel action (secretariat only, checked on the server)."""
    router.action("meeting.cancel", MeetingRef, secretariat=True)(cancel)


async def cancel(turn: Turn, data: MeetingRef) -> dict[str, Any] | None:
    """Cancel the meeting; the status card comes back saying who will be told."""
    try:
        _meeting, out = meeting_changes.cancel(turn.session, data.meeting_id,
                                               turn.deps.clock.now(), turn.deps.settings)
    except meeting_changes.ChangeError as exc:
        return await status_card(turn, data.meeting_id, f"Ikke avlyst: {exc}.")
    audit.record(turn.session, action="meeting.cancel", target=f"meeting:{data.meeting_id}",
                 actor_member_id=turn.member.id if turn.member else None)
    told = f" {out.total} inviterte får beskjed." if out else ""
    return await status_card(turn, data.meeting_id, f"Møtet er avlyst.{told}")

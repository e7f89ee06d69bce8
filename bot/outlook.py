"""«Opprett Outlook-møtet på nytt» on the secretariat's notice card."""

from __future__ import annotations

from bot.meetings import status_card
from bot.router import Router, Shown
from bot.turn import Turn
from cards.actions import OutlookRecreateAction
from services import outlook
from storage import audit


def register(root: Router) -> None:
    """Add the recreate action (secretariat only, checked on the server)."""
    root.feature("outlook").secretariat().action(OutlookRecreateAction)(recreate)


async def recreate(turn: Turn, data: OutlookRecreateAction) -> Shown:
    """A new Outlook event for the meeting (after one was deleted by hand)."""
    why = outlook.recreate(turn.session, data.meeting_id, turn.deps.clock.now(),
                           turn.deps.settings)
    if why:  # not a refusal of the person: the status card says why (as «Ikke sendt» does)
        return await status_card(turn, data.meeting_id, f"Ikke opprettet: {why}.")
    audit.record(turn.session, action=data.verb, target=f"meeting:{data.meeting_id}",
                 actor_member_id=turn.member.id if turn.member else None)
    return await status_card(turn, data.meeting_id,
                             "Outlook-møtet opprettes på nytt; deltakerne får en ny invitasjon.")

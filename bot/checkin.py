"""Check-in: the member's button on the day, and the secretariat adding a deputy or guest."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.router import Router
from bot.rsvp import refuse, reply
from bot.turn import Turn
from services import invitations
from storage import attendance, audit
from storage import rsvp as repo
from storage.meeting_models import Meeting, MeetingStatus
from storage.members import find_by_name_or_email


class CheckIn(BaseModel):
    meeting_id: int


def register(router: Router) -> None:
    """Add the check-in button and the secretariat's `oppmøte` command."""
    router.action("meeting.checkin", CheckIn)(check_in)
    router.command("oppmøte", "oppmote", secretariat=True,
                   description="Legg til en på oppmøtelisten: oppmøte MØTE-ID Navn; Kommune",
                   )(add_person)


async def check_in(turn: Turn, data: CheckIn) -> dict[str, Any] | None:
    """Record the clicker as present (identity from the activity, never the card)."""
    member = turn.member
    meeting = turn.session.get(Meeting, data.meeting_id)
    if member is None or meeting is None or not (
            repo.is_invited(turn.session, data.meeting_id, member.id or 0)
            or turn.is_secretariat):
        return await refuse(turn, "Du er ikke invitert til dette møtet.")
    if meeting.status == MeetingStatus.cancelled:
        return await refuse(turn, "Møtet er avlyst.")
    now = turn.deps.clock.now()
    new = attendance.check_in(turn.session, data.meeting_id, member, now)
    notice = "Du er sjekket inn. Velkommen!" if new else "Du var allerede sjekket inn."
    card = invitations.card_for(turn.session, meeting, now, member, notice=notice)
    return await reply(turn, card, notice)


async def add_person(turn: Turn) -> None:
    """`oppmøte 12 Kari Nordmann; Follo`: a member by name, else a guest or deputy."""
    parts = turn.text.split(maxsplit=2)
    meeting = (turn.session.get(Meeting, int(parts[1]))
               if len(parts) == 3 and parts[1].isdigit() else None)
    if meeting is None:
        await turn.say("Skriv **oppmøte MØTE-ID Navn; Kommune**, for eksempel "
                       "«oppmøte 12 Kari Nordmann; Follo».")
        return
    name, _, organisation = (x.strip() for x in parts[2].partition(";"))
    if not name or len(name) > 200 or len(organisation) > 200:
        await turn.say("Navn og kommune må være med, og kortere enn 200 tegn.")
        return
    now, me = turn.deps.clock.now(), turn.member.id if turn.member else None
    found = find_by_name_or_email(turn.session, name)
    if len(found) == 1:
        attendance.check_in(turn.session, meeting.id or 0, found[0], now, "secretariat", me)
        who = found[0].name
    else:
        attendance.add_guest(turn.session, meeting.id or 0, name, organisation, now, me)
        who = f"{name} (gjest/stedfortreder)"
    audit.record(turn.session, action="attendance.add", actor_member_id=me,
                 target=f"meeting:{meeting.id}", detail=who)
    await turn.say(f"{who} er ført opp som til stede på «{meeting.title}».")

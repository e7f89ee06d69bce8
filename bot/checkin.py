"""Check-in: the member's button on the day, and the secretariat adding a deputy or guest."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlmodel import select

from bot.router import Router
from bot.rsvp import refuse, reply
from bot.turn import Turn
from domain.bounds import parse_id
from services import invitations
from storage import attendance, audit
from storage import rsvp as repo
from storage.meeting_chat import meeting_for_chat
from storage.meeting_models import Meeting, MeetingStatus
from storage.members import find_by_name_or_email
from storage.models import Member


class CheckIn(BaseModel):
    meeting_id: int


def register(router: Router) -> None:
    """Add the check-in button and the secretariat's `oppmøte` command."""
    router.action("meeting.checkin", CheckIn)(check_in)
    router.command("oppmøte", "oppmote", secretariat=True,
                   description="Legg til en på oppmøtelisten: oppmøte MØTE-ID Navn; Kommune",
                   )(add_person)
    router.on("meeting.participant_join")(participant_joined)


async def participant_joined(turn: Turn) -> None:
    """A Teams meeting event: everyone who joined is recorded present (source «event»)."""
    value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
    team = turn.channel_data.get("team") or {}
    meeting = meeting_for_chat(turn.session, turn.activity.conversation.id, team.get("id"),
                               turn.deps.clock.now())
    if meeting is None:
        return
    for joined in value.get("members") or []:
        user = joined.get("user") if isinstance(joined, dict) else None
        aad = user.get("aadObjectId") if isinstance(user, dict) else None
        member = turn.session.exec(select(Member).where(
            Member.aad_object_id == str(aad))).first() if aad else None
        if member is not None and member.active:
            attendance.check_in(turn.session, meeting.id or 0, member, turn.deps.clock.now(),
                                source="event")


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
    meeting_id = parse_id(parts[1]) if len(parts) == 3 else None
    meeting = turn.session.get(Meeting, meeting_id) if meeting_id is not None else None
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

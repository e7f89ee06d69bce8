"""Members answer an invitation (RSVP, late cancellation) and check in at the meeting."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlmodel import select

from bot.router import Router
from bot.turn import Turn
from cards.notice import build_notice_card
from delivery.sendout import enqueue, notice_activity
from services import meetings
from storage import attendance, audit
from storage import rsvp as repo
from storage.meeting_models import Meeting, MeetingStatus
from storage.meeting_models import RsvpAnswer as Answer
from storage.meetings import meeting_for_chat
from storage.members import find_by_name_or_email
from storage.models import Member, Role

LIMITS = {"comment": 500, "dietary": 300, "deputy": 150}


class RsvpData(BaseModel):
    """Card data plus the inputs; `item_<id>` toggles arrive as extra fields."""

    model_config = ConfigDict(extra="allow")
    meeting_id: int
    answer: str = "no"
    card_version: int = 0
    comment: str = ""
    dietary: str = ""
    deputy: str = ""

    def items(self) -> dict[int, bool]:
        """Programme choices from the toggles ("item_12": "true")."""
        out: dict[int, bool] = {}
        for key, value in (self.model_extra or {}).items():
            if key.startswith("item_") and key[5:].isdigit():
                out[int(key[5:])] = str(value).lower() == "true"
        return out


def register(router: Router) -> None:
    """Add the RSVP actions."""
    router.action("rsvp.answer", RsvpData)(answer)
    router.action("rsvp.cancel", RsvpData)(cancel_late)


async def reply(turn: Turn, card: dict[str, Any], text: str) -> dict[str, Any] | None:
    """Execute: the card goes back to the clicker; a Submit gets it as a new message."""
    if turn.activity.type == "invoke":
        return card
    await turn.send_card(card, text)
    return None


async def refuse(turn: Turn, text: str) -> dict[str, Any] | None:
    """A clear Norwegian refusal; nothing is stored."""
    return await reply(turn, build_notice_card("Svaret ble ikke registrert", [text]), text)


def open_meeting(turn: Turn, data: RsvpData) -> tuple[Meeting | None, str]:
    """The meeting the clicker may answer, or why not (identity only from the activity)."""
    member = turn.member
    if member is None or not member.active:
        return None, "Jeg finner deg ikke i medlemslisten. Ta kontakt med sekretariatet."
    meeting = turn.session.get(Meeting, data.meeting_id)
    if meeting is None or not repo.is_invited(turn.session, data.meeting_id, member.id or 0):
        return None, "Du er ikke invitert til dette møtet, så svaret ble ikke registrert."
    if meeting.status == MeetingStatus.cancelled:
        return None, "Møtet er avlyst."
    if meeting.status != MeetingStatus.invited:
        return None, "Innkallingen til dette møtet er ikke sendt ut ennå."
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            return None, f"Feltet «{name}» er for langt ({len(getattr(data, name))} tegn, " \
                         f"maks {limit})."
    return meeting, ""


async def answer(turn: Turn, data: RsvpData) -> dict[str, Any] | None:
    """«Kommer (fysisk)» … «Usikker»: store it for the clicker, show their own card."""
    meeting, why = open_meeting(turn, data)
    if meeting is None or turn.member is None:
        return await refuse(turn, why)
    if data.answer not in Answer.__members__:
        return await refuse(turn, f"Ukjent svar «{data.answer[:30]}». Velg en av knappene.")
    now = turn.deps.clock.now()
    due = repo.deadline(meeting)
    if due and now >= due:
        card = meetings.card_for(turn.session, meeting, now, turn.member,
                                    notice="Svarfristen er ute; svaret ble ikke endret.")
        return await reply(turn, card, "Svarfristen er ute.")
    given = repo.AnswerInput(Answer(data.answer), data.comment.strip(), data.dietary.strip(),
                             data.deputy.strip(), data.items())
    repo.save_answer(turn.session, meeting.id or 0, turn.member.id or 0, given, now)
    card = meetings.card_for(turn.session, meeting, now, turn.member,
                                notice="Takk! Svaret ditt er registrert.")
    return await reply(turn, card, "Svaret ditt er registrert.")


async def cancel_late(turn: Turn, data: RsvpData) -> dict[str, Any] | None:
    """«Kan likevel ikke komme» after the deadline: stored as late, the secretariat is told."""
    meeting, why = open_meeting(turn, data)
    member = turn.member
    if meeting is None or member is None:
        return await refuse(turn, why)
    now = turn.deps.clock.now()
    mid = meeting.id or 0
    previous = repo.get_answer(turn.session, mid, member.id or 0)
    was_coming = previous is not None and previous.answer != Answer.no  # before it is overwritten
    comment = previous.comment if previous else ""
    due = repo.deadline(meeting)
    late = bool(due and now >= due)
    repo.save_answer(turn.session, mid, member.id or 0,
                     repo.AnswerInput(Answer.no, comment), now, late=late)
    if late and was_coming:
        tell_secretariat(turn, meeting, member)
    card = meetings.card_for(turn.session, meeting, now, member,
                                notice="Forfallet ditt er registrert.")
    return await reply(turn, card, "Forfallet ditt er registrert.")


def tell_secretariat(turn: Turn, meeting: Meeting, member: Member) -> None:
    """One notice per late cancellation to every active secretariat member."""
    from sqlmodel import select

    now = turn.deps.clock.now()
    text = (f"{member.name} ({member.organisation or 'uten kommune'}) kan likevel ikke komme "
            f"på «{meeting.title}» ({meetings.when_text(meeting)}).")
    for sec in turn.session.exec(select(Member).where(Member.role == Role.secretariat,
                                                      Member.active == True)):  # noqa: E712
        enqueue(turn.session, "late_cancellation", f"meeting:{meeting.id}:{member.id}",
                sec.id or 0, notice_activity("Forfall etter fristen", [text]), now)


# Check-in: the member's button on the day, and the secretariat adding a deputy or guest.
class CheckIn(BaseModel):
    meeting_id: int


def register_checkin(router: Router) -> None:
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
    card = meetings.card_for(turn.session, meeting, now, member, notice=notice)
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

"""Secretariat meeting tools in Teams: status, preview, send, approve, answers on behalf, export."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.router import Router
from bot.rsvp import reply
from bot.turn import Turn
from cards.meeting_status import build_status_card
from services import invitations, meeting_send
from services.attendance_export import export_text
from services.meeting_status import build_status_view
from storage import audit
from storage import rsvp as repo
from storage.meeting_models import Meeting
from storage.meeting_models import RsvpAnswer as Answer
from storage.models import Member


class MeetingRef(BaseModel):
    meeting_id: int


class OnBehalf(BaseModel):
    meeting_id: int
    member_id: str = ""  # Input.ChoiceSet sends its value as text
    answer: str = ""


def register(router: Router) -> None:
    """Add the status and export commands and the secretariat's meeting actions."""
    router.command("status", description="Svar på en innkalling: status MØTE-ID",
                   secretariat=True)(status_command)
    router.command("eksport", description="Oppmøteliste for referatet: eksport oppmøte MØTE-ID",
                   secretariat=True)(export_command)
    router.action("meeting.status", MeetingRef, secretariat=True)(status_action)
    router.action("meeting.preview", MeetingRef, secretariat=True)(preview)
    router.action("meeting.send", MeetingRef, secretariat=True)(send_now)
    router.action("meeting.approve", MeetingRef, secretariat=True)(approve)
    router.action("rsvp.on_behalf", OnBehalf, secretariat=True)(on_behalf)


def _meeting_id(turn: Turn, position: int) -> int | None:
    words = turn.text.split()
    return int(words[position]) if len(words) > position and words[position].isdigit() else None


async def status_command(turn: Turn) -> None:
    """`status 12`: the status card."""
    meeting = turn.session.get(Meeting, _meeting_id(turn, 1) or 0)
    if meeting is None:
        await turn.say("Skriv **status MØTE-ID**, for eksempel «status 12». Se **møter**.")
        return
    await turn.send_card(build_status_card(build_status_view(turn.session, meeting)),
                         f"Status for {meeting.title}")


async def status_card(turn: Turn, meeting_id: int, notice: str = "") -> dict[str, Any] | None:
    """The status card as the answer to a click (or a new message for a Submit)."""
    meeting = turn.session.get(Meeting, meeting_id)
    if meeting is None:
        await _say(turn)
        return None
    view = build_status_view(turn.session, meeting, notice)
    return await reply(turn, build_status_card(view), notice or f"Status for {meeting.title}")


async def _say(turn: Turn) -> None:
    # The invoke is then answered with a short text message instead of a card.
    await turn.say("Fant ikke møtet; det kan være slettet.")


async def status_action(turn: Turn, data: MeetingRef) -> dict[str, Any] | None:
    return await status_card(turn, data.meeting_id)


async def preview(turn: Turn, data: MeetingRef) -> dict[str, Any] | None:
    """The invitation exactly as members will get it."""
    meeting = turn.session.get(Meeting, data.meeting_id)
    if meeting is None:
        await _say(turn)
        return None
    card = invitations.card_for(turn.session, meeting, turn.deps.clock.now())
    return await reply(turn, card, "Forhåndsvisning av innkallingen")


async def send_now(turn: Turn, data: MeetingRef) -> dict[str, Any] | None:
    """Start the send-out; the app's delivery worker sends it within Teams' limits."""
    try:
        out = meeting_send.send(turn.session, data.meeting_id, turn.deps.clock.now(),
                               turn.deps.settings)
    except meeting_send.SendError as exc:
        return await status_card(turn, data.meeting_id, f"Ikke sendt: {exc}.")
    audit.record(turn.session, action="meeting.send", actor_member_id=_me(turn),
                 target=f"meeting:{data.meeting_id}", detail=f"{out.total} mottakere")
    return await status_card(turn, data.meeting_id, f"Innkallingen sendes til {out.total}.")


async def approve(turn: Turn, data: MeetingRef) -> dict[str, Any] | None:
    """Approve automatic sending 7 days ahead."""
    from core.timefmt import span

    try:
        due = meeting_send.approve(turn.session, data.meeting_id, turn.deps.clock.now())
    except meeting_send.SendError as exc:
        return await status_card(turn, data.meeting_id, f"Ikke godkjent: {exc}.")
    audit.record(turn.session, action="meeting.approve", actor_member_id=_me(turn),
                 target=f"meeting:{data.meeting_id}")
    return await status_card(turn, data.meeting_id, f"Sendes automatisk {span(due)}.")


async def on_behalf(turn: Turn, data: OnBehalf) -> dict[str, Any] | None:
    """Record an answer for a member (told by phone or e-mail); audited."""
    member = turn.session.get(Member, int(data.member_id)) if data.member_id.isdigit() else None
    if member is None or not repo.is_invited(turn.session, data.meeting_id, member.id or 0):
        return await status_card(turn, data.meeting_id, "Velg et medlem som er invitert.")
    if data.answer not in Answer.__members__:
        return await status_card(turn, data.meeting_id, "Velg et gyldig svar.")
    repo.save_answer(turn.session, data.meeting_id, member.id or 0,
                     repo.AnswerInput(Answer(data.answer)), turn.deps.clock.now(),
                     recorded_by=_me(turn))
    audit.record(turn.session, action="rsvp.on_behalf", actor_member_id=_me(turn),
                 target=f"meeting:{data.meeting_id}:member:{member.id}", detail=data.answer)
    return await status_card(turn, data.meeting_id, f"Svar registrert for {member.name}.")


async def export_command(turn: Turn) -> None:
    """`eksport oppmøte 12`: the minutes' attendance table as a message."""
    words = turn.text.split()
    if len(words) < 2 or words[1].casefold() not in ("oppmøte", "oppmote"):
        await turn.say("Skriv **eksport oppmøte MØTE-ID**.")
        return
    text = export_text(turn.session, _meeting_id(turn, 2) or 0, "md", items=True)
    await turn.say(text or "Fant ikke møtet. Skriv **eksport oppmøte MØTE-ID**.")


def _me(turn: Turn) -> int | None:
    return turn.member.id if turn.member else None

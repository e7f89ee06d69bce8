"""Members answer an invitation (RSVP, late cancellation) and check in at the meeting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.router import CardReply, Router
from bot.turn import Turn
from cards.actions import MeetingCheckinAction, RsvpAnswerAction, RsvpCancelAction
from cards.invitation import ANSWERS
from cards.notice import build_notice_card
from core.i18n import t
from delivery.sendout import enqueue_drawn, notice_activity
from domain.bounds import parse_id
from services import meetings
from storage import attendance, audit
from storage import rsvp as repo
from storage.meeting_models import Meeting, MeetingStatus
from storage.meeting_models import RsvpAnswer as Answer
from storage.members import find_by_name_or_email
from storage.models import Member

LIMITS = {"comment": 500, "dietary": 300, "deputy": 150}


def register(root: Router) -> None:
    """Add the RSVP actions (members answer for themselves: identity from the activity)."""
    router = root.feature("rsvp")
    router.action(RsvpAnswerAction)(answer)
    router.action(RsvpCancelAction)(cancel_late)


def refuse(text: str) -> CardReply:
    """A clear Norwegian refusal; nothing is stored."""
    return CardReply(build_notice_card(t("rsvp.reply.svaret_ble_ikke"), [text]), text)


@dataclass(frozen=True)
class Open:
    """A meeting the clicker may answer, with what the check read (the card reuses it)."""

    meeting: Meeting
    member: Member
    groups: list[str]


def open_meeting(turn: Turn, data: RsvpAnswerAction) -> Open | str:
    """The meeting the clicker may answer, or why not (identity only from the activity)."""
    member = turn.member
    if member is None or not member.active:
        return t("rsvp.reply.jeg_finner_deg")
    meeting = turn.session.get(Meeting, data.meeting_id)
    invitation = repo.invitation(turn.session, data.meeting_id, member.id or 0) \
        if meeting else None
    if meeting is None or invitation is None or not invitation.invited:
        return t("rsvp.reply.du_er_ikke")
    if meeting.status == MeetingStatus.cancelled:
        return t("rsvp.reply.motet_er_avlyst")
    if meeting.status != MeetingStatus.invited:
        return t("rsvp.reply.innkallingen_til_dette")
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            return t("rsvp.reply.feltet_er_for", name=name, getattr_count=len(getattr(data, name)),
                     limit=limit)
    return Open(meeting, member, invitation.groups)


def changed_since(data: RsvpAnswerAction, meeting: Meeting) -> str:
    """One line when the pressed card is older than the meeting (its version field)."""
    if not data.card_version or data.card_version >= meeting.version:
        return ""
    where = f", {meeting.place}" if meeting.place else ""
    return (t("rsvp.reply.innkallingen_er_endret", when_text=meetings.when_text(meeting),
              where=where))


def _record(turn: Turn, ok: Open, given: repo.AnswerInput, notice: str,
            late: bool = False) -> dict[str, Any]:
    """Store the answer and draw the clicker's card from what is known, without reading back."""
    now, mid = turn.deps.clock.now(), ok.meeting.id or 0
    rows = meetings.programme(turn.session, mid)
    asks = [r.id for r in rows if r.asks_rsvp] if rows else []
    repo.save_answer(turn.session, mid, ok.member.id or 0, given, now, late=late,
                     rsvp_items=asks)
    known = meetings.Known(ok.groups, rows, given, late)
    return meetings.card_for(turn.session, ok.meeting, now, ok.member, notice=notice,
                             links=turn.deps.links, known=known)


async def answer(turn: Turn, data: RsvpAnswerAction) -> CardReply:
    """«Kommer (fysisk)» … «Usikker»: store it for the clicker, show their own card."""
    ok = open_meeting(turn, data)
    if isinstance(ok, str):
        return refuse(ok)
    if data.answer not in ANSWERS:
        return refuse(t("rsvp.reply.ukjent_svar_velg", answer=data.answer[:30]))
    now = turn.deps.clock.now()
    due = repo.deadline(ok.meeting)
    if due and now >= due:
        card = meetings.card_for(turn.session, ok.meeting, now, ok.member,
                                 notice=t("rsvp.reply.svarfristen_er_ute"),
                                 links=turn.deps.links)
        return CardReply(card, t("rsvp.reply.svarfristen_er_ute_2"))
    given = repo.AnswerInput(Answer(data.answer), data.comment.strip(), data.dietary.strip(),
                             data.deputy.strip(), data.items())
    notice = t("invitation.takk_svaret_ditt") + changed_since(data, ok.meeting)
    return CardReply(_record(turn, ok, given, notice), t("rsvp.reply.svaret_ditt_er"))


async def cancel_late(turn: Turn, data: RsvpAnswerAction) -> CardReply:
    """«Kan likevel ikke komme» after the deadline: stored as late, the secretariat is told."""
    ok = open_meeting(turn, data)
    if isinstance(ok, str):
        return refuse(ok)
    now, mid, member = turn.deps.clock.now(), ok.meeting.id or 0, ok.member
    previous = repo.get_answer(turn.session, mid, member.id or 0)
    was_coming = previous is not None and previous.answer != Answer.no  # before it is overwritten
    comment = previous.comment if previous else ""
    due = repo.deadline(ok.meeting)
    late = bool(due and now >= due)
    notice = t("rsvp.reply.forfallet_ditt_er") + changed_since(data, ok.meeting)
    card = _record(turn, ok, repo.AnswerInput(Answer.no, comment), notice, late=late)
    if late and was_coming:
        tell_secretariat(turn, ok.meeting, member)
    return CardReply(card, t("rsvp.reply.forfallet_ditt_er"))


def tell_secretariat(turn: Turn, meeting: Meeting, member: Member) -> None:
    """One notice per late cancellation to every active secretariat member (the outbox is
    the delivery ledger: sent by its worker once this turn has committed)."""
    now = turn.deps.clock.now()

    def notice() -> dict[str, Any]:  # in each secretariat member's language, not the sender's
        text = t("rsvp.reply.kan_likevel_ikke", name=member.name,
                 organisation=member.organisation or t("rsvp.reply.uten_kommune"),
                 title=meeting.title, when_text=meetings.when_text(meeting))
        return notice_activity(t("rsvp.reply.forfall_etter_fristen"), [text])
    for sec in repo.active_secretariat(turn.session):
        enqueue_drawn(turn.session, "late_cancellation", f"meeting:{meeting.id}:{member.id}",
                      sec.id or 0, notice, now, meeting_id=meeting.id)


# Check-in: the member's button on the day, and the secretariat adding a deputy or guest.
def register_checkin(root: Router) -> None:
    """Add the check-in button and the secretariat's `oppmøte` command."""
    router = root.feature("checkin")
    router.action(MeetingCheckinAction)(check_in)
    router.secretariat().command(
        "oppmøte", "oppmote",
        description=lambda: t("rsvp.reply.legg_til_en"))(add_person)


async def check_in(turn: Turn, data: MeetingCheckinAction) -> CardReply:
    """Record the clicker as present (identity from the activity, never the card)."""
    member = turn.member
    meeting = turn.session.get(Meeting, data.meeting_id)
    if member is None or meeting is None or not (
            repo.is_invited(turn.session, data.meeting_id, member.id or 0)
            or turn.is_secretariat):
        return refuse(t("rsvp.reply.du_er_ikke_2"))
    if meeting.status == MeetingStatus.cancelled:
        return refuse(t("rsvp.reply.motet_er_avlyst"))
    now = turn.deps.clock.now()
    new = attendance.check_in(turn.session, data.meeting_id, member, now)
    notice = t("rsvp.reply.du_er_sjekket") if new else t("rsvp.reply.du_var_allerede")
    card = meetings.card_for(turn.session, meeting, now, member, notice=notice,
                             links=turn.deps.links)
    return CardReply(card, notice)


async def add_person(turn: Turn) -> None:
    """`oppmøte 12 Kari Nordmann; Follo`: a member by name, else a guest or deputy."""
    parts = turn.text.split(maxsplit=2)
    meeting_id = parse_id(parts[1]) if len(parts) == 3 else None
    meeting = turn.session.get(Meeting, meeting_id) if meeting_id is not None else None
    if meeting is None:
        await turn.say(t("rsvp.reply.skriv_oppmote_mote"))
        return
    name, _, organisation = (x.strip() for x in parts[2].partition(";"))
    if not name or len(name) > 200 or len(organisation) > 200:
        await turn.say(t("rsvp.reply.navn_og_kommune"))
        return
    now, me = turn.deps.clock.now(), turn.member.id if turn.member else None
    found = find_by_name_or_email(turn.session, name)
    if len(found) == 1:
        attendance.check_in(turn.session, meeting.id or 0, found[0], now, "secretariat", me)
        who = found[0].name
    else:
        row = attendance.add_guest(turn.session, meeting.id or 0, name, organisation, now, me)
        stands_in = (turn.session.get(Member, row.deputy_for_member_id)
                     if row.deputy_for_member_id else None)
        who = (t("minutes_draft.vara_for", name=name, member=stands_in.name) if stands_in
               else f"{name} (gjest/stedfortreder)")
    audit.record(turn.session, action="attendance.add", actor_member_id=me,
                 target=f"meeting:{meeting.id}", detail=who)
    await turn.say(t("rsvp.reply.er_fort_opp", who=who, title=meeting.title))

"""Round repository: who is in a round, its state (guarded by step), updates and prewrites."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from core.timefmt import to_oslo
from domain import round as rm
from storage.db import table
from storage.meeting_models import Attendance, Meeting, MeetingGroup, MeetingStatus, Rsvp
from storage.meeting_models import RsvpAnswer as Answer
from storage.models import Member, Membership, Region, Role
from storage.regions import region_for_organisation
from storage.round_models import RoundPrewrite, RoundSlot, TalkRound

DEFAULT_LENGTH = timedelta(hours=3)  # a meeting without an end time is taken to last this long


@dataclass
class SlotDraft:
    """One slot before it is stored: a region and its members present, in arrival order."""

    label: str
    region_id: int | None
    members: list[Member] = field(default_factory=list)


def current_meeting(session: Session, group_id: int, now: datetime) -> Meeting | None:
    """The group's meeting under way now, else its next one later today (Oslo)."""
    query = (select(Meeting).join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
             .where(MeetingGroup.group_id == group_id, col(Meeting.starts_at).is_not(None),
                    Meeting.status != MeetingStatus.cancelled)
             .order_by(col(Meeting.starts_at)))
    today = to_oslo(now).date()
    later: Meeting | None = None
    for meeting in session.exec(query):
        assert meeting.starts_at is not None
        ends = meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH
        if meeting.starts_at <= now <= ends:
            return meeting
        if later is None and meeting.starts_at > now and to_oslo(meeting.starts_at).date() == today:
            later = meeting
    return later


def present(session: Session, group_id: int, meeting: Meeting | None) -> list[Member]:
    """Checked in or answered yes (in that order); else every active member of the group.

    The secretariat runs the round and is never a slot in it.
    """
    found: list[Member] = []
    if meeting is not None:
        checked = session.exec(select(Member).join(Attendance, col(Attendance.member_id) ==
                                                   Member.id)
                               .where(Attendance.meeting_id == meeting.id)
                               .order_by(col(Attendance.checked_in_at), col(Attendance.id)))
        yes = session.exec(select(Member).join(Rsvp, col(Rsvp.member_id) == Member.id)
                           .where(Rsvp.meeting_id == meeting.id,
                                  col(Rsvp.answer).in_((Answer.physical, Answer.digital)))
                           .order_by(col(Rsvp.answered_at), col(Rsvp.id)))
        for member in [*checked, *yes]:
            if member not in found:
                found.append(member)
    found = [m for m in found if m.active and m.role != Role.secretariat]
    if found:
        return found
    ids = select(Membership.member_id).where(Membership.group_id == group_id)
    return list(session.exec(select(Member).where(
        col(Member.id).in_(ids), Member.active == True,  # noqa: E712
        Member.role != Role.secretariat).order_by(col(Member.name), col(Member.id))))


def by_region(session: Session, members: list[Member]) -> list[SlotDraft]:
    """One slot per region, in the order its first member arrived; no region: own slot."""
    drafts: dict[object, SlotDraft] = {}
    for member in members:
        region = (session.get(Region, member.region_id) if member.region_id
                  else region_for_organisation(session, member.organisation))
        key: object = region.id if region is not None else ("member", member.id)
        if key not in drafts:
            label = region.name if region is not None else member.name
            drafts[key] = SlotDraft(label, region.id if region is not None else None)
        drafts[key].members.append(member)
    return list(drafts.values())


# Round repository: create a round, load and save its state (guarded by step), updates.
def create_round(session: Session, *, group_id: int | None, meeting_id: int | None, topic: str,
                 mode: rm.OrderMode, seconds: int, auto_advance: bool, conversation_id: str,
                 drafts: list[SlotDraft], by_member_id: int | None, now: datetime,
                 seed: int = 0) -> TalkRound:
    """Store a round with its slots in speaking order, and start it."""
    rnd = TalkRound(group_id=group_id, meeting_id=meeting_id, topic=topic, order_mode=mode,
                    seconds_per_speaker=seconds, auto_advance=auto_advance,
                    conversation_id=conversation_id, created_by_member_id=by_member_id,
                    created_at=now)
    session.add(rnd)
    session.flush()
    assert rnd.id is not None
    written = _prewrites(session, meeting_id)
    for pos, i in enumerate(rm.order([d.label for d in drafts], mode, seed or rnd.id)):
        d = drafts[i]
        session.add(RoundSlot(round_id=rnd.id, position=pos, region_id=d.region_id,
                              label=d.label, member_ids=json.dumps([m.id for m in d.members]),
                              update_text=written.get(d.region_id or -1, "")))
    session.flush()
    save_state(session, rnd, rm.start(load_state(session, rnd), now), now)
    return rnd


def _prewrites(session: Session, meeting_id: int | None) -> dict[int, str]:
    if meeting_id is None:
        return {}
    rows = session.exec(select(RoundPrewrite).where(RoundPrewrite.meeting_id == meeting_id))
    return {p.region_id: p.text for p in rows}


def slots(session: Session, round_id: int) -> list[RoundSlot]:
    """A round's slots by position."""
    return list(session.exec(select(RoundSlot).where(RoundSlot.round_id == round_id)
                             .order_by(col(RoundSlot.position))))


def load_state(session: Session, rnd: TalkRound) -> rm.RoundState:
    """The pure state of a stored round."""
    assert rnd.id is not None
    return rm.RoundState(rm.RoundStatus(rnd.status), rnd.step, rnd.seconds_per_speaker,
                         rnd.turn_started_at,
                         tuple(rm.Slot(s.id or 0, s.position, rm.SlotState(s.state))
                               for s in slots(session, rnd.id)))


def save_state(session: Session, rnd: TalkRound, new: rm.RoundState, now: datetime) -> bool:
    """Write a new state if the round is still at the step it was read at; False if not.

    The guarded UPDATE is what makes two simultaneous «Neste» presses advance once: the
    second waits for the first's row lock, then finds the step moved and changes nothing.
    """
    old_step = rnd.step
    result = session.execute(
        update(TalkRound).where(col(TalkRound.id) == rnd.id, col(TalkRound.step) == old_step)
        .values(step=new.step, status=new.status, turn_started_at=new.turn_started_at))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(rnd)
        return False
    by_id = {s.id: s for s in new.slots}
    for row in slots(session, rnd.id or 0):
        slot = by_id[row.id or 0]
        if (row.state, row.position) != (slot.state, slot.position):
            if slot.state == rm.SlotState.speaking and new.turn_started_at:
                row.spoke_at = new.turn_started_at
            row.state, row.position = slot.state, slot.position
            session.add(row)
    session.flush()
    session.refresh(rnd)
    if new.status == rm.RoundStatus.finished and rnd.finished_at is None:
        rnd.finished_at = now
        session.add(rnd)
        session.flush()
    return True


def move(session: Session, round_id: int, expected_step: int, what: rm.Move,
         now: datetime) -> tuple[TalkRound | None, bool]:
    """Apply one button press; (round, moved). A stale or finished press moves nothing."""
    rnd = session.get(TalkRound, round_id)
    if rnd is None:
        return None, False
    if rnd.step != expected_step or rnd.status != rm.RoundStatus.running:
        return rnd, False
    new = rm.apply(load_state(session, rnd), what, now)
    return rnd, save_state(session, rnd, new, now)


def member_ids(slot: RoundSlot) -> list[int]:
    """The members a slot speaks for."""
    return [int(i) for i in json.loads(slot.member_ids or "[]")]


def save_update(session: Session, slot: RoundSlot, text: str, member_id: int | None) -> None:
    """The region's written update (the last one saved wins)."""
    slot.update_text, slot.updated_by_member_id = text, member_id
    session.add(slot)
    session.flush()


def previous_update(session: Session, rnd: TalkRound, region_id: int | None) -> str:
    """The region's update from the group's round before this one, for continuity."""
    if region_id is None:
        return ""
    query = (select(RoundSlot.update_text)
             .join(TalkRound, col(TalkRound.id) == RoundSlot.round_id)
             .where(TalkRound.group_id == rnd.group_id, col(TalkRound.id) < (rnd.id or 0),
                    RoundSlot.region_id == region_id, RoundSlot.update_text != "")
             .order_by(col(TalkRound.id).desc()))
    if rnd.meeting_id is not None:  # the same meeting's other rounds are not "last time"
        query = query.where(TalkRound.meeting_id != rnd.meeting_id)
    return session.exec(query).first() or ""


def list_rounds(session: Session) -> list[TalkRound]:
    """Every round, newest first."""
    return list(session.exec(select(TalkRound).order_by(col(TalkRound.id).desc())))


def save_prewrite(session: Session, meeting_id: int, region_id: int, text: str,
                  member_id: int | None, now: datetime) -> RoundPrewrite:
    """A region's update before the meeting; writing again replaces it."""
    # One upsert: two of a region's members writing the first one at once get one row.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(table(RoundPrewrite)).values(
        meeting_id=meeting_id, region_id=region_id, text=text, member_id=member_id,
        written_at=now)
    session.execute(insert.on_conflict_do_update(
        index_elements=["meeting_id", "region_id"],
        set_={"text": insert.excluded.text, "member_id": insert.excluded.member_id,
              "written_at": insert.excluded.written_at}))
    return session.exec(select(RoundPrewrite).where(
        RoundPrewrite.meeting_id == meeting_id, RoundPrewrite.region_id == region_id)
        .execution_options(populate_existing=True)).one()


def set_card_id(session: Session, round_id: int, activity_id: str | None) -> None:
    """Remember the posted round card, so later presses redraw it in place."""
    if activity_id:
        session.execute(update(TalkRound).where(col(TalkRound.id) == round_id)
                        .values(activity_id=activity_id))

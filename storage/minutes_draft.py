"""Reads for the referat draft: who was there (with deputies and guests), who sent regrets,
the rounds and written input of a meeting, the group's coming meetings, its documents.

A handful of queries per draft whatever its size (bench/minutes_draft.py); nothing here
writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from domain.innspill import Anonymity
from domain.meetings import MeetingStatus, RsvpAnswer
from domain.minutes_draft import Attendee, EventMark, FutureEvent, InputEntry
from storage.innspill import entries as innspill_entries
from storage.innspill import questions
from storage.innspill_models import InnspillSession
from storage.meeting_models import Attendance, Meeting, MeetingDocument, MeetingGroup, Rsvp
from storage.models import Member, Membership, Role, WorkingGroup
from storage.regions import region_names
from storage.round_models import RoundPrewrite, RoundSlot, TalkRound


@dataclass(frozen=True)
class Present:
    """One attendance row with what the draft needs to mark it."""

    attendee: Attendee
    secretariat: bool
    region: str  # the member's region (or the guest's organisation), for «Fraværende»


def group_names(session: Session, meeting_id: int) -> tuple[str, ...]:
    """The meeting's groups by name (two or more: a joint meeting)."""
    return tuple(session.exec(
        select(WorkingGroup.name).join(MeetingGroup, col(MeetingGroup.group_id) == WorkingGroup.id)
        .where(MeetingGroup.meeting_id == meeting_id).order_by(col(WorkingGroup.name))).all())


def present(session: Session, meeting_id: int) -> list[Present]:
    """Everyone registered present: check-in, meeting events, the secretariat's additions."""
    regions = region_names(session)
    rows = session.exec(select(Attendance, Member).join(
        Member, col(Member.id) == Attendance.member_id, isouter=True)
        .where(Attendance.meeting_id == meeting_id).order_by(col(Attendance.id))).all()
    deputies = {m.id: m.name for m in session.exec(select(Member).where(col(Member.id).in_(
        [a.deputy_for_member_id for a, _ in rows if a.deputy_for_member_id])))}
    out = []
    for a, m in rows:
        region = (regions.get(m.region_id or -1) or m.organisation) if m else a.organisation
        place = (m.organisation or region) if m else a.organisation
        deputy = deputies.get(a.deputy_for_member_id, "") if a.deputy_for_member_id else ""
        out.append(Present(Attendee(a.name, place, region, deputy_for=deputy,
                                    guest=m is None and not deputy,
                                    arrived_at=a.checked_in_at),
                           bool(m and m.role == Role.secretariat), region))
    return out


def regrets(session: Session, meeting_id: int) -> list[str]:
    """Names of those who answered «Kommer ikke» and were not registered present."""
    here = select(Attendance.member_id).where(Attendance.meeting_id == meeting_id,
                                              col(Attendance.member_id).is_not(None))
    return list(session.exec(select(Member.name).join(Rsvp, col(Rsvp.member_id) == Member.id)
                             .where(Rsvp.meeting_id == meeting_id,
                                    Rsvp.answer == RsvpAnswer.no,
                                    col(Member.id).not_in(here))
                             .order_by(col(Member.name))).all())


def invited_regions(session: Session, meeting_id: int) -> list[str]:
    """The regions of the meeting's active invited members (not the secretariat)."""
    regions = region_names(session)
    groups = select(MeetingGroup.group_id).where(MeetingGroup.meeting_id == meeting_id)
    ids = select(Membership.member_id).where(col(Membership.group_id).in_(groups))
    found = session.exec(select(Member.region_id).where(
        col(Member.id).in_(ids), Member.active == True,  # noqa: E712
        Member.role != Role.secretariat, col(Member.region_id).is_not(None)).distinct()).all()
    return sorted({regions[r] for r in found if r in regions}, key=str.casefold)


@dataclass(frozen=True)
class RoundRead:
    round: TalkRound
    slots: list[RoundSlot]


def rounds(session: Session, meeting_id: int) -> list[RoundRead]:
    """The meeting's rounds with their slots in speaking order."""
    found = session.exec(select(TalkRound).where(TalkRound.meeting_id == meeting_id)
                         .order_by(col(TalkRound.id))).all()
    slots: dict[int, list[RoundSlot]] = {r.id or 0: [] for r in found}
    for slot in session.exec(select(RoundSlot).where(col(RoundSlot.round_id).in_(list(slots)))
                             .order_by(col(RoundSlot.round_id), col(RoundSlot.position))):
        slots[slot.round_id].append(slot)
    return [RoundRead(r, slots[r.id or 0]) for r in found]


def prewrites(session: Session, meeting_id: int) -> list[tuple[str, str]]:
    """(region, text) written before the meeting with `oppdatering`, by region name."""
    regions = region_names(session)
    rows = session.exec(select(RoundPrewrite).where(RoundPrewrite.meeting_id == meeting_id)
                        .order_by(col(RoundPrewrite.id))).all()
    return [(regions.get(r.region_id, ""), r.text) for r in rows if r.text.strip()]


@dataclass(frozen=True)
class InputRead:
    session: InnspillSession
    entries: list[tuple[str, str, InputEntry]]  # (area, theme, entry)


def inputs(session: Session, meeting_id: int) -> list[InputRead]:
    """The meeting's innspill sessions, each with its visible entries (never hidden ones;
    a merged duplicate only as the entry it was merged into); names only when named."""
    found = session.exec(select(InnspillSession).where(InnspillSession.meeting_id == meeting_id)
                         .order_by(col(InnspillSession.id))).all()
    out = []
    for s in found:
        rows = innspill_entries(session, s)
        named = s.anonymity == Anonymity.named
        authors = ({m.id: m.name for m in session.exec(select(Member).where(col(Member.id).in_(
            {e.author_member_id for e in rows if e.author_member_id})))} if named else {})
        qs = questions(s)
        out.append(InputRead(s, [
            (e.area, qs[e.question_no] if e.question_no < len(qs) else "",
             InputEntry(e.text, authors.get(e.author_member_id, "") if named else ""))
            for e in rows]))
    return out


_MARKS = {MeetingStatus.cancelled: EventMark.cancelled, MeetingStatus.date_tba: EventMark.tba,
          MeetingStatus.tentative: EventMark.tbc}


def future_meetings(session: Session, meeting: Meeting, *, months: int,
                    limit: int) -> list[FutureEvent]:
    """The group's meetings after this one, up to `months` ahead and at most `limit`; those
    whose date is not set last."""
    groups = select(MeetingGroup.meeting_id).where(col(MeetingGroup.group_id).in_(
        select(MeetingGroup.group_id).where(MeetingGroup.meeting_id == meeting.id)))
    base = select(Meeting).where(col(Meeting.id).in_(groups), Meeting.id != meeting.id)
    after = meeting.starts_at
    dated: list[Meeting] = []
    if after is not None:
        dated = list(session.exec(base.where(col(Meeting.starts_at) > after,
                                             col(Meeting.starts_at) <= _months_on(after, months))
                                  .order_by(col(Meeting.starts_at), col(Meeting.id))
                                  .limit(limit)).all())
    undated = session.exec(base.where(col(Meeting.starts_at).is_(None))
                           .order_by(col(Meeting.id)).limit(limit)).all()
    found = [*dated, *undated][:limit]
    return [FutureEvent(m.title, m.starts_at, m.date_text, m.place,
                        _MARKS.get(m.status, EventMark.none)) for m in found]


def _months_on(when: datetime, months: int) -> datetime:
    # Whole months on the calendar; the 31st of a shorter month falls on its last day.
    year, month = divmod(when.month - 1 + months, 12)
    for day in range(when.day, 27, -1):
        try:
            return when.replace(year=when.year + year, month=month + 1, day=day)
        except ValueError:
            continue
    return when + timedelta(days=30 * months)


def documents(session: Session, meeting_id: int) -> list[MeetingDocument]:
    """The meeting's own documents (not those of one agenda item)."""
    return list(session.exec(select(MeetingDocument).where(
        MeetingDocument.meeting_id == meeting_id,
        col(MeetingDocument.agenda_item_id).is_(None)).order_by(col(MeetingDocument.id))).all())

"""Minutes queries: per-field writes keyed by version, follow-ups, the referent's position,
and the minutes per agenda item in agenda order (what the referat export reads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, false, func, literal, null, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from domain.minutes import FIELDS, NOTES_LIMIT, MinutesError, thousands
from storage.db import table
from storage.delivery import insert_ignore
from storage.innspill_models import InnspillSession
from storage.meeting_models import AgendaItem, Meeting, MeetingGroup
from storage.members import find_by_name_or_email
from storage.minutes_models import Followup, FollowupStatus, MinutesCursor, MinutesField
from storage.models import Member, Membership, Region, Role
from storage.regions import find_region
from storage.round_models import TalkRound

FIELD_T = table(MinutesField)
FOLLOWUP_T = table(Followup)


@dataclass(frozen=True)
class FieldState:
    """One field as stored: its text, version and who wrote it last."""

    value: str = ""
    version: int = 0
    changed_by_member_id: int | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class Written:
    """The outcome of one write: the new version and, if someone wrote in between, the
    text this write replaced and who had written it."""

    version: int
    replaced_value: str = ""
    replaced_by_member_id: int | None = None


def agenda_item(session: Session, meeting_id: int, number: int) -> AgendaItem:
    """Agenda item `number` of a meeting, or MinutesError naming the numbers there are."""
    if session.get(Meeting, meeting_id) is None:
        raise MinutesError(f"Fant ikke møte {meeting_id}. Se «meetings list» eller «møter».")
    item = session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id,
                                                 AgendaItem.number == number)).first()
    if item is None:
        numbers = [i.number for i in items(session, meeting_id)]
        there = (f"sakene er {numbers[0]}–{numbers[-1]}" if numbers
                 else "møtet har ikke noe sakskart")
        raise MinutesError(f"Møte {meeting_id} har ingen sak {number} ({there}).")
    return item


def items(session: Session, meeting_id: int) -> list[AgendaItem]:
    """The agenda in order."""
    return list(session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
                             .order_by(col(AgendaItem.number))).all())


def field_states(session: Session, agenda_item_id: int) -> dict[str, FieldState]:
    """Both fields of an item as stored now (empty, version 0, when never written)."""
    rows = session.execute(core_select(FIELD_T).where(FIELD_T.c.agenda_item_id == agenda_item_id))
    found = {r.field: FieldState(r.value, r.version, r.changed_by_member_id, r.changed_at)
             for r in rows}
    return {name: found.get(name, FieldState()) for name in FIELDS}


def _ensure(session: Session, meeting_id: int, agenda_item_id: int) -> None:
    insert_ignore(session, MinutesField, [
        {"meeting_id": meeting_id, "agenda_item_id": agenda_item_id, "field": name,
         "value": "", "version": 0, "replaced_value": ""} for name in FIELDS])


def write_field(session: Session, meeting_id: int, agenda_item_id: int, name: str, value: str,
                *, drawn_version: int | None, member_id: int | None, now: datetime) -> Written:
    """Write one field; the last write wins. One UPDATE, no read-modify-write in Python.

    `drawn_version` is the version the writer's card showed (None from the CLI, which
    replaces on purpose). When the stored version has moved on since, someone else wrote
    in between: the text this write overwrites is kept in the row and returned.
    """
    _ensure(session, meeting_id, agenda_item_id)
    t = FIELD_T
    conflict = t.c.version != drawn_version if drawn_version is not None else false()
    stmt = (update(t).where(t.c.agenda_item_id == agenda_item_id, t.c.field == name)
            .values(value=value, version=t.c.version + 1, changed_by_member_id=member_id,
                    changed_at=now,
                    replaced_value=case((conflict, t.c.value), else_=literal("")),
                    replaced_by_member_id=case((conflict, t.c.changed_by_member_id),
                                               else_=null()))
            .returning(t.c.version, t.c.replaced_value, t.c.replaced_by_member_id))
    row = session.execute(stmt).one()
    return Written(row.version, row.replaced_value, row.replaced_by_member_id)


def append_notes(session: Session, meeting_id: int, agenda_item_id: int, text: str, *,
                 member_id: int | None, now: datetime) -> int:
    """Add a paragraph to the notes in SQL (length checked in the same UPDATE); the new
    version, or MinutesError when the notes would grow past the limit."""
    _ensure(session, meeting_id, agenda_item_id)
    t = FIELD_T
    empty = func.length(t.c.value) == 0
    stmt = (update(t).where(t.c.agenda_item_id == agenda_item_id, t.c.field == "notes",
                            func.length(t.c.value) + len(text) + 2 <= NOTES_LIMIT)
            .values(value=case((empty, literal(text)), else_=t.c.value + "\n\n" + text),
                    version=t.c.version + 1, changed_by_member_id=member_id, changed_at=now,
                    replaced_value="", replaced_by_member_id=None)
            .returning(t.c.version))
    row = session.execute(stmt).first()
    if row is None:
        raise MinutesError(f"Notatene ville blitt lengre enn {thousands(NOTES_LIMIT)} tegn; "
                           "ingenting er lagt til.")
    return int(row.version)


def move_cursor(session: Session, meeting_id: int, agenda_item_id: int,
                member_id: int | None, now: datetime) -> None:
    """Remember the item the referent's card is on now (one row per meeting)."""
    t = table(MinutesCursor)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(t).values(meeting_id=meeting_id, agenda_item_id=agenda_item_id,
                                    member_id=member_id, at=now)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[t.c.meeting_id],
        set_={"agenda_item_id": agenda_item_id, "member_id": member_id, "at": now}))


def cursor_item(session: Session, meeting_id: int) -> int | None:
    """The agenda item id the referent's card was last drawn on, if any."""
    row = session.get(MinutesCursor, meeting_id)
    return row.agenda_item_id if row else None


# --- follow-ups -----------------------------------------------------------------------

@dataclass(frozen=True)
class Responsible:
    member_id: int | None
    region_id: int | None
    label: str


def meeting_group_ids(session: Session, meeting_id: int) -> list[int]:
    """The groups a meeting belongs to."""
    return list(session.exec(select(MeetingGroup.group_id)
                             .where(MeetingGroup.meeting_id == meeting_id)).all())


def resolve_responsible(session: Session, text: str) -> Responsible:
    """A member (name in any word order, e-mail) or a region (name or alias), or MinutesError."""
    raw = " ".join(text.split())
    if not raw:
        raise MinutesError("Skriv hvem som er ansvarlig: et navn eller en region.")
    if raw.startswith(("m:", "r:")) and raw[2:].isdigit():  # a choice from the card's list
        if raw[0] == "m":
            member = session.get(Member, int(raw[2:]))
            if member is not None and member.active:
                return Responsible(member.id, None, member.name)
        else:
            region = session.get(Region, int(raw[2:]))
            if region is not None:
                return Responsible(None, region.id, region.name)
        raise MinutesError("Velg en ansvarlig fra listen.")
    members = [m for m in find_by_name_or_email(session, raw) if m.active]
    if len(members) > 1:
        raise MinutesError(f"Flere medlemmer heter «{raw}»; bruk e-postadressen.")
    if members:
        return Responsible(members[0].id, None, members[0].name)
    region = find_region(session, raw)
    if region is not None:
        return Responsible(None, region.id, region.name)
    raise MinutesError(f"Fant ingen person eller region som heter «{raw}». "
                       "Se «members list» for navnene.")


def add_followup(session: Session, item: AgendaItem, what: str, who: Responsible, due: date,
                 *, created_by: int | None, now: datetime) -> Followup:
    """A new open follow-up on an agenda item."""
    row = Followup(meeting_id=item.meeting_id, agenda_item_id=item.id or 0, what=what,
                   member_id=who.member_id, region_id=who.region_id, due_date=due,
                   created_by_member_id=created_by, created_at=now)
    session.add(row)
    session.flush()
    return row


def mark_done(session: Session, followup_id: int, member_id: int | None, now: datetime) -> bool:
    """Open → done in one guarded UPDATE; False when it was already done (or is gone)."""
    t = FOLLOWUP_T
    row = session.execute(update(t).where(t.c.id == followup_id,
                                          t.c.status == FollowupStatus.open)
                          .values(status=FollowupStatus.done, done_at=now,
                                  done_by_member_id=member_id).returning(t.c.id)).first()
    return row is not None


def followups(session: Session, *, meeting_id: int | None = None,
              agenda_item_id: int | None = None, open_only: bool = False) -> list[Followup]:
    """Follow-ups by due date, then id."""
    query = select(Followup)
    if meeting_id is not None:
        query = query.where(Followup.meeting_id == meeting_id)
    if agenda_item_id is not None:
        query = query.where(Followup.agenda_item_id == agenda_item_id)
    if open_only:
        query = query.where(Followup.status == FollowupStatus.open)
    return list(session.exec(query.order_by(col(Followup.due_date), col(Followup.id))).all())


def responsible_label(session: Session, f: Followup) -> str:
    """The member's name or the region's name."""
    if f.member_id is not None:
        member = session.get(Member, f.member_id)
        return member.name if member else "?"
    region = session.get(Region, f.region_id) if f.region_id is not None else None
    return region.name if region else "?"


def responsible_members(session: Session, f: Followup) -> list[Member]:
    """Who a follow-up's reminder goes to: the member, or every active member of the region
    in the meeting's groups (once each)."""
    if f.member_id is not None:
        member = session.get(Member, f.member_id)
        return [member] if member is not None and member.active else []
    groups = meeting_group_ids(session, f.meeting_id)
    query = (select(Member).join(Membership, col(Membership.member_id) == Member.id)
             .where(Member.region_id == f.region_id, Member.active == True,  # noqa: E712
                    col(Membership.group_id).in_(groups))
             .distinct().order_by(col(Member.name), col(Member.id)))
    return list(session.exec(query).all())


def may_mark_done(session: Session, f: Followup, member: Member | None) -> bool:
    """The responsible member, a member of the responsible region, or the secretariat."""
    if member is None or not member.active:
        return False
    if member.role == Role.secretariat:
        return True
    if f.member_id is not None:
        return member.id == f.member_id
    return member.region_id is not None and member.region_id == f.region_id and bool(
        set(meeting_group_ids(session, f.meeting_id)) & set(session.exec(
            select(Membership.group_id).where(Membership.member_id == member.id)).all()))


def responsible_choices(session: Session, meeting_id: int) -> list[tuple[str, str]]:
    """(value, title) for the card's list: the meeting's members and secretariat, then the
    regions they come from."""
    groups = meeting_group_ids(session, meeting_id)
    in_group = select(Membership.member_id).where(col(Membership.group_id).in_(groups))
    people = session.exec(select(Member).where(
        Member.active == True,  # noqa: E712
        (col(Member.id).in_(in_group)) | (Member.role == Role.secretariat))
        .order_by(col(Member.name))).all()
    region_ids = {m.region_id for m in people if m.region_id is not None}
    regions = session.exec(select(Region).where(col(Region.id).in_(region_ids))
                           .order_by(col(Region.name))).all() if region_ids else []
    return ([(f"m:{m.id}", m.name) for m in people]
            + [(f"r:{r.id}", f"Region: {r.name}") for r in regions])


# --- the minutes in agenda order (read by the referat export) ---------------------------

@dataclass
class ItemMinutes:
    """Everything the minutes hold for one agenda item."""

    item: AgendaItem
    notes: FieldState = field(default_factory=FieldState)
    decision: FieldState = field(default_factory=FieldState)
    followups: list[Followup] = field(default_factory=list)
    innspill_ids: list[int] = field(default_factory=list)
    round_ids: list[int] = field(default_factory=list)


def minutes_by_item(session: Session, meeting_id: int) -> list[ItemMinutes]:
    """Notes, decision, follow-ups and linked innspill sessions and rounds per agenda item,
    in agenda order (a handful of queries, whatever the agenda's length)."""
    out = {i.id: ItemMinutes(i) for i in items(session, meeting_id)}
    for r in session.execute(core_select(FIELD_T).where(FIELD_T.c.meeting_id == meeting_id)):
        state = FieldState(r.value, r.version, r.changed_by_member_id, r.changed_at)
        if r.agenda_item_id in out:
            setattr(out[r.agenda_item_id], r.field, state)
    for f in followups(session, meeting_id=meeting_id):
        if f.agenda_item_id in out:
            out[f.agenda_item_id].followups.append(f)
    ids = list(out)
    for sid, item_id in session.exec(select(InnspillSession.id, InnspillSession.agenda_item_id)
                                     .where(col(InnspillSession.agenda_item_id).in_(ids))
                                     .order_by(col(InnspillSession.id))).all():
        out[item_id].innspill_ids.append(sid or 0)
    for rid, item_id in session.exec(select(TalkRound.id, TalkRound.agenda_item_id)
                                     .where(col(TalkRound.agenda_item_id).in_(ids))
                                     .order_by(col(TalkRound.id))).all():
        out[item_id].round_ids.append(rid or 0)
    return list(out.values())


def link(session: Session, model: type[InnspillSession] | type[TalkRound], row_id: int,
         meeting_id: int, number: int) -> AgendaItem:
    """Tie an innspill session or a round to a meeting's agenda item; MinutesError if any is
    unknown."""
    row = session.get(model, row_id)
    if row is None:
        what = "innspill" if model is InnspillSession else "runde"
        raise MinutesError(f"Fant ingen {what} med id {row_id}.")
    item = agenda_item(session, meeting_id, number)
    row.meeting_id, row.agenda_item_id = meeting_id, item.id
    session.add(row)
    session.flush()
    return item

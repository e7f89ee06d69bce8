"""A member's data: the walker over every reference to a member, erasure, export, retention.

The walker is built from the SQLModel metadata (every foreign key to `member`), so a new
table cannot be forgotten, plus a registry of denormalised and JSON columns that hold a
member's id, AAD id or a copy of their name without a foreign key. Later features register
their columns with `register_reference` when their table module is imported.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import String, Table, Text, delete, func, or_, text, update
from sqlmodel import Session, SQLModel, col, select

from core.i18n import t
from storage import (  # noqa: F401  (every table registers itself on import)
    delivery_models,
    innspill_models,
    live_models,
    meeting_models,
    members_models,
    minutes_models,
    minutes_review_models,
    models,
    nomination_models,
    privacy_models,
    profile_models,
    round_models,
)
from storage.delivery import insert_ignore
from storage.delivery_models import Delivery, ScheduledJob
from storage.innspill_models import InnspillEntry, InnspillSession
from storage.meeting_models import Attendance, Meeting, Rsvp
from storage.members_models import MemberAlias
from storage.minutes_review_models import MinutesCorrection, MinutesVersion
from storage.models import AppSecret, AuditEntry, ConversationRef, Member, Membership, WorkingGroup
from storage.nomination_models import Nomination
from storage.privacy_models import ErasedMember, RetentionRule, RetentionRun
from storage.profile_models import ProfileChange, ProfileCheck
from storage.round_models import RoundPrewrite, RoundSlot

MEMBER_TABLE = "member"


@dataclass(frozen=True)
class MemberRef:
    """One column that can point at a member: `how` is fk, aad, ids_json or copy."""

    table: str
    column: str
    how: str


_REGISTERED: list[MemberRef] = []
# Tables whose rows are archive records (GDPR art. 17(3)(b)): the sweep leaves them alone.
_ARCHIVE: dict[str, str] = {}


def register_reference(table: str, column: str, how: str) -> None:
    """Register a column that holds a member's id, AAD id or a copy of their data, no FK."""
    if how not in ("aad", "ids_json", "copy"):
        raise ValueError(f"unknown reference kind {how!r}")
    ref = MemberRef(table, column, how)
    if ref not in _REGISTERED:
        _REGISTERED.append(ref)


def register_archive(table: str, where_sql: str) -> None:
    """Rows of `table` matching `where_sql` are archive records the erasure must not touch."""
    _ARCHIVE[table] = where_sql


register_reference("audit_log", "actor_aad_object_id", "aad")
register_reference("conversation_ref", "user_aad_object_id", "aad")
register_reference("delivery", "payload", "copy")
register_reference("scheduled_job", "args", "ids_json")
register_reference("round_slot", "member_ids", "ids_json")
register_reference("round_slot", "label", "copy")
register_reference("attendance", "name", "copy")
register_reference("attendance", "organisation", "copy")
register_reference("rsvp", "deputy_name", "copy")
register_reference("minutes_version", "markdown", "copy")
# An approved referat is the group's archive record (GDPR art. 17(3)(b)): names stay in it.
# Drafts and versions never approved are not: they are redacted (storage: _redact_drafts).
register_archive("minutes_version", "approved_at IS NOT NULL")
register_reference("member_alias", "name", "copy")
register_reference("member_candidate", "similar_ids", "ids_json")
register_reference("member_candidate", "name", "copy")
register_reference("member_candidate", "email", "copy")
# A non-member in a Teams meeting (event or attendance report): their AAD id or e-mail.
register_reference("attendance", "attendee_key", "copy")
# A nominee is not a member until approved: the nomination holds copies of their details.
register_reference("nomination", "name", "copy")
register_reference("nomination", "email", "copy")


def member_references(metadata: Any = None) -> list[MemberRef]:
    """Every place a member is referenced: each FK to `member`, then the registered columns."""
    meta = metadata or SQLModel.metadata
    found: list[MemberRef] = []
    for table in meta.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == MEMBER_TABLE and table.name != MEMBER_TABLE:
                found.append(MemberRef(table.name, fk.parent.name, "fk"))
    return found + list(_REGISTERED)


def string_columns(metadata: Any = None) -> list[tuple[Table, str]]:
    """Every string and text column of every table (what the erasure sweeps)."""
    meta = metadata or SQLModel.metadata
    return [(table, c.name) for table in meta.sorted_tables for c in table.columns
            if _is_text(c.type)]


def _is_text(kind: Any) -> bool:
    # SQLModel's AutoString is a TypeDecorator over String, not a String itself.
    return isinstance(kind, String | Text) or isinstance(getattr(kind, "impl", None), String)


def erased_name(member_id: int) -> str:
    """What an erased member is called from now on."""
    return t("storage.privacy.slettet_medlem", member_id=member_id)


def _salt(session: Session) -> str:
    row = session.get(AppSecret, "erasure_salt")
    if row is not None:
        return row.value
    insert_ignore(session, AppSecret, [{"name": "erasure_salt", "value": secrets.token_hex(16),
                                        "created_at": datetime.now(UTC)}])
    row = session.get(AppSecret, "erasure_salt")
    assert row is not None
    return row.value


def aad_hash(session: Session, aad_object_id: str) -> str:
    """The salted hash kept as a tombstone for an erased AAD id."""
    return hashlib.sha256((_salt(session) + aad_object_id.lower()).encode()).hexdigest()


def is_erased(session: Session, aad_object_id: str | None) -> bool:
    """True when this AAD id belongs to an erased person (roster sync and first contact skip)."""
    if not aad_object_id or session.get(AppSecret, "erasure_salt") is None:
        return False  # no one was ever erased: no salt, and no write on a first contact
    return session.get(ErasedMember, aad_hash(session, aad_object_id)) is not None


def forget_tombstone(session: Session, aad_object_id: str) -> None:
    """The person asked to be registered again: drop their tombstone."""
    row = session.get(ErasedMember, aad_hash(session, aad_object_id))
    if row is not None:
        session.delete(row)
        session.flush()


def identifiers(member: Member, aliases: Iterable[str] = ()) -> list[str]:
    """Every spelling of the member's name and e-mail that may be copied into other tables
    (with the spellings kept as aliases)."""
    out: set[str] = set()
    for v in (member.name, member.name_key, member.email, member.upn, *aliases):
        if v and len(v.strip()) >= 3:
            v = v.strip()
            out.update({v, v.lower(), v.casefold(), json.dumps(v)[1:-1]})
    for name in (member.name, *aliases):
        parts = name.split()
        if len(parts) >= 2:  # «Feltman, Anne» and «Feltman Anne»: other spellings of a name
            first, last = " ".join(parts[:-1]), parts[-1]
            out.update({f"{last}, {first}", f"{last} {first}"})
    return sorted(out, key=len, reverse=True)  # longest first, so a part never splits a whole


def account_ids(member: Member) -> list[str]:
    """The member's Entra and Teams ids: matched whole, never inside another id."""
    return [v for v in (member.aad_object_id, member.teams_user_id, member.upn, member.email)
            if v]


def authored_texts(session: Session, member_id: int) -> list[str]:
    """The free text the member wrote: comments, dietary needs, innspill, round updates."""
    texts: list[str] = []
    for rsvp in session.exec(select(Rsvp).where(Rsvp.member_id == member_id)):
        texts += [rsvp.comment, rsvp.dietary, rsvp.deputy_name]
    texts += list(session.exec(select(InnspillEntry.text).where(
        InnspillEntry.author_member_id == member_id)))
    texts += list(session.exec(select(RoundSlot.update_text).where(
        RoundSlot.updated_by_member_id == member_id)))
    texts += list(session.exec(select(RoundPrewrite.text).where(
        RoundPrewrite.member_id == member_id)))
    texts += list(session.exec(select(MinutesCorrection.text).where(
        MinutesCorrection.member_id == member_id)))
    return sorted({t.strip() for t in texts if t and len(t.strip()) >= 3}, key=len, reverse=True)


REDACTED = "[slettet]"


def _blank_authored(session: Session, member_id: int, name: str) -> None:
    session.execute(update(Rsvp).where(col(Rsvp.member_id) == member_id).values(
        comment="", dietary="", deputy_name=""))
    session.execute(update(InnspillEntry).where(
        col(InnspillEntry.author_member_id) == member_id).values(text=REDACTED, organisation=""))
    session.execute(update(RoundSlot).where(
        col(RoundSlot.updated_by_member_id) == member_id).values(update_text=REDACTED))
    session.execute(update(RoundPrewrite).where(
        col(RoundPrewrite.member_id) == member_id).values(text=REDACTED))
    session.execute(update(MinutesCorrection).where(
        col(MinutesCorrection.member_id) == member_id).values(text=REDACTED))
    session.execute(update(Attendance).where(col(Attendance.member_id) == member_id).values(
        name=name, organisation=""))
    session.execute(update(Delivery).where(col(Delivery.member_id) == member_id).values(
        payload="{}", error=""))
    # Nothing is sent to them again: their conversation references and pending jobs go.
    session.execute(delete(ConversationRef).where(col(ConversationRef.member_id) == member_id))
    session.execute(update(Delivery).where(col(Delivery.member_id) == member_id,
                                           col(Delivery.status) == "pending").values(
        status="cancelled"))


def _redact_drafts(session: Session, needles: Iterable[str]) -> None:
    """Unapproved referat versions that name the person lose their Word bytes (the sweep
    then redacts their Markdown); approved ones are archive records and stay as they are."""
    for needle in needles:
        session.execute(update(MinutesVersion).where(
            col(MinutesVersion.approved_at).is_(None),
            col(MinutesVersion.markdown).contains(needle, autoescape=True))
            .values(docx=b"", redacted=True))


def _copy_columns() -> set[tuple[str, str]]:
    return {(r.table, r.column) for r in member_references() if r.how == "copy"}


def _sweep(session: Session, needles: Iterable[str], replacement: str,
           skip: set[str], only: set[tuple[str, str]] | None = None) -> None:
    """Replace every needle in every string column (or only those in `only`) but `skip`."""
    for table, column in string_columns():
        if table.name in skip or (only is not None and (table.name, column) not in only):
            continue
        c = table.c[column]
        archive = _ARCHIVE.get(table.name)
        for needle in needles:
            stmt = update(table).where(c.contains(needle, autoescape=True)).values(
                {column: func.replace(c, needle, replacement)})
            if archive:  # a text clause cannot be negated by not_(): the SQL says NOT itself
                stmt = stmt.where(text(f"NOT ({archive})"))
            session.execute(stmt)


def _sweep_ids(session: Session, ids: list[str], skip: set[str]) -> None:
    """An id equal to a whole column value is cleared; inside JSON only as a quoted string
    (29:user-3 must not touch 29:user-30)."""
    for table, column in string_columns():
        if table.name in skip:
            continue
        c = table.c[column]
        length = getattr(c.type, "length", None)
        if length is not None and length < len(REDACTED):
            # A code column (working_group.language is VARCHAR(5)) never holds an account id,
            # and PostgreSQL refuses the too-long constant at planning, even when no row matches.
            continue
        for value in ids:
            quoted = json.dumps(value)
            session.execute(update(table).where(c == value).values({column: REDACTED}))
            session.execute(update(table).where(c.contains(quoted, autoescape=True)).values(
                {column: func.replace(c, quoted, json.dumps(REDACTED))}))


def _clear_aad(session: Session, aad: str | None) -> None:
    if not aad:
        return
    for ref in member_references():
        if ref.how != "aad":
            continue
        table = SQLModel.metadata.tables[ref.table]
        session.execute(update(table).where(table.c[ref.column] == aad).values(
            {ref.column: None}))


def erase(session: Session, member_id: int, now: datetime) -> list[str]:
    """Erase a person everywhere the walker finds them; returns the kinds of data removed."""
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(member_id)
    # A duplicate merged into this member is the same person: erased with them.
    for stub in session.exec(select(Member.id).where(Member.merged_into_id == member_id)).all():
        if stub is not None and stub != member_id:
            erase(session, stub, now)
    name = erased_name(member_id)
    aliases = list(session.exec(select(MemberAlias.name).where(
        MemberAlias.member_id == member_id)))
    session.execute(delete(MemberAlias).where(col(MemberAlias.member_id) == member_id))
    names, texts = identifiers(member, aliases), authored_texts(session, member_id)
    kinds = ["registeropplysninger"]
    if session.exec(select(Rsvp.id).where(Rsvp.member_id == member_id)).first():
        kinds.append("svar")
    if session.exec(select(InnspillEntry.id).where(
            InnspillEntry.author_member_id == member_id)).first():
        kinds.append("innspill")
    if session.exec(select(RoundSlot.id).where(
            RoundSlot.updated_by_member_id == member_id)).first():
        kinds.append("runden")
    if session.exec(select(Delivery.id).where(Delivery.member_id == member_id)).first():
        kinds.append("utsendinger")
    if member.aad_object_id:
        insert_ignore(session, ErasedMember, [{
            "aad_hash": aad_hash(session, member.aad_object_id),
            "member_number": member_id, "erased_at": now}])
    if session.exec(select(MinutesCorrection.id).where(
            MinutesCorrection.member_id == member_id)).first():
        kinds.append("rettelser")
    _redact_drafts(session, [*names, *texts])
    _blank_authored(session, member_id, name)
    _clear_aad(session, member.aad_object_id)
    skip = {MEMBER_TABLE, "erased_member", "app_secret", "alembic_version"}
    _sweep_ids(session, account_ids(member), skip)
    _sweep(session, names, REDACTED, skip)
    # Their texts only where copies live: the same words in another member's own answer stay.
    _sweep(session, texts, REDACTED, skip, only=_copy_columns())
    cancel_jobs_for(session, member_id, now)
    member.name, member.name_key = name, name.casefold()
    member.organisation = ""
    member.email = member.upn = member.aad_object_id = None
    member.teams_user_id = member.tenant_id = None
    member.active = member.reachable = False
    member.language = None
    member.updated_at = now
    session.add(member)
    session.flush()
    return kinds


def export(session: Session, member_id: int) -> dict[str, Any]:
    """Everything the bot holds about a member, as plain JSON (fields: docs/personvern.md)."""
    member = session.get(Member, member_id)
    if member is None:
        raise LookupError(member_id)
    groups = list(session.exec(select(WorkingGroup.name).join(
        Membership, col(Membership.group_id) == WorkingGroup.id).where(
        Membership.member_id == member_id)))
    titles = dict(session.exec(select(Meeting.id, Meeting.title)).all())

    def when(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "format": "faggruppe-bot/mine-data/1",
        "medlem": {"id": member.id, "navn": member.name, "organisasjon": member.organisation,
                   "epost": member.email, "telefon": member.phone,
                   "fast_vara": member.deputy_member_id,
                   "andre_stavemater": list(session.exec(select(MemberAlias.name).where(
                       MemberAlias.member_id == member_id))),
                   "upn": member.upn, "aad_object_id": member.aad_object_id,
                   "teams_id": member.teams_user_id, "rolle": str(member.role),
                   "aktiv": member.active, "sprak": member.language,
                   "registrert": when(member.created_at)},
        "grupper": groups,
        "svar": [{"mote_id": r.meeting_id, "mote": titles.get(r.meeting_id, ""),
                  "svar": str(r.answer), "kommentar": r.comment, "kost": r.dietary,
                  "stedfortreder": r.deputy_name, "svart": when(r.answered_at)}
                 for r in session.exec(select(Rsvp).where(Rsvp.member_id == member_id))],
        "oppmote": [{"mote_id": a.meeting_id, "mote": titles.get(a.meeting_id, ""),
                     "kilde": a.source, "tid": when(a.checked_in_at),
                     "inn": when(a.first_join_at), "ut": when(a.last_leave_at),
                     "sekunder": a.seconds_present}
                    for a in session.exec(select(Attendance).where(
                        Attendance.member_id == member_id))],
        "innspill": [{"okt_id": e.session_id, "sporsmal": e.question_no, "tekst": e.text,
                      "skjult": e.hidden}
                     for e in session.exec(select(InnspillEntry).where(
                         InnspillEntry.author_member_id == member_id))],
        "runden": [{"runde_id": s.round_id, "tekst": s.update_text, "tid": when(s.spoke_at)}
                   for s in session.exec(select(RoundSlot).where(
                       RoundSlot.updated_by_member_id == member_id))],
        "rettelser": [{"mote_id": c.meeting_id, "versjon": c.version, "tekst": c.text,
                       "tid": when(c.created_at)}
                      for c in session.exec(select(MinutesCorrection).where(
                          MinutesCorrection.member_id == member_id))],
        "egne_endringer": [{"felt": c.fields, "tid": when(c.changed_at)}
                           for c in session.exec(select(ProfileChange).where(
                               ProfileChange.member_id == member_id))],
        "arlig_kontroll": [{"ar": c.year, "spurt": when(c.asked_at),
                            "paminnet": when(c.reminded_at), "bekreftet": when(c.confirmed_at),
                            "hvordan": c.confirmed_how}
                           for c in session.exec(select(ProfileCheck).where(
                               ProfileCheck.member_id == member_id))],
        "utsendinger": [{"formal": d.purpose, "emne": d.subject, "status": d.status,
                         "opprettet": when(d.created_at), "sendt": when(d.sent_at)}
                        for d in session.exec(select(Delivery).where(
                            Delivery.member_id == member_id))],
        "nominasjoner": [{"id": n.id, "gruppe_id": n.group_id, "navn": n.name, "epost": n.email,
                          "organisasjon": n.organisation, "rolle_der": n.role_there,
                          "status": str(n.status), "begrunnelse": n.reason,
                          "nominert_av_deg": n.nominator_member_id == member_id,
                          "erstatter_deg": n.replaces_member_id == member_id,
                          "mottatt": when(n.created_at), "avgjort": when(n.decided_at)}
                         for n in session.exec(select(Nomination).where(
                             (col(Nomination.nominator_member_id) == member_id)
                             | (col(Nomination.member_id) == member_id)
                             | (col(Nomination.replaces_member_id) == member_id)))],
        "merknad": t("storage.privacy.helt_anonyme_innspill"),
    }


# Retention: data kind -> default days (docs/personvern.md lists them).
DEFAULT_DAYS: dict[str, int] = {
    "ledger": 90,          # delivery ledger and payloads, after the meeting (else the row)
    "conversations": 30,   # conversation references of users who uninstalled the bot
    "rsvp": 30,            # RSVP comments and dietary needs, after the meeting
    "innspill": 730,       # authorship of named innspill (24 months)
    "audit": 1825,         # the audit log (5 years)
    "attendees": 365,      # non-members in a Teams meeting (name, AAD id/e-mail), after it
    "nominations": 365,    # decided nominations (the nominee's details, a reason), after it
    "profile_changes": 90,  # which of their own details a member changed, and when
}


def rules(session: Session) -> dict[str, int]:
    """Every kind's retention in days: the stored value, else the default."""
    stored = {r.kind: r.days for r in session.exec(select(RetentionRule))}
    return {kind: stored.get(kind, days) for kind, days in DEFAULT_DAYS.items()}


def set_rule(session: Session, kind: str, days: int, now: datetime) -> None:
    """Store one kind's retention (shared by every instance through the database)."""
    if kind not in DEFAULT_DAYS:
        raise KeyError(kind)
    row = session.get(RetentionRule, kind) or RetentionRule(kind=kind, days=days)
    row.days, row.updated_at = days, now
    session.add(row)
    session.flush()


def _meeting_ended_before(cutoff: datetime) -> Any:
    ended = func.coalesce(Meeting.ends_at, Meeting.starts_at)
    return select(Meeting.id).where(ended != None, ended < cutoff)  # noqa: E711


def _ledger_counted_from() -> Any:
    """When a ledger row's retention starts: its meeting's end, else when it was written."""
    meeting_end = (select(func.coalesce(Meeting.ends_at, Meeting.starts_at))
                   .where(col(Meeting.id) == Delivery.meeting_id).scalar_subquery())
    return func.coalesce(meeting_end, Delivery.created_at)


def _due_filters(now: datetime, days: dict[str, int]) -> dict[str, tuple[Any, Any]]:
    cut = {k: now - timedelta(days=d) for k, d in days.items()}
    return {
        "ledger": (Delivery, _ledger_counted_from() < cut["ledger"]),
        "conversations": (ConversationRef, (col(ConversationRef.installed) == False)  # noqa: E712
                          & (col(ConversationRef.removed_at) < cut["conversations"])),
        "rsvp": (Rsvp, col(Rsvp.meeting_id).in_(_meeting_ended_before(cut["rsvp"]))
                 & or_(col(Rsvp.comment) != "", col(Rsvp.dietary) != "")),
        "innspill": (InnspillEntry, col(InnspillEntry.author_member_id).is_not(None)
                     & col(InnspillEntry.session_id).in_(select(InnspillSession.id).where(
                         col(InnspillSession.updated_at) < cut["innspill"]))),
        "audit": (AuditEntry, col(AuditEntry.at) < cut["audit"]),
        "attendees": (Attendance, col(Attendance.attendee_key).is_not(None)
                      & col(Attendance.meeting_id).in_(_meeting_ended_before(cut["attendees"]))),
        "nominations": (Nomination, (col(Nomination.status) != "submitted")
                        & (col(Nomination.decided_at) < cut["nominations"])),
        "profile_changes": (ProfileChange,
                            col(ProfileChange.changed_at) < cut["profile_changes"]),
    }


def due(session: Session, now: datetime) -> dict[str, int]:
    """How many rows of each kind the rules would remove (or strip) if run at `now`."""
    out: dict[str, int] = {}
    for kind, (model, where) in _due_filters(now, rules(session)).items():
        out[kind] = session.exec(select(func.count()).select_from(model).where(where)).one()
    return out


def apply_retention(session: Session, now: datetime, day: str) -> dict[str, int]:
    """Apply every rule once for `day`; a second run for the same day does nothing."""
    if session.exec(select(RetentionRun.id).where(RetentionRun.day == day)).first():
        return {}
    done: dict[str, int] = {}
    for kind, (model, where) in _due_filters(now, rules(session)).items():
        if kind == "rsvp":
            stmt: Any = update(model).where(where).values(comment="", dietary="")
        elif kind == "innspill":
            stmt = update(model).where(where).values(author_member_id=None, organisation="")
        else:
            stmt = delete(model).where(where)
        done[kind] = session.execute(stmt).rowcount or 0  # type: ignore[attr-defined]
    # The unique day makes a concurrent second run fail instead of repeating the work.
    session.add(RetentionRun(day=day, at=now, deleted=json.dumps(done)))
    session.flush()
    return done


def last_run(session: Session) -> RetentionRun | None:
    """The latest retention run."""
    return session.exec(select(RetentionRun).order_by(col(RetentionRun.at).desc())).first()


def cancel_jobs_for(session: Session, member_id: int, now: datetime) -> int:
    """Pending scheduled jobs whose args name this member are cancelled (nothing is sent)."""
    n = 0
    for job in session.exec(select(ScheduledJob).where(ScheduledJob.status == "pending")):
        try:
            args = json.loads(job.args)
        except ValueError:
            continue
        if isinstance(args, dict) and args.get("member_id") == member_id:
            job.status, job.finished_at, job.args = "cancelled", now, "{}"
            session.add(job)
            n += 1
    return n

"""Minutes taken during the meeting (use cases): the referent's card and its presses,
notes and decisions from the CLI, follow-ups and their reminders, «Ferdig»."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from cards.actions import (
    FollowupDoneAction,
    MinutesApproveAction,
    MinutesFollowupAction,
    MinutesGoAction,
    MinutesPress,
)
from cards.common import Card, attachment
from cards.minutes import (
    Draft,
    FieldView,
    FollowupLine,
    ReferentView,
    ReminderView,
    build_followup_reminder_card,
)
from core.dates import DateTextError, parse_date
from core.i18n import t
from core.links import LinkSigner
from core.timefmt import date_long, day_long, span, to_oslo
from delivery.sendout import enqueue, enqueue_drawn
from domain.minutes import (
    WHAT_LIMIT,
    MinutesError,
    approval_decision,
    changed_fields,
    check_length,
    field_name,
    fingerprint,
    normalise,
    reminder_time,
)
from domain.rules import DEFAULT_RULES
from scheduler import store
from scheduler.store import Jobs, register
from services import minutes_review
from storage import audit
from storage import minutes as repo
from storage.delivery_models import ScheduledJob
from storage.innspill_models import InnspillSession
from storage.meeting_models import AgendaItem, AgendaKind, Meeting, MeetingGroup, MeetingStatus
from storage.meetings import meeting_rules
from storage.minutes import FieldState, Responsible
from storage.minutes_models import Followup, FollowupStatus
from storage.models import Member
from storage.round_models import TalkRound

# --- follow-up reminders: once to the member, or to each active member of the region, never
# for a follow-up already done -------------------------------------------------------------

KIND = "followup_reminder"
PURPOSE = "reminder:followup"


def subject(followup_id: int) -> str:
    """The ledger subject and job key of one follow-up's reminder."""
    return f"followup:{followup_id}"


def reminder_view(session: Session, f: Followup, notice: str = "") -> ReminderView:
    """What the reminder card shows, from the database."""
    meeting = session.get(Meeting, f.meeting_id)
    item = session.get(AgendaItem, f.agenda_item_id)
    when = date_long(meeting.starts_at) if meeting and meeting.starts_at else ""
    title = meeting.title if meeting else "?"
    who = repo.responsible_label(session, f)
    return ReminderView(
        f.id or 0, f.what, f"{title}, {when}" if when else title,
        f"Sak {item.number}: {item.title}" if item else "?", day_long(f.due_date),
        who if f.member_id is not None else f"region {who}", notice,
        f.status == FollowupStatus.done)


def reminder_activity(session: Session, f: Followup) -> dict[str, Any]:
    """The 1:1 message: the reminder card with «Ferdig»."""
    text = t("minutes.service.paminnelse_har_frist", what=f.what[:80],
             day_long=day_long(f.due_date))
    return {"type": "message", "text": text, "summary": text,
            "attachments": [attachment(build_followup_reminder_card(reminder_view(session, f)))]}


def remind_followup(session: Session, now: datetime, *, followup_id: int) -> None:
    """Job function: queue the reminder for whoever is responsible, unless it is done."""
    f = session.get(Followup, followup_id)
    if f is None or f.status != FollowupStatus.open:
        return
    essential = DEFAULT_RULES[KIND].essential
    for member in repo.responsible_members(session, f):
        enqueue_drawn(session, PURPOSE, subject(followup_id), member.id or 0,
                      lambda: reminder_activity(session, f), now, essential=essential,
                      meeting_id=f.meeting_id)


def cancel_reminder(session: Session, followup_id: int, now: datetime) -> None:
    """A done follow-up's reminder leaves the queue (the row stays, marked cancelled)."""
    job = session.exec(select(ScheduledJob).where(
        ScheduledJob.kind == KIND, ScheduledJob.key == subject(followup_id),
        ScheduledJob.status == "pending")).first()
    if job is not None:
        job.status, job.finished_at = "cancelled", now
        session.add(job)


def register_jobs(jobs: Jobs, links: LinkSigner) -> None:  # noqa: ARG001
    """The minutes feature's scheduled job: the follow-up reminder."""
    register(jobs, KIND, remind_followup)


# One press on the referent's card is the card's own typed action (cards/actions.py): where
# it was, what each field was drawn with, what is typed (None: the client did not send it).
Press = MinutesPress


def _who_name(session: Session, member_id: int | None) -> str:
    if member_id is None:
        return "kommandolinjen"
    member = session.get(Member, member_id)
    return member.name if member else "?"


def _last_change(session: Session, state: FieldState) -> str:
    if state.version == 0 or state.changed_at is None:
        return t("minutes.service.ikke_skrevet_enna")
    return t("minutes.service.sist_endret_av",
             who_name=_who_name(session,
                                state.changed_by_member_id), changed_at=span(state.changed_at))


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise MinutesError(t("minutes.service.fant_ikke_mote", meeting_id=meeting_id))
    return meeting


def _item_of(session: Session, meeting_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting_id:
        raise MinutesError(t("minutes.service.fant_ikke_saken"))
    return item


def _when(meeting: Meeting) -> str:
    if meeting.starts_at is None:
        return meeting.date_text or t("minutes.service.dato_kommer")
    return span(meeting.starts_at, meeting.ends_at)


def referent_view(session: Session, meeting_id: int, item_id: int | None = None, *,
                  notice: str = "", problem: bool = False, replaced: list[str] | None = None,
                  typed: Press | None = None) -> ReferentView:
    """The card for one agenda item as stored now; with `typed`, the inputs keep what was
    typed and the drawn fingerprints stay those of the card that was pressed."""
    meeting = _meeting(session, meeting_id)
    agenda = repo.items(session, meeting_id)
    if not agenda:
        raise MinutesError(t("minutes.service.mote_har_ikke", meeting_id=meeting_id))
    item = next((i for i in agenda if i.id == item_id), None) or agenda[0]
    states = repo.field_states(session, item.id or 0)
    fields = {}
    for name, state in states.items():
        value, drawn_hash, version = state.value, None, state.version
        if typed is not None:
            typed_value = getattr(typed, name)
            value = normalise(typed_value) if typed_value is not None else state.value
            drawn_hash = getattr(typed, f"h_{name}")
            version = getattr(typed, f"v_{name}")
        fields[name] = FieldView(value, version, _last_change(session, state), drawn_hash)
    lines = [FollowupLine(f.id or 0, f.what, repo.responsible_label(session, f),
                          day_long(f.due_date), f.status == FollowupStatus.done)
             for f in repo.followups(session, agenda_item_id=item.id)]
    linked = [t("minutes.service.innspill_id",
                id=i) for i in session.exec(select(InnspillSession.id).where(
        InnspillSession.agenda_item_id == item.id)).all()]
    linked += [t("minutes.service.runde_id", id=i) for i in session.exec(select(TalkRound.id).where(
        TalkRound.agenda_item_id == item.id)).all()]
    draft = Draft(typed.fu_what, typed.fu_who, typed.fu_due) if typed and problem else Draft()
    return ReferentView(
        meeting.id or 0, meeting.title, _when(meeting), item.id or 0, item.number, item.title,
        str(item.kind), agenda.index(item) + 1, [(i.id or 0, i.number, i.title) for i in agenda],
        notes=fields["notes"], decision=fields["decision"],
        approval_text=approval_decision(item.title) if item.kind == AgendaKind.approval else "",
        followups=lines, choices=repo.responsible_choices(session, meeting_id), draft=draft,
        linked=linked, notice=notice, problem=problem, replaced=replaced or [])


def open_card(session: Session, meeting_id: int, member_id: int | None,
              now: datetime) -> ReferentView:
    """The referent's card where the meeting's card was last (else the first item)."""
    current = repo.cursor_item(session, meeting_id)
    view = referent_view(session, meeting_id, current)
    repo.move_cursor(session, meeting_id, view.item_id, member_id, now)
    return view


def _due(text: str, now: datetime) -> date:
    try:
        due = parse_date(text)
    except DateTextError as exc:
        raise MinutesError(f"Fristen: {exc}") from None
    if due < to_oslo(now).date():
        raise MinutesError(t("minutes.service.fristen_har_allerede", due=due))
    return due


def _what(text: str) -> str:
    what = " ".join(text.split())
    if not what:
        raise MinutesError(t("minutes.service.skriv_hva_som"))
    if len(what) > WHAT_LIMIT:
        raise MinutesError(t("minutes.service.oppfolgingspunktet_er_for", what_count=len(what),
                             WHAT_LIMIT=WHAT_LIMIT))
    return what


def press(session: Session, data: Press, member: Member, now: datetime,
          links: LinkSigner | None = None) -> ReferentView:
    """Save what changed on the pressed card, add a typed follow-up, then show the item the
    press asks for. Everything is checked first: a refused press stores nothing and the
    card keeps what was typed. «Vedtak: godkjent» on the item that approves an earlier
    referat approves its version under høring (and sends it to everyone)."""
    meeting = _meeting(session, data.meeting_id)
    item = _item_of(session, meeting.id or 0, data.item_id)
    drawn = {"notes": data.h_notes or fingerprint(""),
             "decision": data.h_decision or fingerprint("")}
    changes = changed_fields(drawn, {"notes": data.notes, "decision": data.decision})
    if data.verb == MinutesApproveAction.verb:
        if item.kind != AgendaKind.approval:
            return referent_view(session, meeting.id or 0, item.id, typed=data, problem=True,
                                 notice=t("minutes.service.saken_er_ikke"))
        changes["decision"] = approval_decision(item.title)
    try:
        for name, value in changes.items():
            check_length(name, value)
        new_followup = None
        if data.verb == MinutesFollowupAction.verb or data.fu_what.strip():
            new_followup = (_what(data.fu_what), repo.resolve_responsible(session, data.fu_who),
                            _due(data.fu_due, now))
        target = _target(session, meeting.id or 0, item, data)
        approving = (minutes_review.approval_for(session, item, now)
                     if data.verb == MinutesApproveAction.verb else None)
    except MinutesError as exc:
        return referent_view(session, meeting.id or 0, item.id, typed=data, problem=True,
                             notice=str(exc))
    replaced = []
    for name, value in changes.items():
        written = repo.write_field(session, meeting.id or 0, item.id or 0, name, value,
                                   drawn_version=getattr(data, f"v_{name}"),
                                   member_id=member.id, now=now)
        if written.replaced_value and written.replaced_value != value:
            replaced.append(t("minutes.service.skrev_etter_at",
                              who_name=_who_name(session, written.replaced_by_member_id),
                              FIELD_NAMES=field_name(name),
                              replaced_value=written.replaced_value[:1500]))
    said = [field_name(n).lower() for n in changes]
    if approving is not None and links is not None:
        count = minutes_review.approve(session, approving, item, member.id, now, links)
        said.append(t("minutes.service.referatet_godkjent", version=approving.version,
                      count=count))
    if new_followup is not None:
        f = add_followup(session, item, *new_followup, created_by=member.id, now=now)
        said.append(t("minutes.service.oppfolgingspunkt", id=f.id))
    if said:
        audit.record(session, action=data.verb, actor_member_id=member.id,
                     actor_aad_object_id=member.aad_object_id,
                     target=f"meeting:{meeting.id}:item:{item.number}", detail=", ".join(said))
    repo.move_cursor(session, meeting.id or 0, target, member.id, now)
    notice = t("minutes.service.lagret_sak", number=item.number,
               said=', '.join(said)) if said else ""
    return referent_view(session, meeting.id or 0, target, notice=notice, replaced=replaced)


def _target(session: Session, meeting_id: int, here: AgendaItem, data: Press) -> int:
    wanted = data.to
    if data.verb == MinutesGoAction.verb and wanted is None:
        wanted = int(data.goto) if data.goto.strip().isdigit() else None
    if data.verb != MinutesGoAction.verb or wanted is None:
        return here.id or 0
    return _item_of(session, meeting_id, wanted).id or 0


def add_followup(session: Session, item: AgendaItem, what: str, who: Responsible, due: date,
                 *, created_by: int | None, now: datetime) -> Followup:
    """Store a follow-up and put its reminder in the scheduler's queue."""
    f = repo.add_followup(session, item, what, who, due, created_by=created_by, now=now)
    rule = meeting_rules(session, item.meeting_id)[KIND]
    when, last = reminder_time(due, rule.days_before, rule.at, now)
    store.schedule(session, KIND, subject(f.id or 0),
                   {"followup_id": f.id}, when, last, now,
                   description=t("minutes.service.paminnelse_om_oppfolgingspunkt", id=f.id))
    return f


# --- the CLI's verbs ---------------------------------------------------------------------

def write_note(session: Session, meeting_id: int, number: int, *, text: str | None,
               decision: str | None, append: bool, now: datetime) -> list[str]:
    """`minutes note`: replace (or append to) the notes and/or replace the decision."""
    if text is None and decision is None:
        raise MinutesError(t("minutes.service.oppgi_text_og"))
    if append and text is None:
        raise MinutesError(t("minutes.service.append_legger_til"))
    item = repo.agenda_item(session, meeting_id, number)
    values = {k: normalise(v).strip() for k, v in (("notes", text), ("decision", decision))
              if v is not None}
    for name, value in values.items():
        check_length(name, value)
    done = []
    if "notes" in values and append:
        repo.append_notes(session, meeting_id, item.id or 0, values.pop("notes"),
                          member_id=None, now=now)
        done.append(t("minutes.service.notater_lagt_til"))
    for name, value in values.items():
        repo.write_field(session, meeting_id, item.id or 0, name, value, drawn_version=None,
                         member_id=None, now=now)
        done.append(field_name(name).lower())
    audit.record(session, action="minutes.note", target=f"meeting:{meeting_id}:item:{number}",
                 detail=f"cli: {', '.join(done)}")
    return done


def cli_followup(session: Session, meeting_id: int, number: int, *, what: str, who: str,
                 due: str, now: datetime) -> Followup:
    """`minutes followup`: a new follow-up, checked as on the card."""
    item = repo.agenda_item(session, meeting_id, number)
    f = add_followup(session, item, _what(what), repo.resolve_responsible(session, who),
                     _due(due, now), created_by=None, now=now)
    audit.record(session, action=MinutesFollowupAction.verb, target=f"followup:{f.id}",
                 detail=f"cli: meeting:{meeting_id}:item:{number}")
    return f


def finish(session: Session, followup_id: int, member: Member | None, now: datetime,
           *, by_cli: bool = False) -> tuple[Followup, bool]:
    """«Ferdig» / `followups done`: (the follow-up, whether this call marked it done).

    From Teams only the responsible (member, or a member of the region) or an active
    secretariat member may; MinutesError otherwise.
    """
    f = session.get(Followup, followup_id)
    if f is None:
        raise MinutesError(t("minutes.service.fant_ikke_oppfolgingspunkt", followup_id=followup_id))
    if not by_cli and not repo.may_mark_done(session, f, member):
        audit.record(session, action=FollowupDoneAction.verb, outcome="refused",
                     actor_member_id=member.id if member else None,
                     target=f"followup:{followup_id}")
        raise MinutesError(t("minutes.reply.bare_den_ansvarlige"))
    changed = repo.mark_done(session, followup_id, member.id if member else None, now)
    if changed:
        cancel_reminder(session, followup_id, now)
        audit.record(session, action=FollowupDoneAction.verb, target=f"followup:{followup_id}",
                     actor_member_id=member.id if member else None,
                     detail="cli" if by_cli else "")
    session.refresh(f)
    return f, changed


def reminder_card_view(session: Session, f: Followup, notice: str = "") -> ReminderView:
    """The follow-up reminder card's view (the same card the reminder was sent with)."""
    return reminder_view(session, f, notice)


def queue_personal_card(session: Session, member_id: int, meeting_id: int, card: Card,
                        text: str, now: datetime) -> None:
    """The referent's card 1:1 through the delivery ledger (asked for in a channel)."""
    activity = {"type": "message", "text": text, "summary": text,
                "attachments": [attachment(card)]}
    # A new subject per request: asking again later must send a fresh card, not be deduplicated.
    enqueue(session, "minutes_card", f"minutes:{meeting_id}:{now.isoformat()}", member_id,
            activity, now, meeting_id=meeting_id)


def status_lines(session: Session, meeting_id: int) -> list[str]:
    """Open follow-ups for the secretariat's status card: «#3 Sende presentasjonene – Mari
    Strømsvåg, frist fredag 4. desember 2026 (sak 4)»."""
    numbers = {i.id: i.number for i in repo.items(session, meeting_id)}
    return [t("minutes.service.frist_sak", id=f.id, what=f.what,
              responsible_label=repo.responsible_label(session, f),
              day_long=day_long(f.due_date), get=numbers.get(f.agenda_item_id, "?"))
            for f in repo.followups(session, meeting_id=meeting_id, open_only=True)]


# --- innspill and round forms: which agenda item to propose ------------------------------

@dataclass(frozen=True)
class ItemChoice:
    meeting: Meeting | None
    choices: list[tuple[str, str]]  # (agenda item id, «3. Diskusjon …»)
    proposed: str  # an agenda item id, or ""


def item_choice(session: Session, group_id: int | None, now: datetime,
                kind: AgendaKind) -> ItemChoice:
    """The agenda items of the group's meeting today (else its next one) for a form, with
    the item to propose: where the referent's card is while the meeting is today, else the
    first item of `kind` (workshop for innspill, round for a round)."""
    query = (select(Meeting).join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
             .where(MeetingGroup.group_id == group_id, col(Meeting.starts_at).is_not(None),
                    Meeting.status != MeetingStatus.cancelled)
             .order_by(col(Meeting.starts_at)))
    today = to_oslo(now).date()
    meeting = next((m for m in session.exec(query) if m.starts_at is not None
                    and to_oslo(m.starts_at).date() >= today), None)
    if meeting is None:
        return ItemChoice(None, [], "")
    agenda = repo.items(session, meeting.id or 0)
    proposed: int | None = None
    if meeting.starts_at is not None and to_oslo(meeting.starts_at).date() == today:
        proposed = repo.cursor_item(session, meeting.id or 0)
    if proposed is None:
        proposed = next((i.id for i in agenda if i.kind == kind), None)
    return ItemChoice(meeting, [(str(i.id), f"{i.number}. {i.title}") for i in agenda],
                      str(proposed) if proposed else "")


def chosen_item(session: Session, value: str) -> AgendaItem | None:
    """The agenda item a form's choice names (None for «ingen» or anything unknown)."""
    return session.get(AgendaItem, int(value)) if value.strip().isdigit() else None


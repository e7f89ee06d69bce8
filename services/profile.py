"""Members keep their own details: the form's save (audited, and the year's confirmation),
the secretariat's digest at 08:00 on working days, the yearly check and its one reminder.

One daily job (`profile_daily`, one row per Oslo working day, 08:00) does both: the digest
tells each active secretariat member of a changed member's groups what changed since the
last digest (nothing changed: nothing sent), and the check asks every active member whose
day has come, once a year, reminding after three weeks those who have not confirmed. The
database says who was asked, reminded and told; the ledger key makes each message once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from cards.common import attachment
from cards.profile import (
    CheckView,
    Details,
    DigestLine,
    DigestView,
    FormView,
    build_profile_check_card,
    build_profile_digest_card,
    field_labels,
)
from core.i18n import t
from core.links import LinkSigner
from core.timefmt import clock, day_long, weekday_date
from delivery.sendout import enqueue_drawn
from domain import profile as rules
from domain.members import FieldError
from domain.profile import Typed, fields_of, fields_text
from domain.rules import rules_from_json
from scheduler.store import Jobs, register, schedule
from services.members import MemberFields, edit_member
from storage import audit
from storage import profile as repo
from storage.db import session_scope
from storage.members import find_by_email
from storage.models import Member

KIND = "profile_daily"
PURPOSE_DIGEST = "profile_digest"
PURPOSE_CHECK = "profile_check"
PURPOSE_REMINDER = "profile_check_reminder"
GRACE = timedelta(days=7)  # a run missed while the service was down still goes this late


def _deputy_label(member: Member) -> str:
    return f"{member.name} ({member.organisation})" if member.organisation else member.name


def details(session: Session, member: Member) -> Details:
    """The member's details as the cards show them (the deputy by name)."""
    deputy = session.get(Member, member.deputy_member_id) if member.deputy_member_id else None
    return Details({"name": member.name, "organisation": member.organisation,
                    "email": member.email or "", "phone": member.phone or "",
                    "deputy": deputy.name if deputy else ""})


def form_view(session: Session, member: Member, typed: Typed | None = None,
              error: str = "") -> FormView:
    """The form with the stored values, or with what was typed when it was refused."""
    deputies = [(m.id or 0, _deputy_label(m)) for m in repo.deputy_choices(session, member.id or 0)]
    if typed is None:
        values = {"name": member.name, "organisation": member.organisation,
                  "email": member.email or "", "phone": member.phone or "",
                  "deputy": str(member.deputy_member_id or 0)}
    else:
        values = {k: getattr(typed, k) or "" for k in rules.FIELDS}
    return FormView(values=values, deputies=deputies, error=error)


def save_own(session: Session, member: Member, typed: Typed, now: datetime) -> list[str]:
    """Save what the member typed (FieldError/RegistryError: nothing changed); the changed
    fields. The change is audited and kept for the digest, and counts as this year's check."""
    assert member.id is not None
    # The deputy stored now stays allowed, even after they left the member's groups.
    allowed = [m.id or 0 for m in repo.deputy_choices(session, member.id)]
    allowed += [member.deputy_member_id] if member.deputy_member_id else []
    checked = rules.check(typed, allowed)
    # Checked before anything is set: edit_member changes the row field by field, and a
    # refusal half-way would leave the turn's session with the first fields changed.
    if checked.email and any(m.id != member.id for m in find_by_email(session, checked.email)):
        raise FieldError(t("members.registry.eposten_er_i_bruk", email=checked.email))
    fields = MemberFields(name=checked.name, organisation=checked.organisation,
                          email=checked.email, phone=checked.phone,
                          deputy_member_id=checked.deputy)
    changed = edit_member(session, member, fields, now=now, actor="selv",
                          actor_member_id=member.id)
    if changed:
        repo.record_change(session, member.id, fields_text(changed), now)
    repo.confirm(session, member.id, rules.oslo_day(now).year, "endret", now)
    return changed


def confirm(session: Session, member: Member, now: datetime) -> bool:
    """«Ja, stemmer»: this year's check confirmed (audited once); False if it already was."""
    assert member.id is not None
    done = repo.confirm(session, member.id, rules.oslo_day(now).year, "ja", now)
    if done:
        audit.record(session, action="profile.confirmed", actor_member_id=member.id,
                     target=f"member:{member.id}", at=now)
    return done


def saved_notice(changed: list[str]) -> str:
    """What the member reads after a save."""
    if not changed:
        return t("profile.service.ingen_endringer_opplysningene")
    labels = field_labels()
    return t("profile.service.lagret", fields=", ".join(labels[f].lower() for f in changed))


# -- the yearly check ----------------------------------------------------------------------

def check_activity(session: Session, member_id: int, *, reminder: bool) -> dict[str, Any]:
    """The 1:1 message: «Stemmer opplysningene dine?» with the member's details."""
    member = session.get(Member, member_id)
    assert member is not None
    text = (t("profile.service.paminnelse_stemmer_opplysningene") if reminder
            else t("profile.service.stemmer_opplysningene_dine"))
    card = build_profile_check_card(CheckView(details(session, member), reminder=reminder))
    return {"type": "message", "summary": text, "attachments": [attachment(card)]}


def member_check_day(group_rules: list[str], year: int) -> tuple[date, timedelta]:
    """A member's check day (the earliest `profile_check.date` among their groups) and how
    long after it the check may still go (that group's rule's grace)."""
    found = [(rules.group_check_day(year, rule.date), rule.grace)
             for rule in (rules_from_json(r)["profile_check"] for r in group_rules)]
    return min(found, key=lambda pair: pair[0])


def run_check(session: Session, now: datetime) -> tuple[list[int], list[int]]:
    """Ask those whose day has come (once a year), remind those asked three weeks ago who
    have not confirmed (once); returns (asked, reminded) member ids."""
    today = rules.oslo_day(now)
    due = []
    for member, group_rules in repo.members_with_rules(session):
        day, grace = member_check_day(group_rules, today.year)
        start = rules.at_oslo(day, rules.CHECK_AT)
        # Within the grace only: a service started in the autumn asks no one until next
        # year's day, and someone registered after the day has just given their details.
        if start <= now <= start + grace and member.created_at < start:
            due.append(member.id or 0)
    subject = f"profile_check:{today.year}"
    asked = repo.mark_asked(session, due, today.year, now)
    for member_id in asked:
        enqueue_drawn(session, PURPOSE_CHECK, subject, member_id,
                      partial(check_activity, session, member_id, reminder=False), now)
    # Asked on or before the day three weeks ago (at any hour that day).
    cutoff = rules.at_oslo(today - rules.REMINDER_AFTER + timedelta(days=1), time(0, 0))
    reminded = repo.claim_reminders(session, today.year, cutoff, now)
    for member_id in reminded:
        enqueue_drawn(session, PURPOSE_REMINDER, subject, member_id,
                      partial(check_activity, session, member_id, reminder=True), now,
                      essential=False)
    return asked, reminded


# -- the digest ------------------------------------------------------------------------------

def _digest_lines(session: Session, changes: list[repo.Change]) -> dict[int, DigestLine]:
    """One line per changed member: every field they changed, with its value now."""
    labels = field_labels()
    fields: dict[int, list[str]] = {}
    last: dict[int, datetime] = {}
    for change in changes:
        fields.setdefault(change.member_id, [])
        fields[change.member_id] += [f for f in fields_of(change.fields)
                                     if f not in fields[change.member_id]]
        last[change.member_id] = change.changed_at
    out = {}
    for member_id, names in fields.items():
        member = session.get(Member, member_id)
        if member is None:
            continue
        now_values = details(session, member).values
        ordered = [f for f in rules.FIELDS if f in names]
        when = last[member_id]
        out[member_id] = DigestLine(member.name, member.organisation,
                                    [(labels[f], now_values[f]) for f in ordered],
                                    t("profile.service.dag_kl", day=weekday_date(
                                        rules.oslo_day(when)), clock=clock(when)))
    return out


def digest_activity(session: Session, day: date, changes: list[repo.Change]) -> dict[str, Any]:
    """The secretariat member's digest, drawn in their language."""
    lines = _digest_lines(session, changes)
    card = build_profile_digest_card(DigestView(day_long(day), list(lines.values())))
    text = t("profile.service.endrede_medlemsopplysninger")
    return {"type": "message", "summary": text, "attachments": [attachment(card)]}


def run_digest(session: Session, day: date, now: datetime) -> list[int]:
    """Tell each active secretariat member of the changed members' groups what changed since
    the last digest, once per recipient and day; returns who was told."""
    changes = repo.claim_changes(session, day, now)
    if not changes:
        return []
    told = []
    for secretary, members in sorted(repo.secretariat_of(
            session, [c.member_id for c in changes]).items()):
        # People who changed their own details know it; the rest of the secretariat is told.
        theirs = [c for c in changes if c.member_id in members and c.member_id != secretary]
        if theirs and enqueue_drawn(session, PURPOSE_DIGEST, f"profile_digest:{day}", secretary,
                                    partial(digest_activity, session, day, theirs), now):
            told.append(secretary)
    return told


# -- the daily job -----------------------------------------------------------------------------

def schedule_next(session: Session, now: datetime) -> None:
    """Put the next working day's 08:00 run in the job table once (any instance may ask)."""
    due = rules.next_working_run(now, rules.DIGEST_AT)
    day = rules.oslo_day(due).isoformat()
    schedule(session, KIND, day, {"day": day}, due, due + GRACE, now,
             t("profile.service.endringsoversikt_og_arlig"))


def ensure_scheduled(engine: Engine, now: datetime) -> None:
    """At start: make sure the next daily run is in the table (idempotent across instances)."""
    with session_scope(engine) as session:
        schedule_next(session, now)


def daily_job(session: Session, now: datetime, *, day: str) -> None:
    """Job function: the day's digest and yearly check, then queue the next working day."""
    run_digest(session, date.fromisoformat(day), now)
    run_check(session, now)
    schedule_next(session, now)


def register_jobs(jobs: Jobs, links: LinkSigner) -> None:  # noqa: ARG001
    """The profile feature's scheduled job: the daily digest and yearly check."""
    register(jobs, KIND, daily_job)

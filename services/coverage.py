"""Sub-region coverage (use cases): the «Dekning» card's view, the regions file import, and
the monthly reminder to the group's secretariat when a sub-region has no active member."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from cards.common import attachment
from cards.coverage import CoveredLine, GroupCoverageView, build_coverage_card
from core.i18n import join_list, t
from core.links import LinkSigner
from core.timefmt import OSLO
from delivery.sendout import enqueue_drawn
from domain.members import Role
from domain.subregions import (
    Coverage,
    FileRow,
    Status,
    SubRegionCoverage,
    month_key,
    next_month,
    reminder_due,
)
from scheduler.store import Jobs, register, schedule
from storage import audit
from storage import subregions as repo
from storage.db import session_scope
from storage.delivery_models import ScheduledJob
from storage.groups import group_rules
from storage.models import Member, Membership, WorkingGroup

KIND = "coverage_reminder"
PURPOSE = "reminder:coverage"


def _line(row: SubRegionCoverage) -> CoveredLine:
    return CoveredLine(row.name, row.count, row.organisations)


def group_view(group: WorkingGroup, cov: Coverage) -> GroupCoverageView:
    """What the card shows of one group's coverage."""
    rows = cov.sub_regions
    return GroupCoverageView(
        group.name, len(rows), tuple(cov.named(Status.missing)),
        tuple(_line(r) for r in rows if r.status is Status.single),
        tuple(_line(r) for r in rows if r.status is Status.covered),
        cov.outside, cov.unknown)


def groups_coverage(session: Session, groups: list[WorkingGroup]
                    ) -> list[tuple[WorkingGroup, Coverage]]:
    """Each group with its coverage, in the order given."""
    return [(g, repo.group_coverage(session, g.id or 0)) for g in groups]


def coverage_card(session: Session, groups: list[WorkingGroup], *,
                  reminder: bool = False) -> dict[str, Any]:
    """The «Dekning» card for these groups."""
    views = [group_view(g, c) for g, c in groups_coverage(session, groups)]
    return build_coverage_card(views, reminder=reminder)


def all_groups(session: Session) -> list[WorkingGroup]:
    """Every group, by id."""
    return list(session.exec(select(WorkingGroup).order_by(col(WorkingGroup.id))))


def import_file(session: Session, rows: list[FileRow], now: datetime, *, actor: str,
                source: str) -> tuple[int, int]:
    """Replace the sub-regions with a checked file's rows, audited; (sub-regions, rows)."""
    subs, orgs = repo.replace_all(session, rows)
    audit.record(session, action="regions.import", target=source,
                 detail=f"actor={actor} sub_regions={subs} organisations={orgs}", at=now)
    return subs, orgs


# --- the monthly reminder ----------------------------------------------------------------

def _subject(group_id: int, month: str) -> str:
    return f"coverage:{group_id}:{month}"


def _due(session: Session, group_id: int, first: date) -> tuple[datetime, datetime]:
    rule = group_rules(session, group_id)[KIND]
    due = reminder_due(first.year, first.month, rule.at)
    return due, due + rule.grace


def schedule_group(session: Session, group_id: int, now: datetime) -> None:
    """This month's reminder job (while it may still go) and next month's, once each."""
    this = now.astimezone(OSLO).date().replace(day=1)
    for first in (this, next_month(this)):
        due, expires = _due(session, group_id, first)
        if expires < now:
            continue
        schedule(session, KIND, f"{group_id}:{month_key(first)}",
                 {"group_id": group_id, "month": month_key(first)}, due, expires, now,
                 t("coverage.service.dekning_av_delregionene"))


def reschedule(session: Session, group_id: int) -> None:
    """After the group's rule changed: its waiting reminders move to the rule's time (the
    running app puts new ones in place; a CLI command makes none)."""
    for job in session.exec(select(ScheduledJob).where(
            ScheduledJob.kind == KIND, ScheduledJob.status == "pending",
            col(ScheduledJob.key).startswith(f"{group_id}:"))).all():
        year, month = (int(part) for part in job.key.split(":")[1].split("-"))
        due, expires = _due(session, group_id, date(year, month, 1))
        job.due_at, job.expires_at = due, expires
        session.add(job)


def ensure_scheduled(engine: Engine, now: datetime) -> None:
    """At start: every group's reminder jobs are in the table (idempotent across instances)."""
    with session_scope(engine) as session:
        for group in all_groups(session):
            schedule_group(session, group.id or 0, now)


def secretariat_of(session: Session, group_id: int) -> list[int]:
    """The group's active secretariat members; with none in the group, every active one."""
    base = select(Member.id).where(Member.role == Role.secretariat,
                                   Member.active == True)  # noqa: E712
    inside = list(session.exec(base.join(
        Membership, col(Membership.member_id) == col(Member.id))
        .where(Membership.group_id == group_id).order_by(col(Member.id))))
    # A secretariat that runs groups without being members of them is still told.
    return [m for m in inside or session.exec(base.order_by(col(Member.id))) if m]


def reminder_activity(session: Session, group: WorkingGroup) -> dict[str, Any]:
    """The 1:1 message: the «Dekning» card for the group, opened as the monthly reminder."""
    missing = repo.group_coverage(session, group.id or 0).named(Status.missing)
    text = t("coverage.service.mangler_aktivt_medlem", group=group.name,
             names=join_list(missing))
    card = coverage_card(session, [group], reminder=True)
    return {"type": "message", "text": text, "summary": text,
            "attachments": [attachment(card)]}


def coverage_reminder(session: Session, now: datetime, *, group_id: int, month: str) -> None:
    """Job function: remind the group's secretariat once this month if a sub-region is
    missing and the group's rule is on; next month's job is put in place either way."""
    group = session.get(WorkingGroup, group_id)
    if group is None:
        return
    # Next month's job, for this group and any group made since the app started.
    for other in all_groups(session):
        schedule_group(session, other.id or 0, now + timedelta(minutes=1))
    if not group_rules(session, group_id)[KIND].monthly:
        return
    if not repo.group_coverage(session, group_id).named(Status.missing):
        return
    for member_id in secretariat_of(session, group_id):
        enqueue_drawn(session, PURPOSE, _subject(group_id, month), member_id,
                      lambda: reminder_activity(session, group), now, essential=False)


def register_jobs(jobs: Jobs, links: LinkSigner) -> None:  # noqa: ARG001
    """The coverage feature's scheduled job: the monthly reminder."""
    register(jobs, KIND, coverage_reminder)

"""Meetings, the use cases: invitation cards, changes, sending, status, live cards, reminders."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from cards.common import attachment
from cards.invitation import (
    ANSWERS,
    ATTENDING,
    InvitationView,
    ProgrammeLine,
    build_invitation_card,
    shown_answer,
)
from cards.meetings import StatusView, SummaryView, build_summary_card, summary_text
from core.i18n import SPOKEN, join_list, t, use_language
from core.links import LinkSigner
from core.settings import Settings
from core.timefmt import clock, date_long, span, to_oslo, weekday_date
from delivery.graph import Outcome
from delivery.sendout import enqueue, notice_activity, per_language, start_sendout
from domain.rules import DEFAULT_RULES, due_time, expiry
from scheduler import store
from scheduler.store import Jobs
from services import ics, minutes, online_meeting, outlook
from storage import graph as outlook_repo
from storage import rsvp
from storage.db import table
from storage.delivery_models import Delivery, ScheduledJob, Sendout
from storage.graph_models import GraphCall
from storage.languages import member_language, members_reading
from storage.live_models import LiveCard
from storage.meeting_models import (
    AgendaItem,
    Meeting,
    MeetingDocument,
    MeetingGroup,
    MeetingStatus,
    ProgrammeItem,
)
from storage.meetings import SUMMARY, add_summaries, bump_version, meeting_rules, track_copies
from storage.models import Member, WorkingGroup
from storage.regions import region_names

PURPOSE = "invitation"
# Built once and read as plain rows: a click rebuilds this card, and composing ORM statements
# cost more CPU than SQLite took to run them.
agenda_item, document = table(AgendaItem).c, table(MeetingDocument).c
programme_item = table(ProgrammeItem).c
working_group, meeting_group = table(WorkingGroup).c, table(MeetingGroup).c
_AGENDA = core_select(agenda_item.number, agenda_item.title) \
    .where(agenda_item.meeting_id == bindparam("m")).order_by(agenda_item.number)
_DOCS = core_select(document.title, document.url) \
    .where(document.meeting_id == bindparam("m")).order_by(document.id)
_PROGRAMME = core_select(programme_item.id, programme_item.day, programme_item.starts_at,
                         programme_item.ends_at, programme_item.place, programme_item.what,
                         programme_item.asks_rsvp) \
    .where(programme_item.meeting_id == bindparam("m")) \
    .order_by(programme_item.day, programme_item.position)
_GROUPS = core_select(working_group.name) \
    .join_from(table(WorkingGroup), table(MeetingGroup),
               meeting_group.group_id == working_group.id) \
    .where(meeting_group.meeting_id == bindparam("m")).order_by(working_group.name)


def subject(meeting_id: int) -> str:
    """The send-out subject of a meeting's invitation."""
    return f"meeting:{meeting_id}"


def when_text(meeting: Meeting) -> str:
    """'torsdag 31. august 2023 kl. 09.00–10.30', or the TBA text."""
    if meeting.starts_at is None:
        return meeting.date_text or t("meetings.service.tid_kommer")
    return span(meeting.starts_at, meeting.ends_at)


def group_names(session: Session, meeting_id: int) -> str:
    """'Faggruppe for næringssamarbeid' (joint meetings: names joined)."""
    return join_list(session.execute(_GROUPS, {"m": meeting_id}).scalars())


def _day(day: date) -> str:
    return weekday_date(day)


def _programme_line(item: Any, chosen: set[int]) -> ProgrammeLine:
    """One line from a programme row (a ProgrammeItem or a row with its columns)."""
    day = _day(item.day)
    time = ""
    if item.starts_at:
        time = f"kl. {clock(item.starts_at)}" + (f"–{clock(item.ends_at)}" if item.ends_at else "")
    return ProgrammeLine(item.id or 0, day, time, item.place, item.what, item.asks_rsvp,
                         (item.id or 0) in chosen)


@dataclass(frozen=True)
class Known:
    """What this turn already read or wrote, so the card does not read it back."""

    groups: list[str]
    programme: list[Any]  # rows of _PROGRAMME
    answer: rsvp.AnswerInput
    late: bool = False


def programme(session: Session, meeting_id: int) -> list[Any]:
    """The meeting's programme rows, in order (for the card and the items asking for RSVP)."""
    return list(session.execute(_PROGRAMME, {"m": meeting_id}))


def build_view(session: Session, meeting: Meeting, now: datetime, member: Member | None = None,
               notice: str = "", *, links: LinkSigner, known: Known | None = None,
               ) -> InvitationView:
    """The invitation as `member` sees it now (no member: the copy everyone gets)."""
    mid = meeting.id or 0
    agenda = session.execute(_AGENDA, {"m": mid})
    docs = session.execute(_DOCS, {"m": mid})
    items = known.programme if known else programme(session, mid)
    answer: Any = None
    if known:  # just written by this turn: shown as given, not read back
        given = known.answer
        answer = SimpleNamespace(answer=given.answer.value, comment=given.comment,
                                 dietary=given.dietary, deputy_name=given.deputy_name,
                                 late_cancellation=known.late, source="teams")
        chosen = ({i.id for i in items if i.asks_rsvp and given.items.get(i.id)}
                  if items and given.answer in rsvp.YES else set())
    elif member:
        answer = rsvp.answer_row(session, mid, member.id or 0)
        chosen = rsvp.chosen_items(session, member.id or 0,
                                   [i.id or 0 for i in items if i.asks_rsvp])
    else:
        chosen = set()
    groups = join_list(known.groups) if known else group_names(session, mid)
    due = rsvp.deadline(meeting)
    ics_url = ics.link_for(links, meeting)
    event = outlook_repo.event_for(session, mid)
    made = event is not None and bool(event.event_id) and event.problem != "deleted"
    today = meeting.starts_at is not None and to_oslo(meeting.starts_at).date() == \
        to_oslo(now).date()
    return InvitationView(
        meeting_id=mid, version=meeting.version, groups=groups,
        title=meeting.title, when=when_text(meeting), place=meeting.place,
        online_url=meeting.online_url, agenda=[(a.number, a.title) for a in agenda],
        documents=[(d.title, d.url) for d in docs], preparation=meeting.preparation,
        programme=[_programme_line(i, chosen) for i in items],
        deadline=span(due) if due else "", deadline_passed=bool(due and now >= due),
        cancelled=meeting.status == MeetingStatus.cancelled,
        answer=str(answer.answer) if answer else None,
        answer_source=str(answer.source) if answer else "teams",
        comment=answer.comment if answer else "", dietary=answer.dietary if answer else "",
        deputy=answer.deputy_name if answer else "",
        late_cancelled=bool(answer and answer.late_cancellation), notice=notice,
        ics_url=ics_url, checkin=today and meeting.status != MeetingStatus.cancelled,
        join_url=event.join_url if made and event else "", outlook=made)


def card_for(session: Session, meeting: Meeting, now: datetime, member: Member | None = None,
             notice: str = "", *, links: LinkSigner, known: Known | None = None,
             ) -> dict[str, Any]:
    """The invitation card dict."""
    return build_invitation_card(build_view(session, meeting, now, member, notice, links=links,
                                            known=known))


def activity_for(card: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
    """A message activity with the card and a text for the phone's notification."""
    text = t("meetings.service.innkalling_tittel", title=meeting.title, when=when_text(meeting))
    if meeting.status == MeetingStatus.cancelled:
        text = t("meetings.service.avlyst_tittel", title=meeting.title, when=when_text(meeting))
    return {"type": "message", "text": text, "summary": text, "attachments": [attachment(card)]}


CHANGED, CANCELLED = "meeting_changed", "meeting_cancelled"
# Changes to a sent meeting: every card redrawn in place, the yes-sayers told once; cancelling.
Before = tuple[datetime | None, datetime | None, str]


class ChangeError(Exception):
    """Why a meeting cannot be changed; the message is Norwegian."""


def snapshot(meeting: Meeting) -> Before:
    """What members are told about when it changes: time and place."""
    return meeting.starts_at, meeting.ends_at, meeting.place


def refresh_sent(session: Session, meeting: Meeting, now: datetime, links: LinkSigner) -> None:
    """Invitations still queued carry the new card; those delivered are redrawn in place."""
    key = subject(meeting.id or 0)
    for lang in SPOKEN:  # each queued copy in its recipient's language
        with use_language(lang):
            activity = activity_for(card_for(session, meeting, now, links=links), meeting)
        session.execute(update(Delivery).where(
            col(Delivery.purpose) == PURPOSE, col(Delivery.subject) == key,
            col(Delivery.status) == "pending",
            col(Delivery.member_id).in_(members_reading(lang)))
            .values(payload=json.dumps(activity)))
    track_copies(session, meeting.id or 0, key)


def after_edit(session: Session, meeting: Meeting, before: Before, now: datetime, *,
               links: LinkSigner, settings: Settings | None = None) -> Sendout | None:
    """After a saved edit (version already bumped): redraw; a new time or place is told once.

    The Outlook event follows by outlook.sync's rules (settings None: Graph off).
    """
    outlook.sync(session, meeting, now, settings)
    if meeting.invited_at is None or meeting.status != MeetingStatus.invited:
        return None
    refresh_sent(session, meeting, now, links)
    if snapshot(meeting) == before:
        return None
    schedule_reminders(session, meeting, now)  # a new time moves the reminders too
    given = rsvp.answers(session, meeting.id or 0)
    yes = [m for m in rsvp.invitees(session, meeting.id or 0)
           if m.id in given and given[m.id].answer in rsvp.YES]
    where = f", {meeting.place}" if meeting.place else ""

    def moved() -> dict[str, Any]:
        text = t("meetings.service.er_flyttet_eller", title=meeting.title,
                 when_text=when_text(meeting), where=where)
        activity = notice_activity(t("meetings.service.motet_er_endret"),
                                   [text, t("meetings.service.innkallingen_chatten_er")])
        return activity | {"text": text}
    return start_sendout(session, CHANGED, f"meeting:{meeting.id}:v{meeting.version}", yes,
                         per_language(moved), now, title=t("meetings.service.endret",
                                                           title=meeting.title),
                         meeting_id=meeting.id)


def edit(session: Session, meeting_id: int, now: datetime, *, starts_at: datetime | None = None,
         ends_at: datetime | None = None, place: str | None = None, links: LinkSigner,
         settings: Settings | None = None) -> tuple[Meeting, Sendout | None]:
    """Move the meeting or change its place (a new start keeps the length if no end is given)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise ChangeError(t("meetings.service.fant_ikke_mote", meeting_id=meeting_id))
    if meeting.status == MeetingStatus.cancelled:
        raise ChangeError(t("meetings.service.mote_er_avlyst", meeting_id=meeting_id))
    before = snapshot(meeting)
    if starts_at is not None and ends_at is None and meeting.starts_at and meeting.ends_at:
        ends_at = starts_at + (meeting.ends_at - meeting.starts_at)
    meeting.starts_at = starts_at or meeting.starts_at
    meeting.ends_at = ends_at or meeting.ends_at
    meeting.place = meeting.place if place is None else place.strip()
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        raise ChangeError(t("meetings.service.slutt_ma_vaere"))
    if snapshot(meeting) == before:
        return meeting, None
    bump_version(session, meeting, now)
    return meeting, after_edit(session, meeting, before, now, links=links, settings=settings)


def cancel(session: Session, meeting_id: int, now: datetime,
           settings: Settings | None = None) -> tuple[Meeting, Sendout | None]:
    """Cancel: every card says AVLYST, queued invitations stop, every invitee is told once."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise ChangeError(t("meetings.service.fant_ikke_mote", meeting_id=meeting_id))
    # Guarded in SQL: of two cancels at once one wins, the other is told it is already done.
    won = session.execute(update(Meeting).where(
        col(Meeting.id) == meeting_id, col(Meeting.status) != MeetingStatus.cancelled.value)
        .values(status=MeetingStatus.cancelled.value, cancelled_at=now, auto_send=False,
                version=Meeting.version + 1, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    session.refresh(meeting)
    if won != 1:
        raise ChangeError(t("meetings.service.mote_er_allerede", meeting_id=meeting_id))
    session.execute(update(Delivery).where(
        col(Delivery.purpose) == PURPOSE,
        col(Delivery.subject) == subject(meeting_id),
        col(Delivery.status) == "pending").values(status="cancelled"))
    track_copies(session, meeting_id, subject(meeting_id))
    cancel_reminders(session, meeting_id, now)
    text = t("meetings.service.er_avlyst", title=meeting.title, when_text=when_text(meeting))
    outlook.on_cancel(session, meeting, text, now, settings)
    if meeting.invited_at is None:
        return meeting, None  # never sent: nobody to tell

    def cancelled() -> dict[str, Any]:
        said = t("meetings.service.er_avlyst", title=meeting.title, when_text=when_text(meeting))
        return notice_activity(t("meetings.service.motet_er_avlyst"), [said]) | {"text": said}
    return meeting, start_sendout(session, CANCELLED, f"meeting:{meeting_id}",
                                  rsvp.invitees(session, meeting_id), per_language(cancelled), now,
                                  title=t("meetings.service.avlyst", title=meeting.title),
                                  meeting_id=meeting_id)


# Sending a meeting's invitation: now, or approved for the scheduler's «invitation» rule.
class SendError(Exception):
    """Why a meeting cannot be sent; the message is Norwegian."""


def sendable(session: Session, meeting_id: int) -> Meeting:
    """The meeting, if it can be sent (it has a time and is not cancelled or held)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise SendError(t("meetings.service.fant_ikke_mote", meeting_id=meeting_id))
    if meeting.status in (MeetingStatus.cancelled, MeetingStatus.held):
        word = "avlyst" if meeting.status == MeetingStatus.cancelled else "holdt"
        raise SendError(t("meetings.service.mote_er_og", meeting_id=meeting_id, word=word))
    if meeting.starts_at is None:
        raise SendError(t("meetings.service.mote_har_ingen", meeting_id=meeting_id))
    return meeting


def send(session: Session, meeting_id: int, now: datetime, *, links: LinkSigner,
         settings: Settings | None = None) -> Sendout:
    """Record the invitation send-out 1:1 to every invitee; a second call adds nothing.

    With Graph on, the Outlook event is recorded too and the copies wait for its join URL.
    """
    meeting = sendable(session, meeting_id)
    members = rsvp.invitees(session, meeting_id)
    if not members:
        raise SendError(t("meetings.service.mote_har_ingen_2", meeting_id=meeting_id))
    meeting.status = MeetingStatus.invited
    meeting.invited_at = meeting.invited_at or now
    session.add(meeting)
    session.flush()
    add_summaries(session, meeting_id)  # the linked channels' live counts
    # Everyone reading one language gets the same copy; a click answers with the member's own
    # view.
    sendout = start_sendout(
        session, PURPOSE, subject(meeting_id), members,
        per_language(lambda: activity_for(card_for(session, meeting, now, links=links), meeting)),
        now, title=meeting.title, meeting_id=meeting_id)
    outlook.on_send(session, meeting, now, settings)
    schedule_reminders(session, meeting, now)
    return sendout


def approve(session: Session, meeting_id: int, now: datetime) -> datetime:
    """Approve automatic sending by the «invitation» rule; returns when it will go."""
    meeting = sendable(session, meeting_id)
    assert meeting.starts_at is not None
    rule = meeting_rules(session, meeting_id)["invitation"]
    due = due_time(rule, meeting.starts_at)
    meeting.auto_send = True
    session.add(meeting)
    store.schedule(session, "invitation", subject(meeting_id),
                   {"meeting_id": meeting_id}, due, expiry(rule, meeting.starts_at, due), now,
                   description=t("meetings.service.innkalling", title=meeting.title))
    return due


def scheduled_send(session: Session, now: datetime, *, meeting_id: int,
                   links: LinkSigner, settings: Settings | None = None) -> None:
    """Scheduler job: send if the meeting is still approved and sendable."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not meeting.auto_send or meeting.status in (
            MeetingStatus.cancelled, MeetingStatus.held):
        return
    send(session, meeting_id, now, links=links, settings=settings)


# The status view from the database: answers per region, the silent, programme counts.
def build_status_view(session: Session, meeting: Meeting, notice: str = "") -> StatusView:
    """Everything the secretariat wants to know about who is coming."""
    mid = meeting.id or 0
    people = rsvp.invitees(session, mid)
    given = rsvp.answers(session, mid)
    names = region_names(session)
    by_region: dict[str, list[str]] = defaultdict(list)
    answered_regions: set[str] = set()
    silent = []
    for m in people:
        region = names.get(m.region_id or -1) or m.organisation or "Uten region"
        row = given.get(m.id or 0)
        if row is None:
            silent.append(f"{m.name} ({region})")
            continue
        answered_regions.add(region)
        extra = f", stedfortreder {row.deputy_name}" if row.deputy_name else ""
        late = " (forfall etter fristen)" if row.late_cancellation else ""
        shown = shown_answer(str(row.answer), row.source)
        by_region[region].append(f"{m.name}: {shown}{extra}{late}")
    regions = {names.get(m.region_id or -1) or m.organisation or "Uten region" for m in people}
    counts = rsvp.counts(session, mid)
    return StatusView(
        meeting_id=mid, title=meeting.title, when=when_text(meeting),
        sent=meeting.status in (MeetingStatus.invited, MeetingStatus.held), invited=len(people),
        counts={k: counts[k] for k in (*ANSWERS, ATTENDING) if k in counts},
        regions_answered=len(answered_regions), regions_total=len(regions),
        by_region=sorted(by_region.items()), silent=silent,
        items=[(i.what, n, diets) for i, n, diets in rsvp.item_counts(session, mid)],
        choices=[(m.id or 0, m.name) for m in people], notice=notice,
        cancelled=meeting.status == MeetingStatus.cancelled,
        followups=minutes.status_lines(session, mid),
        outlook_answers=outlook.answers_line(session, mid))


# The activity a tracked meeting card should show now: a channel summary or a member's copy.
def summary_view(session: Session, meeting: Meeting) -> SummaryView:
    """Counts and regions as the secretariat's status card has them."""
    status = build_status_view(session, meeting)
    event = outlook_repo.event_for(session, meeting.id or 0)
    join = event.join_url if event and event.event_id and event.problem != "deleted" else ""
    return SummaryView(meeting.title, group_names(session, meeting.id or 0),
                       status.when, meeting.place, status.invited, status.counts,
                       status.regions_answered, status.regions_total,
                       cancelled=meeting.status == MeetingStatus.cancelled, join_url=join)


def render(session: Session, card: LiveCard, now: datetime, *,
           links: LinkSigner) -> dict[str, Any] | None:
    """The message activity for this card now (None: the meeting or member is gone)."""
    meeting = session.get(Meeting, card.subject_id)
    if meeting is None:
        return None
    if card.kind == SUMMARY:
        view = summary_view(session, meeting)
        text = summary_text(view)
        return {"type": "message", "text": text, "summary": text,
                "attachments": [attachment(build_summary_card(view))]}
    member = session.get(Member, card.member_id or 0)
    if member is None:
        return None
    notice = ("" if meeting.status == MeetingStatus.cancelled
              else t("meetings.service.innkallingen_er_oppdatert"))
    # The member's own view, so a PUT keeps «Ditt svar» and their programme choices.
    return activity_for(
        card_for(session, meeting, now, member, notice=notice, links=links), meeting)


# Meeting reminders: RSVP reminder to the silent, day-before reminder to those coming. Scheduled
# when the invitation goes out and moved when the meeting moves; the job checks the meeting again
# when it runs, and the delivery ledger sends each one at most once.
# job kind -> (rule name, which time of the meeting the rule counts back from)
JOBS = {"meeting_rsvp_reminder": "rsvp_reminder", "meeting_day_before": "day_before"}


def _anchor(meeting: Meeting, kind: str) -> datetime | None:
    return rsvp.deadline(meeting) if kind == "meeting_rsvp_reminder" else meeting.starts_at


def schedule_reminders(session: Session, meeting: Meeting, now: datetime) -> list[ScheduledJob]:
    """Put (or move) both reminders in the queue; one too late for its rule is skipped."""
    jobs = []
    rules = meeting_rules(session, meeting.id or 0)
    for kind, rule_name in JOBS.items():
        anchor = _anchor(meeting, kind)
        if anchor is None:
            continue
        rule = rules[rule_name]
        due = due_time(rule, anchor)
        last = expiry(rule, anchor, due)
        job = store.schedule(session, kind, subject(meeting.id or 0),
                             {"meeting_id": meeting.id}, due, last, now,
                             description=f"{rule_name.replace('_', ' ')}: {meeting.title}")
        if job.status in ("pending", "skipped") and (job.due_at, job.expires_at) != (due, last):
            job.due_at, job.expires_at = due, last  # the meeting moved: so does its reminder
            job.status = "pending" if now <= last else "skipped"
            session.add(job)
        jobs.append(job)
    return jobs


def _live(session: Session, meeting_id: int) -> Meeting | None:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.status != MeetingStatus.invited:
        return None
    return meeting


def rsvp_reminder(session: Session, now: datetime, *, meeting_id: int,
                  links: LinkSigner) -> None:
    """Before the deadline: the invitation again, to every invitee who has not answered."""
    meeting = _live(session, meeting_id)
    deadline = rsvp.deadline(meeting) if meeting else None
    if meeting is None or deadline is None or now >= deadline:
        return
    answered = rsvp.answers(session, meeting_id)
    for member in rsvp.invitees(session, meeting_id):
        if member.id is None or member.id in answered:
            continue
        with use_language(member_language(member)):
            text = t("meetings.service.paminnelse_svar_pa", title=meeting.title,
                     deadline=date_long(deadline))
            card = card_for(session, meeting, now, member, links=links)
            activity = activity_for(card, meeting) | {"text": text, "summary": text}
        enqueue(session, "reminder:rsvp_reminder", subject(meeting_id), member.id,
                activity, now, essential=DEFAULT_RULES["rsvp_reminder"].essential,
                meeting_id=meeting_id)


def day_before(session: Session, now: datetime, *, meeting_id: int) -> None:
    """The day before: time and place (or link) to everyone who said they are coming."""
    meeting = _live(session, meeting_id)
    if meeting is None or meeting.starts_at is None or now >= meeting.starts_at:
        return
    answered = rsvp.answers(session, meeting_id)
    for member in rsvp.invitees(session, meeting_id):
        given = answered.get(member.id or 0)
        if given is None or given.answer not in rsvp.YES:
            continue
        with use_language(member_language(member)):
            where = ", ".join(p for p in (meeting.place, meeting.online_url)
                              if p) or t("meetings.service.sted_kommer")
            lines = [t("meetings.service.er", title=meeting.title, when_text=when_text(meeting)),
                     t("meetings.service.sted", where=where)]
            activity = notice_activity(t("meetings.service.paminnelse_mote_morgen"), lines)
        enqueue(session, "reminder:day_before", subject(meeting_id), member.id or 0,
                activity, now, essential=DEFAULT_RULES["day_before"].essential,
                meeting_id=meeting_id)


def cancel_reminders(session: Session, meeting_id: int, now: datetime) -> None:
    """A cancelled meeting's reminders leave the queue (the rows stay, marked cancelled)."""
    for kind in JOBS:
        job = session.exec(select(ScheduledJob).where(
            ScheduledJob.kind == kind, ScheduledJob.key == subject(meeting_id),
            ScheduledJob.status == "pending")).first()
        if job is not None:
            job.status, job.finished_at = "cancelled", now
            session.add(job)


def register_jobs(jobs: Jobs, links: LinkSigner, settings: Settings | None = None) -> None:
    """The meeting feature's scheduled jobs: the approved invitation and both reminders.

    The invitation may make an Outlook event, so it gets the Graph settings (None: off).
    """
    store.register(jobs, "invitation", partial(scheduled_send, links=links, settings=settings))
    store.register(jobs, "meeting_rsvp_reminder", partial(rsvp_reminder, links=links))
    store.register(jobs, "meeting_day_before", day_before)
    outlook.register_jobs(jobs, settings)
    online_meeting.register_jobs(jobs, settings)


def outlook_hook(links: LinkSigner, settings: Settings | None = None,
                 ) -> Callable[[Session, GraphCall, Outcome, datetime], None]:
    """The Graph worker's hook: the Outlook use case, redrawing invitations the meetings way;
    the Teams meeting's chat install and attendance report (settings: which features are on)."""
    def hook(session: Session, call: GraphCall, outcome: Outcome, now: datetime) -> None:
        if online_meeting.after_call(session, call, outcome, now):
            return
        outlook.after_call(session, call, outcome, now,
                           lambda s, m, n: refresh_sent(s, m, n, links),
                           lambda s, m, row, n: online_meeting.on_created(s, m, row, n,
                                                                          settings))
    return hook

"""The Outlook invitation with its Teams meeting: which meetings get an event, what it says,
when it is PATCHed or cancelled, and what happens when Graph answers (the worker's hook).

Graph calls are only recorded here (storage/graph.py); delivery/graph.py makes them.
"""

from __future__ import annotations

import hashlib
import html
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from cards.common import attachment
from cards.outlook import build_outlook_notice_card
from core.i18n import join_list, t
from core.settings import Settings
from core.timefmt import clock, to_oslo
from delivery.graph import Outcome
from delivery.sendout import enqueue_drawn
from domain.meetings import outlook_answer
from scheduler import store
from scheduler.store import Jobs
from storage import graph as calls
from storage import rsvp as rsvp_repo
from storage.delivery_models import Delivery
from storage.graph_models import GraphCall, OutlookEvent
from storage.meeting_models import AgendaItem, AgendaKind, Meeting, MeetingFormat, MeetingStatus
from storage.meetings import agenda_items, documents, invited_groups, mark_dirty
from storage.members import find_for_identity
from storage.models import Member, Role

FEATURE = "calendar"
HOLD = timedelta(minutes=2)  # how long a send-out waits for the event and its join URL
TEXT_PATCH_EVERY = timedelta(days=1)  # each PATCH mails every attendee
TEAMS_FORMATS = (MeetingFormat.digital, MeetingFormat.hybrid)
TIME_ZONE = "Europe/Oslo"  # Graph takes IANA names as well as "W. Europe Standard Time"
URGENT = ("start", "end", "location", "attendees", "isOnlineMeeting", "onlineMeetingProvider")
NOTICE = "outlook_notice"
# The invitation send-out's ledger key (services/meetings.py owns it; this module sits beside it
# and may not import it, since meetings calls in here).
INVITATION_PURPOSE = "invitation"
# Rebuilds the invitation copies from the database (services/meetings.refresh_sent).
Refresh = Callable[[Session, Meeting, datetime], None]


ANSWERS_EVERY = timedelta(minutes=1)  # at most one read per meeting a minute (status card)
ANSWERS_POLL = timedelta(minutes=30)  # read back from the invitation to the meeting's end
ANSWERS_JOB = "outlook_answers"


# The answers are stored by these codes and named when shown, in the reader's language.
ANSWER_ORDER = ("accepted", "tentative", "declined", "none")
_CODES = {"accepted": "accepted", "tentativelyAccepted": "tentative", "declined": "declined"}


def response_word(code: str) -> str:
    """An Outlook answer as the status card says it, in the current language."""
    if code == "accepted":
        return t("outlook.service.godtatt")
    if code == "tentative":
        return t("outlook.service.forelopig")
    if code == "declined":
        return t("outlook.service.avslatt")
    return t("outlook.service.ikke_svart")


# Application permission each Graph feature needs (README's table; a system check can compare
# them with the token's roles).
PERMISSIONS = {"calendar": ("Calendars.ReadWrite",), "answers": ("Calendars.ReadWrite",),
               "attendance": ("OnlineMeetings.Read.All", "OnlineMeetingArtifact.Read.All"),
               "chatinstall": ("OnlineMeetings.Read.All",
                               "TeamsAppInstallation.ReadWriteSelfForChat.All")}


def needed_permissions(settings: Settings) -> dict[str, str]:
    """Application permission -> the features (switched on) that need it."""
    needed: dict[str, list[str]] = {}
    for feature, permissions in PERMISSIONS.items():
        if settings.graph_feature(feature):
            for permission in permissions:
                needed.setdefault(permission, []).append(feature)
    return {permission: ", ".join(features) for permission, features in needed.items()}


def _invitation_subject(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def enabled(settings: Settings | None) -> bool:
    """Is the Outlook feature on (an organizer mailbox and `calendar` in GRAPH_FEATURES)?

    None (a caller without settings, such as a test of the meeting flow alone) means off.
    """
    return settings is not None and settings.graph_feature(FEATURE)


def wanted(session: Session, meeting: Meeting) -> bool:
    """Digital and hybrid meetings get an event unless skipped; physical ones when asked."""
    row = calls.event_for(session, meeting.id or 0)
    if row is not None and row.wanted is not None:
        return row.wanted
    return meeting.format in TEAMS_FORMATS


def set_choice(session: Session, meeting: Meeting, outlook: bool | None) -> None:
    """--outlook / --no-outlook / the form's toggle; the format's default is kept as None."""
    if outlook is None:
        return
    row = calls.event_row(session, meeting.id or 0)
    row.wanted = None if outlook == (meeting.format in TEAMS_FORMATS) else outlook
    session.add(row)
    session.flush()  # callers may expunge before their commit (cli/meetings_edit.py does)


def teams_meeting(meeting: Meeting) -> bool:
    """A Teams meeting is made for digital/hybrid, unless the meeting has a link already."""
    return meeting.format in TEAMS_FORMATS and not meeting.online_url.strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _url(url: str) -> str:
    """A link safe to put in href: http(s) only."""
    url = url.strip()
    return _e(url) if url.lower().startswith(("https://", "http://")) else ""


def body_html(session: Session, meeting: Meeting, bot_name: str,
              skip_kinds: tuple[str, ...] = ()) -> str:
    """The event's HTML body: agenda, documents, preparation, a hand-made link (all escaped)."""
    mid = meeting.id or 0
    groups = join_list(sorted(g.name for g in invited_groups(session, mid)))
    parts = [f"<p>{_e(groups)}</p>"]
    items: list[AgendaItem] = [a for a in agenda_items(session, mid) if a.kind not in skip_kinds]
    if items:
        parts.append("<h3>Sakskart</h3><ol>" + "".join(
            f'<li value="{a.number}">{_e(a.title)}</li>' for a in items) + "</ol>")
    docs = [(d.title, _url(d.url)) for d in documents(session, mid)]
    if docs:
        parts.append("<h3>Dokumenter</h3><ul>" + "".join(
            f'<li><a href="{u}">{_e(t)}</a></li>' if u else f"<li>{_e(t)}</li>"
            for t, u in docs) + "</ul>")
    if meeting.preparation.strip():
        text = "<br>".join(_e(line) for line in meeting.preparation.strip().splitlines())
        parts.append(f"<h3>Forberedelser</h3><p>{text}</p>")
    link = _url(meeting.online_url)
    if link:
        parts.append(t("outlook.service.motelenke_href", link=link))
    parts.append(t("outlook.service.svar_pa_innkallingen", e=_e(bot_name)))
    return "".join(parts)


def _text_key(session: Session, meeting: Meeting, bot_name: str) -> str:
    """What decides a text PATCH: subject and body without approval items.

    An approval item added automatically («Godkjenning av innkalling …») must never mail
    every attendee; it rides along with the next real text change.
    """
    body = body_html(session, meeting, bot_name, skip_kinds=(AgendaKind.approval,))
    return hashlib.sha256(f"{meeting.title}\n{body}".encode()).hexdigest()[:16]


def attendees(session: Session, meeting_id: int) -> list[dict[str, Any]]:
    """Every invited member with an e-mail address (guests from other tenants included)."""
    out = []
    for member in rsvp_repo.invitees(session, meeting_id):
        address = member.email or (member.upn if member.upn and "#EXT#" not in member.upn
                                   else None)
        if address:
            out.append({"emailAddress": {"address": address, "name": member.name},
                        "type": "required"})
    return out


def _when(at: datetime) -> dict[str, str]:
    return {"dateTime": to_oslo(at).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": TIME_ZONE}


def event_fields(session: Session, meeting: Meeting, settings: Settings) -> dict[str, Any]:
    """The event as Graph's create body (without transactionId)."""
    assert meeting.starts_at is not None
    fields: dict[str, Any] = {
        "subject": meeting.title,
        "body": {"contentType": "HTML",
                 "content": body_html(session, meeting, settings.bot_name)},
        "start": _when(meeting.starts_at),
        "end": _when(meeting.ends_at or meeting.starts_at + timedelta(hours=1)),
        "location": {"displayName": meeting.place},
        "attendees": attendees(session, meeting.id or 0),
    }
    if teams_meeting(meeting):
        fields |= {"isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness"}
    return fields


def _snapshot(session: Session, meeting: Meeting, settings: Settings,
              fields: dict[str, Any]) -> dict[str, Any]:
    return {**{k: fields.get(k) for k in URGENT},
            "text_key": _text_key(session, meeting, settings.bot_name)}


def _txid(session: Session, meeting_id: int, row: OutlookEvent, now: datetime) -> str:
    return calls.transaction_id(calls.deployment_id(session, now), meeting_id, row.generation)


def _queue_create(session: Session, meeting: Meeting, row: OutlookEvent, settings: Settings,
                  now: datetime) -> bool:
    """Record the create (once per generation); a create not yet under way gets new fields."""
    mid = meeting.id or 0
    fields = event_fields(session, meeting, settings)
    new = calls.queue(session, mid, "create", f"create:g{row.generation}",
                      _txid(session, mid, row, now), fields, now)
    if not new:
        waiting = calls.pending(session, mid, "create")
        if waiting is None:
            return False
        waiting.payload = json.dumps(fields, ensure_ascii=False)
        session.add(waiting)
    row.sent = json.dumps(_snapshot(session, meeting, settings, fields), ensure_ascii=False)
    session.add(row)
    return True


def on_send(session: Session, meeting: Meeting, now: datetime,
            settings: Settings | None = None) -> bool:
    """At the send-out: record the event's creation; True when the cards should wait for it."""
    if settings is None or not enabled(settings) or not wanted(session, meeting):
        return False
    row = calls.event_row(session, meeting.id or 0)
    if row.event_id or row.problem:
        sync(session, meeting, now, settings)  # sent again: members added since are added
        return False
    if not _queue_create(session, meeting, row, settings, now):
        return False
    hold_invitations(session, meeting.id or 0, now + HOLD)
    return True


def hold_invitations(session: Session, meeting_id: int, until: datetime) -> None:
    """The invitation copies wait (at most until `until`) for the join URL."""
    session.execute(update(Delivery).where(
        col(Delivery.purpose) == INVITATION_PURPOSE,
        col(Delivery.subject) == _invitation_subject(meeting_id),
        col(Delivery.status) == "pending", col(Delivery.attempts) == 0,
        col(Delivery.next_attempt_at) < until).values(next_attempt_at=until))


def _merge(session: Session, meeting_id: int, operation: str, fields: dict[str, Any],
           txid: str, now: datetime, not_before: datetime | None = None) -> None:
    """Into the PATCH of this kind not yet under way, else a new one."""
    waiting = calls.pending(session, meeting_id, operation)
    if waiting is not None:
        waiting.payload = json.dumps({**json.loads(waiting.payload), **fields},
                                     ensure_ascii=False)
        session.add(waiting)
        return
    calls.queue(session, meeting_id, operation, f"{operation}:{uuid.uuid4().hex[:12]}", txid,
                fields, now, not_before)


def sync(session: Session, meeting: Meeting, now: datetime, settings: Settings | None = None,
         ) -> None:
    """After an edit or a repeated send: PATCH what changed, by the rules of each kind.

    Time, place, attendees and the online flag go at once. Subject and body go at once while
    the invitation is unsent, afterwards at most once a day (each PATCH mails everyone).
    """
    row = calls.event_for(session, meeting.id or 0)
    if (settings is None or not enabled(settings) or row is None or row.sent == "{}"
            or row.problem
            or meeting.status == MeetingStatus.cancelled or meeting.starts_at is None):
        return
    mid = meeting.id or 0
    if calls.pending(session, mid, "create") is not None:
        _queue_create(session, meeting, row, settings, now)  # not sent yet: one full create
        return
    fields = event_fields(session, meeting, settings)
    before, after = calls.sent_fields(row), _snapshot(session, meeting, settings, fields)
    txid = _txid(session, mid, row, now)
    urgent = {k: fields[k] for k in URGENT if k in fields and after[k] != before.get(k)}
    if urgent:
        _merge(session, mid, "update", urgent, txid, now)
    if after["text_key"] != before.get("text_key"):
        text = {"subject": fields["subject"], "body": fields["body"]}
        if meeting.invited_at is None:
            _merge(session, mid, "update", text, txid, now)
        else:
            # Making the event mailed everyone too: the day counts from then.
            last = row.text_patched_at or row.created_at
            due = max(now, last + TEXT_PATCH_EVERY) if last else now
            _merge(session, mid, "update_text", text, txid, now, due)
    row.sent = json.dumps({**before, **after}, ensure_ascii=False)
    session.add(row)


def on_cancel(session: Session, meeting: Meeting, comment: str, now: datetime,
              settings: Settings | None = None) -> None:
    """Cancel the event with the bot's cancellation text; a create not yet made is dropped."""
    if not enabled(settings):
        return
    row = calls.event_for(session, meeting.id or 0)
    if row is None or row.sent == "{}":
        return
    mid = meeting.id or 0
    calls.drop_open(session, mid, ("create", "update", "update_text"),
                    t("outlook.service.motet_er_avlyst"))
    # A create already tried may have made the event (a timeout): it stays, the cancel follows.
    made = row.event_id or any(c.operation == "create" and c.attempts > 0
                               and c.status in ("pending", "sending", "done")
                               for c in calls.calls(session, mid))
    if made:
        calls.queue(session, mid, "cancel", f"cancel:g{row.generation}",
                    _txid(session, mid, row, now), {"comment": comment}, now)


def recreate(session: Session, meeting_id: int, now: datetime,
             settings: Settings | None = None, *, force: bool = False) -> str:
    """«Opprett Outlook-møtet på nytt»: a new event (a new transactionId); '' or why not.

    The button works only after a problem (deleted, refused, failed): pressed on a working
    event it would send everyone a second invitation. The CLI's --recreate forces it.
    """
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return t("meetings.service.fant_ikke_mote", meeting_id=meeting_id)
    if settings is None or not enabled(settings):
        return t("outlook.service.outlook_koblingen_er")
    if meeting.status == MeetingStatus.cancelled or meeting.starts_at is None:
        return t("outlook.service.mote_er_avlyst", meeting_id=meeting_id)
    row = calls.event_row(session, meeting_id)
    if row.event_id and not row.problem and not force:
        return t("outlook.service.outlook_motet_finnes")
    if any(c.status in calls.OPEN and c.operation == "create"
           for c in calls.calls(session, meeting_id)):
        return t("outlook.service.outlook_motet_er")
    calls.drop_open(session, meeting_id, ("update", "update_text"),
                    t("outlook.service.opprettes_pa_nytt"))
    row.generation += 1
    row.event_id = row.ical_uid = row.join_url = row.web_link = row.problem = ""
    row.wanted = True if not wanted(session, meeting) else row.wanted
    _queue_create(session, meeting, row, settings, now)
    return ""


def _secretariat(session: Session) -> list[int]:
    return [m for m in session.exec(select(Member.id).where(
        Member.role == Role.secretariat, Member.active == True)) if m]  # noqa: E712


# A notice's title and lines, drawn when called: once per reader, in the reader's language.
Notice = Callable[[], tuple[str, list[str]]]


def tell_secretariat(session: Session, meeting: Meeting, key: str, notice: Notice,
                     now: datetime, recreate_button: bool = False) -> None:
    """A notice card 1:1 to every active secretariat member (once per key), each drawn in
    that member's stored language, not in the language of whoever set it off."""
    def activity() -> dict[str, Any]:
        title, lines = notice()
        card = build_outlook_notice_card(title, lines, meeting.id or 0, recreate_button)
        return {"type": "message", "text": title, "summary": title,
                "attachments": [attachment(card)]}
    for member_id in _secretariat(session):
        enqueue_drawn(session, NOTICE, f"meeting:{meeting.id}:{key}", member_id, activity, now,
                      meeting_id=meeting.id)


def release_invitations(session: Session, meeting: Meeting, now: datetime,
                        refresh: Refresh) -> int:
    """Held copies go now with the current card; copies already sent are redrawn. Sent count."""
    subject = _invitation_subject(meeting.id or 0)
    session.execute(update(Delivery).where(
        col(Delivery.purpose) == INVITATION_PURPOSE, col(Delivery.subject) == subject,
        col(Delivery.status) == "pending").values(next_attempt_at=now))
    refresh(session, meeting, now)  # new payloads for the held, a redraw for the delivered
    sent = session.exec(select(Delivery.id).where(
        Delivery.purpose == INVITATION_PURPOSE, Delivery.subject == subject,
        col(Delivery.status).in_(("sent", "sending")))).all()
    return len(sent)


# Called when the event (and its Teams meeting) exists: the meeting chat install follows.
Created = Callable[[Session, Meeting, OutlookEvent, datetime], object]


def after_call(session: Session, call: GraphCall, outcome: Outcome, now: datetime,
               refresh: Refresh, on_created: Created | None = None) -> None:
    """The worker's hook, in the transaction that records a final outcome."""
    meeting = session.get(Meeting, call.meeting_id)
    if meeting is None:
        return
    row = calls.event_row(session, call.meeting_id)
    reply = outcome.reply
    if call.operation == "create" and outcome.status == "done":
        if call.key != f"create:g{row.generation}":
            return  # an older generation answered late; the new one is in the making
        row.event_id = str(reply.body.get("id", ""))
        row.ical_uid = str(reply.body.get("iCalUId", ""))
        row.join_url = str((reply.body.get("onlineMeeting") or {}).get("joinUrl", "") or "")
        row.web_link = str(reply.body.get("webLink", ""))
        row.problem, row.created_at = "", now
        session.add(row)
        session.flush()
        late = release_invitations(session, meeting, now, refresh) if meeting.invited_at else 0
        schedule_answer_poll(session, meeting, now)
        if on_created is not None:
            on_created(session, meeting, row, now)
        mark_dirty(session, meeting.id or 0, kind=None)
        if late and row.join_url:
            tell_secretariat(session, meeting, f"late:g{row.generation}", lambda: (
                t("outlook.service.teams_lenken_kom"),
                [t("outlook.service.outlook_motet_for", title=meeting.title, late=late),
                 t("outlook.service.kortene_deres_er")]), now)
        return
    if call.operation == "update_text" and outcome.status == "done":
        row.text_patched_at = now
        session.add(row)
        return
    if call.operation == "answers" and outcome.status == "done":
        _store_answers(session, meeting, row, reply.body, now)
        session.add(row)
        return
    if outcome.status != "failed":
        return
    if call.operation == "answers" and reply.status not in (401, 403, 404):
        return  # a read that gave up: the queue card shows it, the next status card retries
    if reply.status == 404 and call.operation != "create":
        row.problem = "deleted"
        session.add(row)
        tell_secretariat(session, meeting, f"deleted:g{row.generation}", lambda: (
            t("outlook.service.outlook_motet_er_2"),
            [t("outlook.service.hendelsen_for_finnes", title=meeting.title),
             t("outlook.service.opprett_den_pa", id=meeting.id)]), now, recreate_button=True)
        return
    row.problem = "forbidden" if reply.status in (401, 403) else "failed"
    session.add(row)
    if call.operation == "create" and meeting.invited_at:
        release_invitations(session, meeting, now, refresh)  # no more waiting for the link
    tell_secretariat(session, meeting, f"failed:{call.id}", lambda: (
        t("outlook.service.outlook_motet_kunne") if call.operation == "create"
        else t("outlook.service.outlook_motet_kunne_2"),
        [t("outlook.service.title_error", title=meeting.title, error=outcome.said()),
         t("outlook.service.innkallingen_teams_gjelder")]), now,
        recreate_button=call.operation == "create")


def ask_answers(session: Session, meeting_id: int, now: datetime,
                settings: Settings | None = None) -> bool:
    """The status card is open: read the Outlook answers again if they are old. Queued?"""
    row = calls.event_for(session, meeting_id)
    if (settings is None or not settings.graph_feature("answers") or row is None
            or not row.event_id or row.problem):
        return False
    if row.answers_at is not None and now - row.answers_at < ANSWERS_EVERY:
        return False
    if any(c.operation == "answers" and c.status in calls.OPEN
           for c in calls.calls(session, meeting_id)):
        return False
    return calls.queue(session, meeting_id, "answers", f"answers:{uuid.uuid4().hex[:12]}",
                       _txid(session, meeting_id, row, now), {}, now)


def answers_line(session: Session, meeting_id: int) -> str:
    """«Svar i Outlook: 12 godtatt, 2 avslått, 28 ikke svart (hentet 09.14)», or ''."""
    row = calls.event_for(session, meeting_id)
    if row is None or row.answers_at is None:
        return ""
    counts: dict[str, int] = json.loads(row.answers or "{}")
    if not set(counts) <= set(ANSWER_ORDER):
        return ""  # counted by words before the codes: read again within ten minutes
    parts = [f"{counts[code]} {response_word(code)}" for code in ANSWER_ORDER if counts.get(code)]
    return t("outlook.service.svar_outlook_hentet",
             value1=', '.join(parts) or t("outlook.service.ingen_deltakere"),
             answers_at=clock(row.answers_at))


# Graph's time of an attendee who never answered; one without a time only fills a gap.
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _answered_at(status: dict[str, Any]) -> datetime:
    try:
        at = datetime.fromisoformat(str(status.get("time", "")).replace("Z", "+00:00"))
    except ValueError:
        return NEVER
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return at if at > NEVER else NEVER


def _store_answers(session: Session, meeting: Meeting, row: OutlookEvent, body: dict[str, Any],
                   now: datetime) -> None:
    """The counts for the status card, and each invitee's answer by the precedence rules."""
    counts: dict[str, int] = {}
    given: list[tuple[int, Any, datetime]] = []
    invited = {m.id for m in rsvp_repo.invitees(session, meeting.id or 0)}
    for attendee in body.get("attendees") or []:
        if not isinstance(attendee, dict):
            continue
        status: dict[str, Any] = attendee.get("status") or {}
        if not isinstance(status, dict):
            continue
        response = str(status.get("response", "none"))
        if response == "organizer":
            continue
        code = _CODES.get(response, "none")
        counts[code] = counts.get(code, 0) + 1
        answer = outlook_answer(response, meeting.format)
        address = str((attendee.get("emailAddress") or {}).get("address", "") or "")
        member = (find_for_identity(session, aad_object_id=None, email=address, upn=address)
                  if answer is not None and address else None)
        if member is not None and member.id in invited and member.active:
            given.append((member.id or 0, answer, _answered_at(status)))
    row.answers, row.answers_at = json.dumps(counts), now
    rsvp_repo.save_outlook_answers(session, meeting.id or 0, given)


def schedule_answer_poll(session: Session, meeting: Meeting, now: datetime) -> None:
    """The next read of the Outlook answers, 30 minutes on, while the meeting has not ended."""
    end = meeting.ends_at or meeting.starts_at
    due = now + ANSWERS_POLL
    if end is None or due > end or meeting.status == MeetingStatus.cancelled:
        return
    slot = int(due.timestamp()) // int(ANSWERS_POLL.total_seconds())
    store.schedule(session, ANSWERS_JOB, f"meeting:{meeting.id}:{slot}",
                   {"meeting_id": meeting.id}, due, end, now,
                   description=t("outlook.service.svar_fra_outlook_jobb", title=meeting.title))


def poll_answers(session: Session, now: datetime, *, meeting_id: int,
                 settings: Settings | None = None) -> None:
    """Scheduler job: read the Outlook answers again, and plan the next read."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.status not in (MeetingStatus.invited, MeetingStatus.held):
        return
    ask_answers(session, meeting_id, now, settings)
    schedule_answer_poll(session, meeting, now)


def register_jobs(jobs: Jobs, settings: Settings | None = None) -> None:
    """The Outlook feature's job: the answers read back every 30 minutes."""
    store.register(jobs, ANSWERS_JOB, partial(poll_answers, settings=settings))


def status_lines(session: Session, meeting_id: int) -> list[str]:
    """The meeting's Outlook state as tab-separated lines (CLI)."""
    row = calls.event_for(session, meeting_id)
    if row is None:
        return [t("outlook.service.outlook_ingen")]
    lines = [f"outlook\t{row.event_id or '-'}\t{row.ical_uid or '-'}\t{row.join_url or '-'}\t"
             f"{row.problem or 'ok'}"]
    lines += [f"kall\t{c.id}\t{c.operation}\t{c.status}\t{c.attempts}\t{c.last_error or '-'}"
              for c in calls.calls(session, meeting_id)]
    return lines

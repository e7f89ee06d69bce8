"""The referat after the meeting (use cases): frozen versions, «Send til høring» with a
card 1:1 to each recipient, corrections until the deadline, the approval item on the
group's next meeting, approval by «Vedtak: godkjent» there, and the signed links."""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from cards.actions import MinutesCirculateAction, MinutesNewVersionAction
from cards.common import attachment
from cards.minutes_review import (
    ApprovedView,
    CirculationView,
    CorrectionLine,
    ReviewView,
    VersionLine,
    build_approved_card,
    build_circulation_card,
)
from core.clock import Clock, FrozenClock
from core.i18n import t
from core.links import LinkError, LinkSigner
from core.timefmt import date_plain, day_long, span, to_oslo
from delivery.sendout import start_sendout
from domain.meetings import AgendaKind
from domain.minutes_review import (
    Audience,
    ReviewError,
    ReviewState,
    approval_title,
    check_correction,
    corrections_open,
    default_deadline,
    is_minutes_approval,
    markdown_from_paragraphs,
    may_approve_on,
)
from services.minutes_draft import LIVE_VERSION, build_draft, download, render_docx, render_markdown
from storage import audit, live_cards
from storage import minutes_review as repo
from storage.live_cards import Tracked
from storage.meeting_models import AgendaItem, Meeting
from storage.meetings import agenda_items, linked_channels
from storage.minutes_review_models import MinutesReview, MinutesVersion
from storage.models import Member, Role

PURPOSE_CIRCULATION = "minutes_circulation"
PURPOSE_APPROVED = "minutes_approved"
LIVE_KIND = "minutes_approved"  # the approved referat's card in the group's channel
CHANNEL = "channel"  # the link recipient of the channel's card (approved versions only)
DRAFT_LINK_DAYS = 60  # after the deadline; an approved version's link lasts ten years
ARCHIVE_LINK_DAYS = 3650
MAX_UPLOAD = 20 * 1024 * 1024
FORMATS = {"docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "referat-v{n}.docx"),
           "md": ("text/markdown", "referat-v{n}.md")}


def subject(meeting_id: int) -> str:
    """The ledger subject of a referat's høring and approval send-outs."""
    return f"minutes:{meeting_id}"


def member_recipient(member_id: int) -> str:
    """A link's recipient for one member (the member id, as issue 16's draft links)."""
    return str(member_id)


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise ReviewError(t("minutes_review.service.fant_ikke_mote", meeting_id=meeting_id))
    return meeting


def check_meeting(session: Session, meeting_id: int) -> None:
    """ReviewError (Norwegian) when there is no such meeting."""
    _meeting(session, meeting_id)


def version_state(review: MinutesReview | None, version: MinutesVersion) -> str:
    """One word for a version's place: godkjent, til høring, erstattet or utkast."""
    if version.approved_at is not None:
        return t("minutes_review.service.v_godkjent")
    if review is not None and review.state == ReviewState.circulated \
            and review.version == version.number:
        return t("minutes_review.service.v_til_horing")
    if version.circulated_at is not None:
        return t("minutes_review.service.v_erstattet")
    return t("minutes_review.service.v_utkast")


def _when(meeting: Meeting) -> str:
    if meeting.starts_at is None:
        return meeting.date_text or t("minutes.service.dato_kommer")
    return span(meeting.starts_at, meeting.ends_at)


def snapshot(session: Session, meeting_id: int, now: datetime) -> tuple[str, bytes]:
    """The draft as it stands, rendered: (Markdown, DOCX bytes)."""
    draft = build_draft(session, meeting_id, clock=FrozenClock(now))
    return render_markdown(draft), render_docx(draft)


# --- links: one version, one recipient, always that version ---------------------------

def link_expiry(review: MinutesReview | None, version: MinutesVersion) -> datetime:
    """Stable per version: an approved one's link lasts as an archive does, a draft's a
    while past its deadline."""
    if version.approved_at is not None:
        return version.approved_at + timedelta(days=ARCHIVE_LINK_DAYS)
    base = review.deadline if review and review.deadline else version.created_at
    return base + timedelta(days=DRAFT_LINK_DAYS)


def version_url(links: LinkSigner, review: MinutesReview | None, version: MinutesVersion,
                recipient: str, fmt: str = "") -> str:
    """The signed link to exactly this version for this recipient."""
    url = links.url("minutes", version.meeting_id, link_expiry(review, version),
                    version=version.number, recipient=recipient)
    return f"{url}/{fmt or 'docx'}"


def current_url(session: Session, links: LinkSigner, meeting_id: int, recipient: str) -> str:
    """The link cards show now: the approved version once there is one, else the version
    under høring, else the newest."""
    review = repo.review(session, meeting_id)
    found = repo.version(session, meeting_id, review.version) if review and review.version \
        else repo.latest(session, meeting_id)
    return version_url(links, review, found, recipient) if found else ""


@dataclass(frozen=True)
class Served:
    status: int
    content_type: str
    body: bytes
    filename: str = ""


def _page(title: str, text: str, url: str = "", link_text: str = "") -> bytes:
    link = f'<p><a href="{html.escape(url)}">{html.escape(link_text)}</a></p>' if url else ""
    return (f'<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>'
            f"{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(text)}</p>{link}</body></html>").encode()


def _may_open_draft(session: Session, meeting_id: int, recipient: str) -> bool:
    """A draft is for those it was sent to for corrections, and the active secretariat."""
    if not recipient.isdigit():
        return False
    member = session.get(Member, int(recipient))
    if member is None or not member.active:
        return False
    return member.role == Role.secretariat or repo.is_recipient(session, meeting_id,
                                                                 member.id or 0)


def serve(session: Session, links: LinkSigner, token: str, clock: Clock,
          fmt: str = "docx") -> Served:
    """What a link answers: its version's bytes; a superseded draft's link a short page
    pointing to the approved version; a refusal in Norwegian. Version 0 is the live draft
    (issue 16's download)."""
    text = "text/plain"
    try:
        link = links.check("minutes", token, clock.now())
    except LinkError as exc:
        return Served(403, text, str(exc).encode())
    if link.version == LIVE_VERSION:
        live = download(session, links, token, fmt, clock)
        return Served(live.status, live.media_type, live.body, live.filename)
    if fmt not in FORMATS:
        return Served(404, text, t("minutes_review.route.ukjent_format").encode())
    version = repo.version(session, link.subject, link.version)
    if version is None:
        return Served(404, text, t("minutes_review.route.fant_ikke_versjonen").encode())
    review = repo.review(session, link.subject)
    if version.approved_at is None:
        if review and review.state == ReviewState.approved:
            approved = repo.version(session, link.subject, review.version)
            assert approved is not None
            url = version_url(links, review, approved, link.recipient)
            return Served(200, "text/html", _page(
                t("minutes_review.route.erstattet_tittel", version=version.number),
                t("minutes_review.route.erstattet", version=approved.number,
                  approved_on=day_long(review.approved_on) if review.approved_on else ""),
                url, t("minutes_review.route.les_godkjent")))
        if not _may_open_draft(session, link.subject, link.recipient):
            return Served(403, text, t("minutes_review.route.ikke_pa_horing").encode())
        if version.redacted:
            return Served(410, text, t("minutes_review.route.sladdet").encode())
    content_type, name = FORMATS[fmt]
    body = version.docx if fmt == "docx" else version.markdown.encode()
    return Served(200, content_type, body, name.format(n=version.number))


# --- versions ------------------------------------------------------------------------

def _refuse_if_approved(review: MinutesReview | None) -> None:
    if review is not None and review.state == ReviewState.approved:
        raise ReviewError(t("minutes_review.service.er_godkjent", version=review.version))


def _stored(session: Session, meeting_id: int, markdown: str, docx: bytes, *, source: str,
            member_id: int | None, now: datetime) -> MinutesVersion:
    """A new version; under høring it becomes the circulated one (guarded by the version it
    follows, so two at once cannot both take its place)."""
    review = repo.ensure_review(session, meeting_id, now)
    made = repo.add_version(session, meeting_id, markdown, docx, source=source,
                            member_id=member_id, now=now)
    if review.state == ReviewState.circulated:
        if not repo.transition(session, meeting_id, ReviewState.circulated,
                               ReviewState.circulated, now=now, version_from=review.version,
                               version=made.number):
            raise ReviewError(t("minutes_review.service.endret_samtidig"))
        repo.mark_version(session, made.id or 0, circulated_at=now)
    audit.record(session, action=MinutesNewVersionAction.verb, actor_member_id=member_id,
                 target=f"meeting:{meeting_id}", detail=f"v{made.number} {source}")
    return made


def new_version(session: Session, meeting_id: int, member_id: int | None,
                now: datetime) -> MinutesVersion:
    """`minutes version` / «Lag ny versjon»: the notes as they stand, frozen."""
    _meeting(session, meeting_id)
    _refuse_if_approved(repo.review(session, meeting_id))
    markdown, docx = snapshot(session, meeting_id, now)
    return _stored(session, meeting_id, markdown, docx, source="notes", member_id=member_id,
                   now=now)


def docx_markdown(data: bytes) -> str:
    """The Markdown of a Word file's text; ReviewError when it is not a .docx."""
    if len(data) > MAX_UPLOAD:
        raise ReviewError(t("minutes_review.service.filen_er_for_stor"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ReviewError(t("minutes_review.service.ikke_docx"))
        from docx import Document

        document = Document(io.BytesIO(data))
    except ReviewError:
        raise
    except Exception:  # noqa: BLE001  (any parser failure means: not a Word file we can read)
        raise ReviewError(t("minutes_review.service.ikke_docx")) from None
    parts = [(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(("", "| " + " | ".join(c.text.strip() for c in row.cells) + " |"))
    return markdown_from_paragraphs(parts)


def upload(session: Session, meeting_id: int, data: bytes, member_id: int | None,
           now: datetime) -> MinutesVersion:
    """`minutes upload`: the secretariat's edited Word file becomes the next version as it
    is, so their edits are what is circulated and approved."""
    _meeting(session, meeting_id)
    _refuse_if_approved(repo.review(session, meeting_id))
    markdown = docx_markdown(data)
    return _stored(session, meeting_id, markdown, data, source="upload", member_id=member_id,
                   now=now)


# --- høring ----------------------------------------------------------------------------

def _outline(session: Session, meeting_id: int) -> list[str]:
    return [f"{i.number}. {i.title}" for i in agenda_items(session, meeting_id)]


def circulation_view(session: Session, links: LinkSigner, meeting_id: int, member_id: int,
                     now: datetime, notice: str = "", problem: bool = False) -> CirculationView:
    """The høring card as this recipient sees it now (after approval: the approved link)."""
    meeting = _meeting(session, meeting_id)
    review = repo.review(session, meeting_id)
    deadline = review.deadline if review else None
    still = bool(review and review.state == ReviewState.circulated
                 and corrections_open(deadline, now))
    return CirculationView(
        meeting_id, review.version if review else 0, meeting.title, _when(meeting),
        _outline(session, meeting_id),
        current_url(session, links, meeting_id, member_recipient(member_id)),
        span(deadline) if deadline else "", open=still, notice=notice, problem=problem)


def _circulation_activity(view: CirculationView) -> dict[str, Any]:
    text = t("minutes_review.service.til_horing", title=view.meeting_title)
    return {"type": "message", "text": text, "summary": text,
            "attachments": [attachment(build_circulation_card(view))]}


@dataclass(frozen=True)
class Circulated:
    version: int
    recipients: int
    deadline: datetime
    sendout_id: int


def circulate(session: Session, meeting_id: int, *, audience: Audience,
              deadline: datetime | None, member_id: int | None, now: datetime,
              links: LinkSigner) -> Circulated:
    """«Send til høring»: freeze a version (or take the newest not yet circulated), move
    draft → circulated, and queue the card once to each recipient. Everything is checked
    before anything is written."""
    meeting = _meeting(session, meeting_id)
    review = repo.review(session, meeting_id)
    if review is not None and review.state == ReviewState.circulated:
        raise ReviewError(t("minutes_review.service.allerede_pa_horing",
                            version=review.version, deadline=span(review.deadline)
                            if review.deadline else ""))
    _refuse_if_approved(review)
    if deadline is not None and deadline <= now:
        raise ReviewError(t("minutes_review.rule.fristen_er_passert"))
    people = (repo.present_members(session, meeting_id) if audience == Audience.present
              else repo.group_members(session, meeting_id))
    if not people:
        raise ReviewError(t("minutes_review.service.ingen_til_stede")
                          if audience == Audience.present
                          else t("minutes_review.service.ingen_medlemmer"))
    due = deadline or default_deadline(now)
    newest = repo.latest(session, meeting_id)
    if newest is None or newest.circulated_at is not None:
        markdown, docx = snapshot(session, meeting_id, now)
        newest = repo.add_version(session, meeting_id, markdown, docx, source="notes",
                                  member_id=member_id, now=now)
    repo.ensure_review(session, meeting_id, now)
    if not repo.transition(session, meeting_id, ReviewState.draft, ReviewState.circulated,
                           now=now, version=newest.number, deadline=due,
                           audience=audience.value):
        raise ReviewError(t("minutes_review.service.endret_samtidig"))
    repo.mark_version(session, newest.id or 0, circulated_at=now)
    repo.add_recipients(session, meeting_id, [m.id or 0 for m in people], now)
    sendout = start_sendout(
        session, PURPOSE_CIRCULATION, subject(meeting_id), people,
        lambda m: _circulation_activity(circulation_view(session, links, meeting_id,
                                                         m.id or 0, now)),
        now, title=t("minutes_review.service.til_horing", title=meeting.title))
    audit.record(session, action=MinutesCirculateAction.verb, actor_member_id=member_id,
                 target=f"meeting:{meeting_id}",
                 detail=f"v{newest.number}, {len(people)} ({audience.value})")
    return Circulated(newest.number, len(people), due, sendout.id or 0)


def correct(session: Session, links: LinkSigner, meeting_id: int, version: int,
            member: Member, text: str, now: datetime) -> CirculationView:
    """«Send rettelse»: stored for the secretariat while the høring is open, from those it
    was sent to; the card comes back saying what happened."""
    member_id = member.id or 0

    def refused(why: str) -> CirculationView:
        return circulation_view(session, links, meeting_id, member_id, now, why, problem=True)

    _meeting(session, meeting_id)
    review = repo.review(session, meeting_id)
    if not repo.is_recipient(session, meeting_id, member_id):
        return refused(t("minutes_review.service.ikke_mottaker"))
    if review is None or review.state != ReviewState.circulated:
        return refused(t("minutes_review.service.ikke_pa_horing"))
    if not corrections_open(review.deadline, now):
        return refused(t("minutes_review.service.fristen_gikk_ut",
                         deadline=span(review.deadline) if review.deadline else ""))
    try:
        cleaned = check_correction(text)
    except ReviewError as exc:
        return refused(str(exc))
    repo.add_correction(session, meeting_id, version, member_id, cleaned, now)
    return circulation_view(session, links, meeting_id, member_id, now,
                            t("minutes_review.service.takk_for_rettelsen"))


# --- the secretariat's card ------------------------------------------------------------

def state_text(review: MinutesReview | None) -> str:
    """«Utkast», «Til høring: versjon 2, frist …», «Godkjent: versjon 2, 20. oktober 2023»."""
    if review is None or review.state == ReviewState.draft:
        return t("minutes_review.service.state_draft")
    if review.state == ReviewState.circulated:
        return t("minutes_review.service.state_circulated", version=review.version,
                 deadline=span(review.deadline) if review.deadline else "")
    return t("minutes_review.service.state_approved", version=review.version,
             approved_on=day_long(review.approved_on) if review.approved_on else "")


def review_view(session: Session, links: LinkSigner, meeting_id: int, member_id: int,
                notice: str = "", problem: bool = False) -> ReviewView:
    """The secretariat's card: every version (links signed for the viewer), every
    correction, and what can be done next."""
    meeting = _meeting(session, meeting_id)
    review = repo.review(session, meeting_id)
    recipient = member_recipient(member_id)
    lines = [VersionLine(v.number, t("minutes_review.service.versjon_linje",
                                     source=t("minutes_review.service.fra_word")
                                     if v.source == "upload"
                                     else t("minutes_review.service.fra_notatene"),
                                     when=span(v.created_at)),
                         version_url(links, review, v, recipient))
             for v in repo.versions(session, meeting_id)]
    corrections = [CorrectionLine(name, c.version, span(c.created_at), c.text)
                   for c, name in repo.corrections(session, meeting_id)]
    state = review.state if review else ReviewState.draft
    return ReviewView(meeting_id, meeting.title, _when(meeting), state_text(review), lines,
                      corrections, len(repo.recipients(session, meeting_id)),
                      can_circulate=state == ReviewState.draft,
                      can_version=state != ReviewState.approved, notice=notice,
                      problem=problem)


# --- the next meeting: its approval item, and approval there ---------------------------

def add_approval_item(session: Session, meeting: Meeting, now: datetime) -> AgendaItem | None:
    """A new meeting of the group, not yet invited: item 2 «Godkjenning av referat fra
    møtet <dato>» for the group's open referat (an item already starting «Godkjenning av
    referat» is linked instead). None when there is nothing to approve."""
    if meeting.invited_at is not None or meeting.id is None:
        return None
    review = repo.previous_open(session, meeting)
    if review is None:
        return None
    earlier = session.get(Meeting, review.meeting_id)
    assert earlier is not None and earlier.starts_at is not None
    items = agenda_items(session, meeting.id)
    item = next((i for i in items if is_minutes_approval(i.title)), None)
    if item is None:
        title = approval_title(date_plain(to_oslo(earlier.starts_at).date()))
        item = repo.insert_item_at(session, meeting.id, 2 if items else 1, title,
                                   AgendaKind.approval.value)
    if not repo.link_approval_item(session, review.meeting_id, item.id or 0, now):
        return None
    audit.record(session, action="minutes_review.approval_item",
                 target=f"meeting:{meeting.id}:item:{item.number}",
                 detail=f"minutes:{review.meeting_id}")
    return item


def approval_for(session: Session, item: AgendaItem, now: datetime) -> MinutesReview | None:
    """The referat «Vedtak: godkjent» on this item approves, checked (ReviewError when it
    cannot be approved now); None for an approval item that approves no stored referat."""
    review = repo.review_for_item(session, item.id or 0)
    if review is None:
        return None
    if review.state == ReviewState.approved:
        return None  # approved already: the decision is only written again
    meeting = session.get(Meeting, item.meeting_id)
    day = to_oslo(meeting.starts_at).date() if meeting and meeting.starts_at else None
    if not may_approve_on(day, to_oslo(now).date()):
        raise ReviewError(t("minutes_review.service.godkjennes_pa_motet",
                            day=day_long(day) if day else "?"))
    if review.state != ReviewState.circulated:
        raise ReviewError(t("minutes_review.service.ingen_pa_horing"))
    return review


def approve(session: Session, review: MinutesReview, item: AgendaItem, member_id: int | None,
            now: datetime, links: LinkSigner) -> int:
    """circulated → approved (the version under høring, today's date); the approved card
    goes once to every active member of the group and to its channel. How many members."""
    mid = review.meeting_id
    today = to_oslo(now).date()
    if not repo.transition(session, mid, ReviewState.circulated, ReviewState.approved,
                           now=now, version_from=review.version, approved_on=today,
                           approved_in_meeting_id=item.meeting_id):
        return 0  # a press at the same moment approved it and sends it; nothing more here
    approved = repo.version(session, mid, review.version)
    assert approved is not None
    repo.mark_version(session, approved.id or 0, approved_at=now)
    meeting = _meeting(session, mid)
    members = repo.group_members(session, mid)
    start_sendout(session, PURPOSE_APPROVED, subject(mid), members,
                  lambda m: approved_activity(session, links, mid, member_recipient(m.id or 0)),
                  now, title=t("minutes_review.service.godkjent_tittel", title=meeting.title))
    live_cards.track(session, [Tracked(LIVE_KIND, mid, ref.conversation_id)
                               for ref in linked_channels(session, mid)])
    audit.record(session, action="minutes_review.approve", actor_member_id=member_id,
                 target=f"meeting:{mid}",
                 detail=f"v{approved.number} i meeting:{item.meeting_id}")
    return len(members)


def approved_activity(session: Session, links: LinkSigner, meeting_id: int,
                      recipient: str) -> dict[str, Any]:
    """The approved referat's message, with the link signed for its recipient."""
    meeting = _meeting(session, meeting_id)
    review = repo.review(session, meeting_id)
    assert review is not None and review.approved_on is not None
    view = ApprovedView(meeting.title, _when(meeting), review.version,
                        day_long(review.approved_on),
                        current_url(session, links, meeting_id, recipient))
    text = t("minutes_review.service.godkjent_tittel", title=meeting.title)
    return {"type": "message", "text": text, "summary": text,
            "attachments": [attachment(build_approved_card(view))]}


def render(session: Session, card: Any, now: datetime,  # noqa: ARG001
           *, links: LinkSigner) -> dict[str, Any] | None:
    """The channel's live card of the approved referat."""
    review = repo.review(session, card.subject_id)
    if review is None or review.state != ReviewState.approved:
        return None
    return approved_activity(session, links, card.subject_id, CHANNEL)

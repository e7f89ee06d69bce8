"""The referat draft (issue 16): built from what is recorded so far, at any time, and drawn
as Markdown or Word; the signed download links and what they serve.

`build_draft` is the one place that reads a meeting into a `domain.minutes_draft.Draft`;
the renderers live in cards/documents.py (pure, python-docx writing to memory) and are
re-exported here, so callers (CLI, chat, the download route, issue 17's versions) need only
this module.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from cards.documents import docx_bytes, markdown_text
from cards.minutes_draft import DraftCardView
from core.clock import Clock
from core.i18n import t
from core.links import LinkError, LinkSigner
from domain import minutes_draft as md
from domain.meetings import MeetingFormat
from domain.minutes_draft import (
    AttendanceSection,
    Attendee,
    Document,
    Draft,
    FollowupRow,
    InputSection,
    ItemSection,
    RegionUpdate,
    RoundSection,
    Sort,
)
from storage import audit
from storage import minutes as minutes_repo
from storage import minutes_draft as repo
from storage import minutes_review as review_repo
from storage.attendance import attendance_list
from storage.meeting_models import Meeting
from storage.models import Member, Role

LINK_PURPOSE = "minutes"
LINK_HOURS = 24  # a download link from the card works for a day
LIVE_VERSION = 0  # the draft as recorded now; issue 17's stored versions count from 1
FORMATS = ("md", "docx")
MEDIA_TYPES = {
    "md": "text/markdown",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_ONLINE = (MeetingFormat.digital, MeetingFormat.webinar)


class DraftError(LookupError):
    """The meeting does not exist (Norwegian text)."""


def render_markdown(draft: Draft) -> str:
    """GitHub-flavoured Markdown; user text escaped so it comes out as written and inert."""
    return markdown_text(md.layout(draft))


def render_docx(draft: Draft) -> bytes:
    """A Word document: heading styles, real tables, page numbers, the group in the header."""
    return docx_bytes(md.layout(draft), title=draft.title, author=draft.group_title,
                      header=draft.group_title, created=draft.generated_at)


RENDERERS: dict[str, Callable[[Draft], str | bytes]] = {
    "md": render_markdown, "docx": render_docx}


def render(draft: Draft, fmt: str) -> bytes:
    """The draft as the bytes of a file in `fmt` (md as UTF-8)."""
    out = RENDERERS[fmt](draft)
    return out.encode("utf-8") if isinstance(out, str) else out


def file_name(draft: Draft, fmt: str) -> str:
    """`referatutkast-møte-12.docx`."""
    name = t("minutes_draft.filnavn", meeting_id=draft.meeting_id)
    return f"{name}.{fmt}"


def build_draft(session: Session, meeting_id: int, *, sort: Sort | str = Sort.region,
                clock: Clock) -> Draft:
    """The draft of a meeting from what is recorded now; DraftError when there is no such
    meeting."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise DraftError(t("meetings.service.fant_ikke_mote", meeting_id=meeting_id))
    by_item = minutes_repo.minutes_by_item(session, meeting_id)
    titles = [(m.item.number, m.item.title) for m in by_item]
    rounds: dict[int | None, list[RoundSection]] = {}
    numbers = {m.item.id: m.item.number for m in by_item}
    for tied, section in _rounds(session, meeting_id):
        home = md.round_home(numbers.get(tied) if tied else None, titles)
        rounds.setdefault(home, []).append(section)
    inputs: dict[int | None, list[InputSection]] = {}
    for read in repo.inputs(session, meeting_id):
        home = numbers.get(read.session.agenda_item_id) if read.session.agenda_item_id else None
        inputs.setdefault(home, []).append(InputSection(
            _input_title(read.session.questions), md.group_inputs(read.entries)))
    items = tuple(ItemSection(
        m.item.number, m.item.title, md.first_paragraph(m.item.description), m.notes.value,
        m.decision.value, tuple(rounds.get(m.item.number, ())),
        tuple(inputs.get(m.item.number, ())), md.item_role(m.item.title)) for m in by_item)
    followups = tuple(FollowupRow(f.what, minutes_repo.responsible_label(session, f), f.due_date)
                      for f in minutes_repo.followups(session, meeting_id=meeting_id))
    return Draft(
        meeting_id=meeting_id, groups=repo.group_names(session, meeting_id),
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, place=meeting.place,
        online=meeting.format in _ONLINE,
        documents=tuple(Document(d.title, d.url) for d in repo.documents(session, meeting_id)),
        attendance=_attendance(session, meeting_id, sort), items=items,
        rounds=tuple(rounds.get(None, ())), inputs=tuple(inputs.get(None, ())),
        followups=followups,
        future=tuple(repo.future_meetings(session, meeting, months=md.FUTURE_MONTHS,
                                          limit=md.FUTURE_MAX)),
        other_business="", generated_at=clock.now())


def _input_title(questions_json: str) -> str:
    qs = [q for q in json.loads(questions_json or "[]") if isinstance(q, str)]
    return qs[0] if len(qs) == 1 else t("minutes_draft.innspill_tittel")


def _attendance(session: Session, meeting_id: int, sort: Sort | str) -> AttendanceSection:
    here = repo.present(session, meeting_id)
    regrets = tuple(repo.regrets(session, meeting_id))
    if not here:
        people, _ = attendance_list(session, meeting_id)
        yes = tuple(Attendee(p.name, p.region) for p in people if not p.secretariat)
        return AttendanceSection(registered=md.sort_attendees(yes, sort), regrets=regrets)
    return AttendanceSection(
        present=md.sort_attendees((p.attendee for p in here if not p.secretariat), sort),
        secretariat=tuple(p.attendee.name for p in here if p.secretariat), regrets=regrets)


def _rounds(session: Session, meeting_id: int) -> list[tuple[int | None, RoundSection]]:
    """Every round of the meeting with its updates (in the round or written beforehand) and
    «Fraværende» for regions invited, not present and silent."""
    reads = repo.rounds(session, meeting_id)
    early = repo.prewrites(session, meeting_id)
    if not reads and not early:
        return []
    present_regions = {p.region.casefold() for p in repo.present(session, meeting_id)}
    out: list[tuple[int | None, RoundSection]] = []
    for i, read in enumerate(reads or [None]):
        updates = []
        seen: set[str] = set()
        for slot in read.slots if read else []:
            seen.add(slot.label.casefold())
            if slot.update_text.strip():
                updates.append(RegionUpdate(slot.label, slot.update_text.strip(),
                                            absent=str(slot.state) == "absent"))
        if i == 0:  # updates written beforehand belong to the meeting's first round
            for region, text in early:
                if region.casefold() not in seen:
                    seen.add(region.casefold())
                    updates.append(RegionUpdate(region, text.strip(),
                                                absent=region.casefold() not in present_regions))
        spoke = {u.region.casefold() for u in updates}
        absent = tuple(r for r in repo.invited_regions(session, meeting_id)
                       if r.casefold() not in present_regions and r.casefold() not in spoke)
        topic = read.round.topic if read else ""
        tied = read.round.agenda_item_id if read else None
        out.append((tied, RoundSection(topic, tuple(updates), absent)))
    return out


def outline(draft: Draft) -> list[str]:
    """The draft's sections and items as a reader's outline (levels 2 and 3, no regions)."""
    items = {f"{i.number}. {i.title}" for i in draft.items}
    return [h.text for h in md.layout(draft) if isinstance(h, md.Heading)
            and (h.level == 2 or h.text in items)]


def card_view(session: Session, links: LinkSigner, meeting_id: int, member: Member,
              clock: Clock) -> DraftCardView:
    """The «Referatutkast» card for one secretariat member: outline and their own links."""
    draft = build_draft(session, meeting_id, clock=clock)
    now = clock.now()
    return DraftCardView(
        meeting_id, draft.title, md.when_text(draft), outline(draft),
        present=len(draft.attendance.present), followups=len(draft.followups),
        word_url=download_url(links, meeting_id, member, "docx", now),
        markdown_url=download_url(links, meeting_id, member, "md", now), hours=LINK_HOURS,
        corrections=len(review_repo.corrections(session, meeting_id)))


# --- downloads behind signed links ---------------------------------------------------------

@dataclass(frozen=True)
class Download:
    status: int
    body: bytes
    media_type: str = "text/plain"
    filename: str = ""


def download_url(links: LinkSigner, meeting_id: int, member: Member, fmt: str, now: datetime,
                 *, version: int = LIVE_VERSION) -> str:
    """The signed link (purpose minutes, this meeting, version and recipient, a day)."""
    base = links.url(LINK_PURPOSE, meeting_id, _expiry(now), version=version,
                     recipient=str(member.id or 0))
    return f"{base}/{fmt}"


def _expiry(now: datetime) -> datetime:
    # Rounded up to the hour, so a card redrawn within the hour carries the same links.
    return (now + timedelta(hours=LINK_HOURS)).replace(minute=0, second=0, microsecond=0) \
        + timedelta(hours=1)


def download(session: Session, links: LinkSigner, token: str, fmt: str, clock: Clock) -> Download:
    """What GET /minutes/{token}/{fmt} answers: the file, or a Norwegian sentence (403 for a
    bad or expired link or a recipient no longer in the active secretariat, 404 for what is
    gone)."""
    if fmt not in FORMATS:
        return Download(404, t("minutes_draft.ukjent_format").encode())
    try:
        link = links.check(LINK_PURPOSE, token, clock.now())
    except LinkError as exc:
        return Download(403, str(exc).encode())
    recipient = session.get(Member, int(link.recipient)) if link.recipient.isdigit() else None
    if recipient is None or not recipient.active or recipient.role != Role.secretariat:
        return Download(403, t("minutes_draft.ikke_for_deg").encode())
    if link.version != LIVE_VERSION:
        return Download(404, t("minutes_draft.fant_ikke_versjonen").encode())
    try:
        draft = build_draft(session, link.subject, clock=clock)
    except DraftError as exc:
        return Download(404, str(exc).encode())
    audit.record(session, action="minutes.draft.download", actor_member_id=recipient.id,
                 target=f"meeting:{link.subject}", detail=fmt)
    return Download(200, render(draft, fmt), MEDIA_TYPES[fmt], file_name(draft, fmt))

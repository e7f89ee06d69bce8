"""A stand-in for issue 16's draft (services/minutes_draft.py) until that branch is merged:
the same interface, `build_draft` → `render_markdown` / `render_docx`, with the minutes per
agenda item only. Removed when issue 16 lands."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document
from sqlmodel import Session

from core.clock import Clock
from core.i18n import t
from core.timefmt import span
from storage import minutes as repo
from storage.meeting_models import Meeting


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Draft:
    title: str
    when: str
    sections: list[Section]


def build_draft(session: Session, meeting_id: int, *, sort: str = "region",  # noqa: ARG001
                clock: Clock) -> Draft:  # noqa: ARG001
    """The meeting's minutes so far, one section per agenda item."""
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    sections = []
    for m in repo.minutes_by_item(session, meeting_id):
        paras = [p for p in (m.notes.value,) if p]
        if m.decision.value:
            paras.append(t("cards.minutes.vedtak_utfall") + ": " + m.decision.value)
        sections.append(Section(f"{m.item.number}. {m.item.title}", paras))
    when = span(meeting.starts_at, meeting.ends_at) if meeting.starts_at else meeting.date_text
    return Draft(meeting.title, when, sections)


def render_markdown(draft: Draft) -> str:
    """The draft as Markdown."""
    out = [f"# {draft.title}", draft.when]
    for s in draft.sections:
        out.append(f"## {s.heading}")
        out += s.paragraphs
    return "\n\n".join(out) + "\n"


def render_docx(draft: Draft) -> bytes:
    """The draft as a Word file."""
    doc = Document()
    doc.add_heading(draft.title, level=0)
    doc.add_paragraph(draft.when)
    for s in draft.sections:
        doc.add_heading(s.heading, level=1)
        for p in s.paragraphs:
            doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

"""The referat after the meeting: høring (circulation for corrections), versions and approval
at the group's next meeting. Pure rules: states, deadlines, the approval item's title, and
the Markdown read back from an edited Word file's paragraphs. No database, no I/O."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from core.i18n import SPOKEN, t
from domain.minutes import OSLO, MinutesError, end_of_day

CIRCULATION_DAYS = 7
CORRECTION_LIMIT = 2_000


class ReviewState(enum.StrEnum):
    """draft → circulated (version N, deadline) → approved (version N, date)."""

    draft = "draft"
    circulated = "circulated"
    approved = "approved"


class Audience(enum.StrEnum):
    """Who gets the referat for corrections: those present (default) or every invitee."""

    present = "present"
    all = "all"


class ReviewError(MinutesError):
    """A høring or approval step that cannot be taken; str() is Norwegian for the user."""


def default_deadline(now: datetime) -> datetime:
    """The end of the Oslo day a week from now: corrections are open until then."""
    # The Oslo day first, then a week: «a week from today» is a calendar rule, not 168 hours.
    return end_of_day(now.astimezone(OSLO).date() + timedelta(days=CIRCULATION_DAYS))


def deadline_on(day: date, now: datetime) -> datetime:
    """The end of `day` (Oslo) as the deadline; ReviewError when that has passed."""
    deadline = end_of_day(day)
    if deadline <= now:
        raise ReviewError(t("minutes_review.rule.fristen_er_passert"))
    return deadline


def corrections_open(deadline: datetime | None, now: datetime) -> bool:
    """Whether a correction may still be sent."""
    return deadline is not None and now <= deadline


def check_correction(text: str) -> str:
    """A correction as stored: whitespace kept per line, not empty, not too long."""
    cleaned = "\n".join(line.rstrip() for line in
                        text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n"))
    if not cleaned:
        raise ReviewError(t("minutes_review.rule.skriv_rettelsen"))
    if len(cleaned) > CORRECTION_LIMIT:
        raise ReviewError(t("minutes_review.rule.rettelsen_er_for_lang",
                            count=len(cleaned), limit=CORRECTION_LIMIT))
    return cleaned


def is_minutes_approval(title: str) -> bool:
    """An agenda item that approves minutes: its title starts with «Godkjenning av referat»."""
    # Any spoken language's prefix: the agenda is typed in the group's language, and the
    # item may have been added under another member's language than the one reading it now.
    said = title.strip().casefold()
    return any(said.startswith(t("minutes_review.rule.godkjenning_prefiks", lang).casefold())
               for lang in SPOKEN)


def approval_title(meeting_date: str) -> str:
    """«Godkjenning av referat fra møtet 23. mai 2023» (the date already formatted)."""
    return t("minutes_review.rule.godkjenning_av_referat", date=meeting_date)


def may_approve_on(next_meeting_day: date | None, today: date) -> bool:
    """The approval is the next meeting's decision: on its day or after, not before."""
    return next_meeting_day is not None and today >= next_meeting_day


def markdown_from_paragraphs(paragraphs: Iterable[tuple[str, str]]) -> str:
    """(Word style name, text) pairs as Markdown: «Heading N» → N #s, «Title» → #, list
    styles → «- », the rest as paragraphs. What the secretariat typed stays as typed."""
    out: list[str] = []
    for style, text in paragraphs:
        text = text.strip()
        if not text:
            continue
        name = style.strip().casefold()
        if name == "title":
            out.append(f"# {text}")
        elif name.startswith("heading") and name[7:].strip().isdigit():
            out.append(f"{'#' * min(6, int(name[7:].strip()))} {text}")
        elif name.startswith("list"):
            out.append(f"- {text}")
        else:
            out.append(text)
    return "\n\n".join(out) + ("\n" if out else "")


"""A yearly meeting plan (møteplan, seed 002's table) into meetings to create."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from storage.meeting_models import MeetingFormat, MeetingStatus

OSLO = ZoneInfo("Europe/Oslo")
MONTHS = {m: i for i, m in enumerate(
    ("januar februar mars april mai juni juli august september oktober november desember"
     ).split(), start=1)}
_TAGS = re.compile(r"<[^<>]+>")  # linear: "<" never starts a scan past the next "<"
_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_RANGE = re.compile(r"^(\d{1,2})\.?\s*-\s*(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_FORMATS = (("digital", MeetingFormat.digital), ("fysisk", MeetingFormat.physical),
            ("hybrid", MeetingFormat.hybrid), ("webinar", MeetingFormat.webinar),
            ("weminar", MeetingFormat.webinar), ("konferanse", MeetingFormat.conference),
            ("studietur", MeetingFormat.study_trip))
# No times in a plan: a day meeting is 09.00–11.00 until the secretariat says otherwise.
DAY_START, DAY_END, LAST_DAY_END = time(9, 0), time(11, 0), time(15, 0)


@dataclass
class PlannedMeeting:
    title: str
    format: MeetingFormat
    status: MeetingStatus
    starts_at: datetime | None
    ends_at: datetime | None
    date_text: str
    theme1: str
    theme2: str
    comment: str
    joint: bool


def _clean(cell: str) -> str:
    return " ".join(_TAGS.sub("", cell).replace(" ,", ",").split())


def _at(day: date, when: time) -> datetime:
    return datetime.combine(day, when, OSLO)


def _dates(cell: str, year: int) -> tuple[datetime | None, datetime | None, str]:
    text = cell.strip()
    if m := _DATE.match(text):
        day = date(int(m[3]), int(m[2]), int(m[1]))
        return _at(day, DAY_START), _at(day, DAY_END), ""
    if m := _RANGE.match(text):
        first = date(int(m[4]), int(m[3]), int(m[1]))
        last = date(int(m[4]), int(m[3]), int(m[2]))
        return _at(first, DAY_START), _at(last, LAST_DAY_END), ""
    month = MONTHS.get(text.rstrip("?").casefold())
    return None, None, f"{text} {year}" if month else text


def _format(title: str) -> MeetingFormat:
    lowered = title.casefold()
    for word, fmt in _FORMATS:
        if word in lowered:
            return fmt
    return MeetingFormat.physical


def _title(cell: str) -> str:
    words = cell.split(" ", 1)
    if len(words) == 2 and words[0].casefold() in ("digitalt", "fysisk", "hybrid"):
        cell = words[1]
    title = cell.split(",")[0].rstrip("?").strip()
    return title[:1].upper() + title[1:]


def _year(text: str) -> int:
    if m := re.search(r"møteplan for (\d{4})", text, re.IGNORECASE):
        return int(m[1])
    years = Counter(re.findall(r"\.(20\d\d)\b", text))
    return int(years.most_common(1)[0][0]) if years else date.today().year


def parse_plan(text: str) -> list[PlannedMeeting]:
    """One PlannedMeeting per table row; month-only dates are TBA, "?" is tentative."""
    year = _year(text)
    planned = []
    for line in text.splitlines():
        cells = [_clean(c) for c in line.split("\t")]
        if len(cells) < 2 or not cells[0] or cells[1].casefold() == "dato":
            continue
        cells += [""] * (5 - len(cells))
        starts, ends, date_text = _dates(cells[1], year)
        tentative = cells[0].endswith("?") or cells[1].endswith("?")
        status = (MeetingStatus.tentative if tentative else
                  MeetingStatus.date_tba if starts is None else MeetingStatus.planned)
        planned.append(PlannedMeeting(
            title=_title(cells[0]), format=_format(cells[0]), status=status, starts_at=starts,
            ends_at=ends, date_text=date_text, theme1=cells[2], theme2=cells[3],
            comment=cells[4], joint="fellesmøte" in cells[0].casefold()))
    return planned

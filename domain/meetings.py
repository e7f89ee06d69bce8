"""Meetings, pure: statuses and formats, the yearly plan, agenda lines and the meeting form."""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from core.i18n import t


class MeetingFormat(enum.StrEnum):
    digital = "digital"
    physical = "physical"
    hybrid = "hybrid"
    webinar = "webinar"
    conference = "conference"
    study_trip = "study_trip"


class MeetingStatus(enum.StrEnum):
    planned = "planned"
    date_tba = "date_tba"
    tentative = "tentative"
    invited = "invited"
    held = "held"
    cancelled = "cancelled"


class AgendaKind(enum.StrEnum):
    approval = "approval"
    discussion = "discussion"
    orientation = "orientation"
    round = "round"
    workshop = "workshop"
    other_business = "other_business"


class RsvpAnswer(enum.StrEnum):
    physical = "physical"  # «Kommer (fysisk)»
    digital = "digital"  # «Kommer (digitalt)»
    no = "no"  # «Kommer ikke»
    maybe = "maybe"  # «Usikker»
    attending = "attending"  # «Kommer», form not given: only from Outlook for a hybrid meeting


# Formats where «Kommer» means coming in person / online (an Outlook «accepted» says neither).
_IN_PERSON = (MeetingFormat.physical, MeetingFormat.conference, MeetingFormat.study_trip)
_ONLINE = (MeetingFormat.digital, MeetingFormat.webinar)


def outlook_answer(response: str, meeting_format: MeetingFormat) -> RsvpAnswer | None:
    """An Outlook attendee's status.response as the bot's answer (None: no answer given).

    accepted: «Kommer (digitalt)» for a digital meeting, «Kommer (fysisk)» for a physical one,
    «Kommer» (form not given) for hybrid; tentativelyAccepted: «Usikker»; declined: «Kommer ikke».
    """
    if response == "accepted":
        if meeting_format in _ONLINE:
            return RsvpAnswer.digital
        return RsvpAnswer.physical if meeting_format in _IN_PERSON else RsvpAnswer.attending
    return {"tentativelyAccepted": RsvpAnswer.maybe, "declined": RsvpAnswer.no}.get(response)


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


# Numbered agenda lines ("1. Godkjenning av innkalling") into agenda items.
# Linear patterns (no nested or adjacent competing quantifiers): the old ones took 92 s on
# one agenda line of 3,000 spaces and were exponential on a run of dashes.
_ITEM = re.compile(r"^[\s\-*#]*(\d{1,2})\.\s+(\S.*)$")
_SUB = re.compile(r"^\s*(?:-\s*)?([a-z]|[ivx]+)\.\s+")
# Words that say what kind of item it is, checked in this order.
_KINDS: tuple[tuple[str, AgendaKind], ...] = (
    ("godkjenning", AgendaKind.approval),
    ("runden", AgendaKind.round),
    ("runde ", AgendaKind.round),
    ("eventuelt", AgendaKind.other_business),
    ("orientering", AgendaKind.orientation),
    ("status", AgendaKind.orientation),
    ("workshop", AgendaKind.workshop),
    ("gruppearbeid", AgendaKind.workshop),
    ("innspill", AgendaKind.workshop),
)


@dataclass
class ParsedItem:
    number: int
    title: str
    kind: AgendaKind
    description_lines: list[str] = field(default_factory=list)

    @property
    def description(self) -> str:
        return "\n".join(self.description_lines).strip()


def kind_of(title: str) -> AgendaKind:
    """Guess the kind from the title's words; discussion when nothing matches."""
    lowered = title.casefold() + " "
    for word, kind in _KINDS:
        if word in lowered:
            return kind
    return AgendaKind.discussion


def parse_agenda(text: str) -> list[ParsedItem]:
    """Items in order; text after an item (sub-points, paragraphs) is its description."""
    items: list[ParsedItem] = []
    for raw in text.splitlines():
        line = raw.rstrip()
        match = _ITEM.match(line) if not _SUB.match(line) else None
        if match and (not items or int(match.group(1)) > items[-1].number):
            title = match.group(2).replace("**", "").strip()
            items.append(ParsedItem(int(match.group(1)), title, kind_of(title)))
        elif items and line.strip():
            items[-1].description_lines.append(line.strip())
    return items


# Checking what the secretariat typed into the meeting form (pure; Norwegian errors).
FIELDS = ("group_id", "title", "date", "start", "end", "place", "online_url", "format",
          "agenda", "preparation", "deadline_date")


@dataclass
class MeetingInput:
    group_id: int
    fields: dict[str, Any]
    agenda: list[ParsedItem]


def _clock(text: str) -> time | None:
    try:
        return datetime.strptime(text.strip(), "%H:%M").time()
    except ValueError:
        return None


def check_form(values: dict[str, str], group_ids: set[int]) -> tuple[MeetingInput | None,
                                                                      list[str]]:
    """Either a meeting to save, or the list of what is wrong."""
    errors: list[str] = []
    title = values.get("title", "").strip()
    if not title:
        errors.append(t("meetings.rule.tittel_ma_fylles"))
    group_id = int(values["group_id"]) if values.get("group_id", "").isdigit() else 0
    if group_id not in group_ids:
        errors.append(t("meetings.rule.velg_en_faggruppe"))
    try:
        day = datetime.strptime(values.get("date", "").strip(), "%Y-%m-%d").date()
    except ValueError:
        day = None
        errors.append(t("meetings.rule.dato_ma_velges"))
    start, end = _clock(values.get("start", "")), _clock(values.get("end", ""))
    if start is None or end is None:
        errors.append(t("meetings.rule.fra_og_til"))
    elif end <= start:
        errors.append(t("meetings.til_ma_vaere"))
    fmt = values.get("format", "physical")
    if fmt not in MeetingFormat.__members__:
        errors.append(t("meetings.rule.ukjent_moteform"))
    agenda_text = values.get("agenda", "")
    agenda = parse_agenda(agenda_text)
    if agenda_text.strip() and not agenda:
        errors.append(t("meetings.rule.sakslisten_ma_ha"))
    deadline = None
    if values.get("deadline_date", "").strip():
        try:
            deadline_day = datetime.strptime(values["deadline_date"].strip(), "%Y-%m-%d").date()
            deadline = datetime.combine(deadline_day, time(23, 59), OSLO)
        except ValueError:
            errors.append(t("meetings.rule.svarfristen_ma_vaere"))
    if errors or day is None or start is None or end is None:
        return None, errors
    fields = {"title": title[:400], "starts_at": datetime.combine(day, start, OSLO),
              "ends_at": datetime.combine(day, end, OSLO),
              "place": values.get("place", "").strip()[:400],
              "online_url": values.get("online_url", "").strip()[:1000],
              "format": MeetingFormat(fmt), "preparation": values.get("preparation", "").strip(),
              "rsvp_deadline": deadline}
    return MeetingInput(group_id, fields, agenda), []

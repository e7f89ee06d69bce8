"""Checking what the secretariat typed into the meeting form (pure; Norwegian errors)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from services.agenda import ParsedItem, parse_agenda
from storage.meeting_models import MeetingFormat

OSLO = ZoneInfo("Europe/Oslo")
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
        errors.append("Tittel må fylles ut.")
    group_id = int(values["group_id"]) if values.get("group_id", "").isdigit() else 0
    if group_id not in group_ids:
        errors.append("Velg en faggruppe.")
    try:
        day = datetime.strptime(values.get("date", "").strip(), "%Y-%m-%d").date()
    except ValueError:
        day = None
        errors.append("Dato må velges.")
    start, end = _clock(values.get("start", "")), _clock(values.get("end", ""))
    if start is None or end is None:
        errors.append("Fra og til må være klokkeslett (TT:MM).")
    elif end <= start:
        errors.append("«Til» må være etter «Fra».")
    fmt = values.get("format", "physical")
    if fmt not in MeetingFormat.__members__:
        errors.append("Ukjent møteform.")
    agenda_text = values.get("agenda", "")
    agenda = parse_agenda(agenda_text)
    if agenda_text.strip() and not agenda:
        errors.append("Sakslisten må ha nummererte linjer: «1. Godkjenning av innkalling».")
    deadline = None
    if values.get("deadline_date", "").strip():
        try:
            deadline_day = datetime.strptime(values["deadline_date"].strip(), "%Y-%m-%d").date()
            deadline = datetime.combine(deadline_day, time(23, 59), OSLO)
        except ValueError:
            errors.append("Svarfristen må være en dato.")
    if errors or day is None or start is None or end is None:
        return None, errors
    fields = {"title": title[:400], "starts_at": datetime.combine(day, start, OSLO),
              "ends_at": datetime.combine(day, end, OSLO),
              "place": values.get("place", "").strip()[:400],
              "online_url": values.get("online_url", "").strip()[:1000],
              "format": MeetingFormat(fmt), "preparation": values.get("preparation", "").strip(),
              "rsvp_deadline": deadline}
    return MeetingInput(group_id, fields, agenda), []

"""Numbered agenda lines ("1. Godkjenning av innkalling") into agenda items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from storage.meeting_models import AgendaKind

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

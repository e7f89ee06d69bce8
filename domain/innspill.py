"""Workshop input, pure: statuses and their transitions, group assignment, the export formats."""

from __future__ import annotations

import csv
import enum
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby


class InnspillStatus(enum.StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    voting = "voting"
    done = "done"


class Anonymity(enum.StrEnum):
    named = "named"  # everyone sees who wrote what
    members = "members"  # author stored, shown to the secretariat only
    full = "full"  # no author on entries at all


S = InnspillStatus
# (from, event) -> to: the only way a session's status changes.
TRANSITIONS: dict[tuple[InnspillStatus, str], InnspillStatus] = {
    (S.draft, "open"): S.open,
    (S.open, "close"): S.closed,
    (S.closed, "reopen"): S.open,
    (S.closed, "vote"): S.voting,
    (S.voting, "finish"): S.done,
    (S.closed, "finish"): S.done,
}

STATUS_NB = {S.draft: "et utkast", S.open: "åpent", S.closed: "stengt",
             S.voting: "i prioritering", S.done: "avsluttet"}


class InnspillError(ValueError):
    """Refused: the message is Norwegian and safe to show."""


def next_status(status: InnspillStatus, event: str) -> InnspillStatus:
    """The status after `event` by TRANSITIONS, or InnspillError with a Norwegian reason."""
    target = TRANSITIONS.get((status, event))
    if target is None:
        raise InnspillError(f"Kan ikke «{event}» når innspillet er {STATUS_NB[status]}.")
    return target


@dataclass(frozen=True)
class Pick:
    """One member's choice: who, which area, which municipality or region."""

    member_id: int
    area: str
    organisation: str


@dataclass(frozen=True)
class Placement:
    area: str
    subgroup: int  # 1-based; 1 when the area needs no split
    subgroups: int  # how many sub-groups the area has


def assign(picks: list[Pick], max_size: int) -> dict[int, Placement]:
    """Deterministic placement: areas split into near-equal sub-groups of at most max_size,
    members of one municipality dealt round-robin so they land apart where possible."""
    max_size = max(1, max_size)
    by_area: dict[str, list[Pick]] = defaultdict(list)
    for pick in picks:
        by_area[pick.area].append(pick)
    placed: dict[int, Placement] = {}
    for area, members in by_area.items():
        count = math.ceil(len(members) / max_size)
        for index, pick in enumerate(_spread_order(members)):
            placed[pick.member_id] = Placement(area, index % count + 1, count)
    return placed


def _spread_order(members: list[Pick]) -> list[Pick]:
    """Largest municipality first, each one's members consecutive: dealing this list
    round-robin puts consecutive members of one municipality in different sub-groups."""
    by_org: dict[str, list[Pick]] = defaultdict(list)
    for pick in members:
        by_org[pick.organisation.casefold().strip()].append(pick)
    orgs = sorted(by_org.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [p for _, group in orgs for p in sorted(group, key=lambda p: p.member_id)]


def group_label(placement: Placement) -> str:
    """'Infrastruktur' or 'Infrastruktur – gruppe 2'."""
    if placement.subgroups <= 1:
        return placement.area
    return f"{placement.area} – gruppe {placement.subgroup}"


# Workshop input as Markdown or CSV: by group and theme, with votes and municipality.
@dataclass(frozen=True)
class ExportEntry:
    group: str  # interest area ("" when the session has none)
    theme: str  # the question it answers
    text: str  # exported exactly as written
    votes: int
    municipality: str  # "" when the session is anonymous


def _ordered(entries: list[ExportEntry]) -> list[ExportEntry]:
    # Stable: within one group and theme the most-voted entry comes first.
    return sorted(entries, key=lambda e: (e.group.casefold(), e.theme, -e.votes))


def to_markdown(title: str, entries: list[ExportEntry]) -> str:
    """Headings per group and theme, one bullet per entry."""
    lines = [f"# {title}", ""]
    if not entries:
        return "\n".join(lines + ["Ingen innspill.", ""])
    for group, in_group in groupby(_ordered(entries), key=lambda e: e.group):
        lines += [f"## {group or 'Alle'}", ""]
        for theme, in_theme in groupby(in_group, key=lambda e: e.theme):
            lines += [f"### {theme}", ""]
            for e in in_theme:
                where = f" ({e.municipality})" if e.municipality else ""
                lines.append(f"- {e.text}{where} – {e.votes} stemmer")
            lines.append("")
    return "\n".join(lines)


def to_csv(entries: list[ExportEntry]) -> str:
    """One row per entry; semicolon-free consumers get proper quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["gruppe", "tema", "innspill", "stemmer", "kommune"])
    for e in _ordered(entries):
        writer.writerow([e.group, e.theme, e.text, e.votes, e.municipality])
    return out.getvalue()

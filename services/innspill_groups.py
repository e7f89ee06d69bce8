"""Group assignment for workshop input: one group per interest area, split by size."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass


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

"""Sub-regions (delregioner), pure: the regions file, where an organisation belongs, coverage.

The file (`storage/data/regions.csv`, the secretariat's to keep right) has one row per
organisation: `organisasjon;delregion`. A sub-region exists because some row names it; «-»
as the sub-region marks an organisation that belongs to none (a county, Viken fylkeskommune),
so it is known without counting for any sub-region. Spellings are compared with
`domain.regions.region_key` (case, dashes, a trailing « kommune»), and a spelling the file
does not hold is tried through the region aliases (`Mossereregionen` → Mosseregionen).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from core.i18n import t
from domain.minutes import is_working_day
from domain.regions import CANONICAL_REGIONS, region_key, resolve_region
from domain.rules import wall

NONE_MARK = "-"
NAME_LIMIT = 200
# The header row, in either language; the first column is the organisation.
HEADERS = {("organisasjon", "delregion"), ("organisation", "sub-region"),
           ("organisation", "subregion"), ("organisation", "sub_region")}


class RegionFileError(ValueError):
    """A regions file that cannot be used; the message is Norwegian and names the line."""


@dataclass(frozen=True)
class FileRow:
    """One organisation row: its line in the file, and its sub-region (None for «-»)."""

    line: int
    organisation: str
    sub_region: str | None


def _clean(text: str) -> str:
    return " ".join(text.split())


def decode_regions_file(data: bytes) -> str:
    """The file's text: UTF-8 (a BOM allowed, as Excel writes it), else RegionFileError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise RegionFileError(t("subregions.file.ikke_utf8", line=line)) from exc


def parse_regions_file(text: str) -> list[FileRow]:
    """The rows of a regions file, or RegionFileError naming the first bad line."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or tuple(c.strip().casefold() for c in lines[0].split(";")) not in HEADERS:
        raise RegionFileError(t("subregions.file.forste_linje"))
    rows: list[FileRow] = []
    seen_org: dict[str, int] = {}
    spelled: dict[str, tuple[str, int]] = {}  # sub-region key -> (spelling, first line)
    for number, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        cells = raw.split(";")
        if len(cells) != 2:
            raise RegionFileError(t("subregions.file.to_kolonner", line=number,
                                    count=len(cells)))
        organisation, sub = _clean(cells[0]), _clean(cells[1])
        if not organisation:
            raise RegionFileError(t("subregions.file.mangler_organisasjon", line=number))
        if not sub:
            raise RegionFileError(t("subregions.file.mangler_delregion", line=number,
                                    organisation=organisation, none=NONE_MARK))
        if len(organisation) > NAME_LIMIT or len(sub) > NAME_LIMIT:
            raise RegionFileError(t("subregions.file.for_langt", line=number,
                                    limit=NAME_LIMIT))
        key = region_key(organisation)
        if key in seen_org:
            raise RegionFileError(t("subregions.file.to_ganger", line=number,
                                    organisation=organisation, first=seen_org[key]))
        seen_org[key] = number
        if sub != NONE_MARK:
            first = spelled.setdefault(region_key(sub), (sub, number))
            if first[0] != sub:
                raise RegionFileError(t("subregions.file.skrevet_ulikt", line=number, sub=sub,
                                        first=first[0], first_line=first[1]))
        rows.append(FileRow(number, organisation, None if sub == NONE_MARK else sub))
    if not rows:
        raise RegionFileError(t("subregions.file.ingen_rader"))
    for row in rows:
        # An organisation spelled like another sub-region would be looked up two ways.
        other = spelled.get(region_key(row.organisation))
        if other is not None and other[0] != row.sub_region:
            raise RegionFileError(t("subregions.file.heter_som_delregion", line=row.line,
                                    organisation=row.organisation, sub=other[0]))
    return rows


class Placement(enum.StrEnum):
    """Where an organisation stands against the file."""

    inside = "inside"  # in a sub-region
    outside = "outside"  # known, in none («-»)
    unknown = "unknown"  # not in the file


@dataclass(frozen=True)
class Place:
    """An organisation's placement, and its sub-region when inside one."""

    placement: Placement
    sub_region: str | None = None


UNKNOWN = Place(Placement.unknown)


@dataclass(frozen=True)
class SubRegionTable:
    """The file's content as lookups: sub-regions in file order, organisation key → place."""

    sub_regions: tuple[str, ...]
    organisations: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str | None]]) -> SubRegionTable:
        """From (organisation, sub-region or None) pairs, in file order."""
        subs: dict[str, None] = {}
        organisations: dict[str, str | None] = {}
        for organisation, sub in rows:
            organisations.setdefault(region_key(organisation), sub)
            if sub is not None:
                subs.setdefault(sub, None)
        return cls(tuple(subs), organisations)

    def _by_key(self, key: str) -> Place | None:
        if key in self.organisations:
            sub = self.organisations[key]
            return Place(Placement.inside, sub) if sub else Place(Placement.outside)
        for sub in self.sub_regions:
            if region_key(sub) == key:
                return Place(Placement.inside, sub)
        return None

    def place(self, spelling: str) -> Place:
        """Where one spelling of an organisation or region belongs."""
        if not spelling.strip():
            return UNKNOWN
        found = self._by_key(region_key(spelling))
        if found is not None:
            return found
        canonical = resolve_region(spelling)
        if canonical is not None:
            # The canonical name first, then its other spellings in the order written.
            for other in (canonical, *CANONICAL_REGIONS[canonical]):
                found = self._by_key(region_key(other))
                if found is not None:
                    return found
        return UNKNOWN


def place_member(table: SubRegionTable, organisation: str, region: str | None = None,
                 region_aliases: Sequence[str] = ()) -> Place:
    """A member's sub-region: by their organisation, else their region and its aliases."""
    for spelling in (organisation, region or "", *region_aliases):
        found = table.place(spelling)
        if found.placement is not Placement.unknown:
            return found
    return UNKNOWN


class Status(enum.StrEnum):
    """How well a sub-region is covered by a group's active members."""

    missing = "missing"
    single = "single"
    covered = "covered"


@dataclass(frozen=True)
class SubRegionCoverage:
    """One sub-region in one group: how many active members, from which organisations."""

    name: str
    count: int
    organisations: tuple[str, ...]

    @property
    def status(self) -> Status:
        """None, one person, or more."""
        if self.count == 0:
            return Status.missing
        return Status.single if self.count == 1 else Status.covered


@dataclass(frozen=True)
class Coverage:
    """A group's coverage: each sub-region, and the members the file places in none."""

    sub_regions: tuple[SubRegionCoverage, ...]
    outside: tuple[tuple[str, int], ...] = ()  # (organisation, members) known, in none
    unknown: tuple[tuple[str, int], ...] = ()  # (organisation, members) not in the file

    def named(self, status: Status) -> list[str]:
        """The sub-regions with this status, in file order."""
        return [s.name for s in self.sub_regions if s.status is status]


def _counted(pairs: Iterable[str]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for organisation in pairs:
        counts[organisation] = counts.get(organisation, 0) + 1
    return tuple(sorted(counts.items(), key=lambda kv: kv[0].casefold()))


def coverage(table: SubRegionTable, members: Iterable[tuple[str, Place]]) -> Coverage:
    """The coverage of (organisation label, place) for each active member of a group."""
    inside: dict[str, list[str]] = {name: [] for name in table.sub_regions}
    outside: list[str] = []
    unknown: list[str] = []
    for organisation, place in members:
        if place.placement is Placement.inside and place.sub_region in inside:
            inside[place.sub_region].append(organisation)
        elif place.placement is Placement.outside:
            outside.append(organisation)
        else:
            unknown.append(organisation)
    rows = tuple(SubRegionCoverage(name, len(orgs), tuple(o for o, _ in _counted(orgs)))
                 for name, orgs in inside.items())
    return Coverage(rows, _counted(outside), _counted(unknown))


# --- the monthly reminder: the first working day of each month ---------------------------

REMINDER_AT = time(8, 0)


def month_key(day: date) -> str:
    """«2026-12»: the month a reminder is for (its job key and ledger subject)."""
    return f"{day.year:04d}-{day.month:02d}"


def first_working_day(year: int, month: int) -> date:
    """The month's first Monday to Friday that is no Norwegian public holiday."""
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def next_month(day: date) -> date:
    """The first of the month after `day`'s."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def reminder_due(year: int, month: int, at: time | None) -> datetime:
    """When a month's reminder goes, in UTC: its first working day at `at` Oslo time."""
    return wall(first_working_day(year, month), at or REMINDER_AT)

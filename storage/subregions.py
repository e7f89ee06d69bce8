"""Sub-regions in the database: the default file loaded once, replaced by an import, each
region's sub-region kept in step, and a group's coverage read for the card and the CLI."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from domain.members import Role
from domain.regions import region_key
from domain.subregions import (
    Coverage,
    FileRow,
    Placement,
    SubRegionTable,
    coverage,
    decode_regions_file,
    parse_regions_file,
    place_member,
)
from storage.delivery import insert_ignore
from storage.models import Member, Membership, Region, RegionAlias
from storage.subregions_models import SubRegion, SubRegionOrganisation

DEFAULT_FILE = Path(__file__).parent / "data" / "regions.csv"


def default_rows() -> list[FileRow]:
    """The committed regions file's rows (the content a new database starts with)."""
    return parse_regions_file(decode_regions_file(DEFAULT_FILE.read_bytes()))


def _insert(session: Session, rows: list[FileRow]) -> None:
    # ON CONFLICT DO NOTHING: two instances loading the default at once leave one copy.
    names: dict[str, str] = {}
    for row in rows:
        if row.sub_region is not None:
            names.setdefault(region_key(row.sub_region), row.sub_region)
    insert_ignore(session, SubRegion, [
        {"name": name, "name_key": key, "position": n} for n, (key, name) in
        enumerate(names.items())])
    ids = {s.name_key: s.id for s in session.exec(select(SubRegion))}
    insert_ignore(session, SubRegionOrganisation, [
        {"organisation": row.organisation, "org_key": region_key(row.organisation),
         "sub_region_id": ids[region_key(row.sub_region)] if row.sub_region else None,
         "position": n} for n, row in enumerate(rows)])


def seed_default(session: Session) -> bool:
    """Load the committed file when the database has no sub-regions yet; True if it did."""
    if session.exec(select(func.count()).select_from(SubRegion)).one():
        return False
    _insert(session, default_rows())
    refresh_parents(session)
    return True


def replace_all(session: Session, rows: list[FileRow]) -> tuple[int, int]:
    """The database's sub-regions become the file's; (sub-regions, organisations) now."""
    session.execute(update(Region).values(sub_region_id=None))
    session.execute(delete(SubRegionOrganisation))
    session.execute(delete(SubRegion))
    _insert(session, rows)
    refresh_parents(session)
    subs = session.exec(select(func.count()).select_from(SubRegion)).one()
    return subs, len(rows)


def table(session: Session) -> SubRegionTable:
    """The file's content as the database holds it, in file order."""
    names = {s.id: s.name for s in session.exec(select(SubRegion))}
    orgs = session.exec(select(SubRegionOrganisation)
                        .order_by(col(SubRegionOrganisation.position)))
    subs = session.exec(select(SubRegion).order_by(col(SubRegion.position))).all()
    base = SubRegionTable.from_rows(
        (o.organisation, names.get(o.sub_region_id) if o.sub_region_id else None)
        for o in orgs)
    # Every stored sub-region is listed, in its own order, even one named by no organisation.
    return SubRegionTable(tuple(s.name for s in subs), base.organisations)


def _aliases(session: Session) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for alias in session.exec(select(RegionAlias).order_by(col(RegionAlias.id))):
        found[alias.region_id].append(alias.alias_key)
    return found


def _sub_region_ids(session: Session) -> dict[str, int]:
    return {s.name: s.id for s in session.exec(select(SubRegion)) if s.id is not None}


def refresh_parents(session: Session) -> None:
    """Give every region the sub-region the file places its name or aliases in."""
    tbl, ids, aliases = table(session), _sub_region_ids(session), _aliases(session)
    for region in session.exec(select(Region)).all():
        place = place_member(tbl, region.name, None, aliases.get(region.id or 0, []))
        parent = ids.get(place.sub_region or "") if place.placement is Placement.inside else None
        if region.sub_region_id != parent:
            session.execute(update(Region).where(col(Region.id) == region.id)
                            .values(sub_region_id=parent))
    session.expire_all()


def set_parent(session: Session, region: Region) -> None:
    """A new region's sub-region, by the same rule as refresh_parents."""
    aliases = [a.alias_key for a in session.exec(
        select(RegionAlias).where(RegionAlias.region_id == region.id))]
    place = place_member(table(session), region.name, None, aliases)
    if place.placement is Placement.inside:
        region.sub_region_id = _sub_region_ids(session).get(place.sub_region or "")
        session.add(region)


def regions_with_parents(session: Session) -> list[tuple[Region, str | None, bool, int]]:
    """Every region: its sub-region's name (None: in none), whether the file knows it at
    all (False: add it to the file), and its active members."""
    names = {s.id: s.name for s in session.exec(select(SubRegion))}
    counts = dict(session.exec(
        select(Member.region_id, func.count()).where(Member.active == True)  # noqa: E712
        .group_by(col(Member.region_id))).all())
    tbl, aliases = table(session), _aliases(session)
    out = []
    for r in session.exec(select(Region).order_by(col(Region.id))).all():
        if r.sub_region_id:
            out.append((r, names.get(r.sub_region_id), True, counts.get(r.id, 0)))
            continue
        place = place_member(tbl, r.name, None, aliases.get(r.id or 0, []))
        out.append((r, None, place.placement is Placement.outside, counts.get(r.id, 0)))
    return out


def group_coverage(session: Session, group_id: int) -> Coverage:
    """Which sub-regions the group's active members (role member) come from.

    The secretariat runs the group and guests visit it: neither speaks for a sub-region.
    """
    tbl, aliases = table(session), _aliases(session)
    regions = {r.id: r.name for r in session.exec(select(Region))}
    members = session.exec(
        select(Member).join(Membership, col(Membership.member_id) == col(Member.id))
        .where(Membership.group_id == group_id, Member.active == True,  # noqa: E712
               Member.role == Role.member).order_by(col(Member.id))).all()
    placed = []
    for m in members:
        region = regions.get(m.region_id) if m.region_id else None
        label = m.organisation.strip() or region or "-"
        placed.append((label, place_member(tbl, m.organisation, region,
                                           aliases.get(m.region_id or 0, []))))
    return coverage(tbl, placed)

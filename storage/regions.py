"""Region rows: canonical regions with their aliases, and organisation → region."""

from __future__ import annotations

from sqlmodel import Session, select

from domain.regions import CANONICAL_REGIONS, aliases_of, region_key, resolve_region
from storage.models import Region, RegionAlias
from storage.subregions import set_parent


def _get_or_create_region(session: Session, name: str, created: list[Region]) -> Region:
    region = session.exec(select(Region).where(Region.name == name)).first()
    if region is None:
        region = Region(name=name)
        session.add(region)
        session.flush()
        created.append(region)
    return region


def _ensure_alias(session: Session, region: Region, key: str) -> None:
    existing = session.exec(select(RegionAlias).where(RegionAlias.alias_key == key)).first()
    if existing is None:
        assert region.id is not None
        session.add(RegionAlias(region_id=region.id, alias_key=key))
        session.flush()


def ensure_canonical(session: Session, canonical: str) -> Region:
    """The Region row of a canonical region, with all its alias rows in place."""
    created: list[Region] = []
    region = _get_or_create_region(session, canonical, created)
    for key in aliases_of(canonical):
        _ensure_alias(session, region, key)
    if created:  # its sub-region, now that its aliases can be looked up
        set_parent(session, region)
    return region


def seed_regions(session: Session) -> list[Region]:
    """Create every canonical region and alias (idempotent)."""
    return [ensure_canonical(session, name) for name in CANONICAL_REGIONS]


def region_for_organisation(session: Session, organisation: str) -> Region | None:
    """The region an organisation belongs to; unknown ones become a region of their own."""
    if not organisation.strip():
        return None
    key = region_key(organisation)
    alias = session.exec(select(RegionAlias).where(RegionAlias.alias_key == key)).first()
    if alias is not None:
        return session.get(Region, alias.region_id)
    canonical = resolve_region(organisation)
    if canonical is not None:
        return ensure_canonical(session, canonical)
    created: list[Region] = []
    region = _get_or_create_region(session, " ".join(organisation.split()), created)
    _ensure_alias(session, region, key)
    if created:
        set_parent(session, region)
    return region


def region_names(session: Session) -> dict[int, str]:
    """Region id → name, for listings."""
    return {r.id: r.name for r in session.exec(select(Region)) if r.id is not None}


def find_region(session: Session, text: str) -> Region | None:
    """An existing region by name or alias; never creates one."""
    key = region_key(text)
    alias = session.exec(select(RegionAlias).where(RegionAlias.alias_key == key)).first()
    if alias is not None:
        return session.get(Region, alias.region_id)
    canonical = resolve_region(text)
    name = canonical or text.strip()
    return session.exec(select(Region).where(Region.name == name)).first()

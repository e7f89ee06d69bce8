"""The group's regions as data: canonical names and the other ways the seeds spell them.

Canonical names follow the newest invitation (seed 000). A municipality that seed 000
lists on its own (Drammen, Fredrikstad, Oslo kommune, Lillestrøm kommune) stays its own
region even when it lies inside another one: members there speak for the municipality.
A municipality mapped to a region below is one the seeds show speaking for that region
(Asker/Bærum, Kongsberg, Horten/Holmestrand, Lørenskog, Moss).
"""

from __future__ import annotations

import re

CANONICAL_REGIONS: dict[str, tuple[str, ...]] = {
    "Asker - Bærum": ("Asker og Bærum", "Asker", "Bærum"),
    "Drammen": (),
    "Drammensregionen": ("Drammensregionen IPR",),
    "Follo": ("Follorådet",),
    "Fredrikstad": (),
    "Frogn kommune": (),
    "Gardermoregionen": (),
    "Gjøvikregionen": ("Gjøvik",),
    "Hadeland": ("Hadeland regionråd",),
    "Hamarregionen": ("Hamar",),
    "Indre Østfold": ("Indre Østfold regionråd",),
    "Kongsbergregionen": ("Kongsberg",),
    "Kongsvingerregionen": ("Kongsvinger",),
    "Lillestrøm kommune": (),
    "Lunner kommune": (),
    "Mosseregionen": (
        "Mossereregionen",
        "Mossregionen",
        "Mossregionens næringsutvikling",
        "Mosseregionens næringsutvikling",
        "Mosseregionen næringsutvikling",
        "Moss",
    ),
    "Nedre Romerike": ("Nedre Romerike regionråd", "Lørenskog"),
    "Nordre Follo": (),
    "Oslo Business Region": ("OBR",),
    "Oslo kommune": ("Oslo",),
    "Ringerike": (),
    "Rollag kommune": (),
    "Søndre Viken": ("Søndre Viken IPR",),
    "Vestfoldkommuner": ("Vestfoldkommunene", "Horten", "Holmestrand"),
    "Viken": ("Viken fylkeskommune",),
}

_SEPARATORS = re.compile(r"[\s\-\u2013\u2014]+")
_MUNICIPALITY = re.compile(r"\s+kommune$")


def region_key(text: str) -> str:
    """Normalise for lookup: casefold, drop a trailing " kommune", collapse spaces/dashes."""
    key = _SEPARATORS.sub(" ", text.casefold()).strip(" .,")
    return _MUNICIPALITY.sub("", key) if key != "kommune" else key


def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, aliases in CANONICAL_REGIONS.items():
        for spelling in (canonical, *aliases):
            key = region_key(spelling)
            # Two regions claiming one key would make lookups depend on dict order.
            if index.setdefault(key, canonical) != canonical:
                raise ValueError(f"alias {spelling!r} belongs to two regions")
    return index


ALIAS_INDEX: dict[str, str] = _alias_index()


def resolve_region(text: str) -> str | None:
    """Canonical region name for any known spelling, or None when unknown or empty."""
    if not text.strip():
        return None
    return ALIAS_INDEX.get(region_key(text))


def aliases_of(canonical: str) -> list[str]:
    """Every alias key that points at a canonical region (its own name included)."""
    return sorted(key for key, name in ALIAS_INDEX.items() if name == canonical)

"""«Dekning»: per group, which sub-regions have an active member, which have none, and which
rely on one person; also the monthly reminder when one is missing."""

from __future__ import annotations

from dataclasses import dataclass

from cards.common import Card, adaptive_card, heading, para, plain, tone
from core.i18n import join_list, t


@dataclass(frozen=True)
class CoveredLine:
    """A sub-region and where its active members come from."""

    name: str
    count: int
    organisations: tuple[str, ...]


@dataclass(frozen=True)
class GroupCoverageView:
    """One group's coverage, as the card shows it."""

    group: str
    total: int  # sub-regions in the file
    missing: tuple[str, ...]
    single: tuple[CoveredLine, ...]
    covered: tuple[CoveredLine, ...]
    outside: tuple[tuple[str, int], ...] = ()  # organisations the file places in none
    unknown: tuple[tuple[str, int], ...] = ()  # organisations the file does not know


def _line(c: CoveredLine) -> str:
    orgs = join_list([plain(o) for o in c.organisations])
    return t("cards.coverage.delregion_med_org", name=plain(c.name), count=c.count, orgs=orgs)


def _counted(pairs: tuple[tuple[str, int], ...]) -> str:
    return join_list([t("cards.coverage.org_antall", org=plain(o), count=n) for o, n in pairs])


def _group_items(view: GroupCoverageView) -> list[dict]:
    have = view.total - len(view.missing)
    items: list[dict] = [heading(plain(view.group), size="Medium")]
    items.append(tone(t("cards.coverage.har_aktivt_medlem", have=have, total=view.total),
                      "good" if not view.missing else "attention", weight="Bolder"))
    if view.missing:
        items.append(tone(t("cards.coverage.mangler", names=join_list(
            [plain(n) for n in view.missing])), "attention"))
    if view.single:
        items.append(tone(t("cards.coverage.bare_en_person"), "warning"))
        items += [para(_line(c), spacing="Small") for c in view.single]
    if view.covered:
        items.append(para(t("cards.coverage.dekket"), weight="Bolder"))
        items += [para(_line(c), spacing="Small") for c in view.covered]
    if view.outside:
        items.append(para(t("cards.coverage.utenfor", orgs=_counted(view.outside)),
                          isSubtle=True))
    if view.unknown:
        items.append(para(t("cards.coverage.ukjent", orgs=_counted(view.unknown))))
    return items


def build_coverage_card(groups: list[GroupCoverageView], *, reminder: bool = False) -> Card:
    """Each group's sub-regions: missing first, then one person, then covered; the monthly
    reminder opens with why it came."""
    body: list[dict] = [heading(t("cards.coverage.dekning_av_delregionene"))]
    if reminder:
        body.append(para(t("cards.coverage.manedlig_paminnelse")))
    if not groups:
        body.append(para(t("cards.coverage.ingen_faggrupper")))
    for view in groups:
        body.append({"type": "Container", "separator": True, "items": _group_items(view)})
    body.append(para(t("cards.coverage.regions_csv"), isSubtle=True))
    return adaptive_card(body)


def _sample_group() -> GroupCoverageView:
    return GroupCoverageView(
        "Faggruppe for næringssamarbeid", 16, ("Kongsvingerregionen", "Gjøvikregionen"),
        (CoveredLine("Gardermoregionen", 1, ("Gardermoregionen",)),
         CoveredLine("Ringerike", 1, ("Ringerike",))),
        (CoveredLine("Oslo", 6, ("Oslo Business Region", "Oslo kommune")),
         CoveredLine("Asker og Bærum", 4, ("Asker - Bærum",))),
        outside=(("Viken fylkeskommune", 1),), unknown=(("Osloregionens Europakontor", 1),))


def samples() -> dict[str, Card]:
    """Cards with sample data for validation and pictures."""
    full = GroupCoverageView("Faggruppe for næringssamarbeid", 2, (), (),
                             (CoveredLine("Follo", 3, ("Frogn kommune", "Nordre Follo")),
                              CoveredLine("Oslo", 2, ("Oslo kommune",))))
    return {"coverage": build_coverage_card([_sample_group(), full]),
            "coverage_reminder": build_coverage_card([_sample_group()], reminder=True),
            "coverage_none": build_coverage_card([])}

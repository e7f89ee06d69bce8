"""Sub-regions, pure: the regions file, where an organisation or a member belongs, coverage,
and the day of the monthly reminder."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from domain.rules import RuleSettingError, parse_setting, rules_from_json
from domain.subregions import (
    Place,
    Placement,
    RegionFileError,
    Status,
    SubRegionTable,
    coverage,
    decode_regions_file,
    first_working_day,
    parse_regions_file,
    place_member,
    reminder_due,
)

FIXTURES = Path(__file__).parent / "fixtures"
DEFAULT = Path(__file__).parent.parent / "storage" / "data" / "regions.csv"
# Seed 001's attendance (27 May 2021): the spellings seeds 000 and 003 do not have.
SEED001 = ["Asker - Bærum", "Follo", "Fredrikstad", "Hamarregionen", "Kongsbergregionen",
           "Kongsvingerregionen", "Mossereregionen", "Nedre Romerike", "Oslo",
           "Oslo Business Region", "Ringerike", "Søndre Viken", "Vestfoldkommuner", "Viken"]


def default_table() -> SubRegionTable:
    rows = parse_regions_file(decode_regions_file(DEFAULT.read_bytes()))
    return SubRegionTable.from_rows((r.organisation, r.sub_region) for r in rows)


def _tsv_column(name: str, columns: tuple[int, ...]) -> list[str]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[c] for line in lines if line.strip() for c in columns]


def test_the_default_file_has_the_issues_sixteen_sub_regions_in_its_order() -> None:
    assert default_table().sub_regions == (
        "Asker og Bærum", "Follo", "Nedre Romerike", "Gardermoregionen", "Kongsvingerregionen",
        "Hadeland", "Ringerike", "Drammensregionen", "Kongsbergregionen", "Mosseregionen",
        "Søndre Viken", "Indre Østfold", "Vestfold", "Hamarregionen", "Gjøvikregionen", "Oslo")


def test_the_default_file_places_every_organisation_in_the_seeds() -> None:
    organisations = (_tsv_column("seed000_invitees.tsv", (1, 3))
                     + _tsv_column("seed003_attendance.tsv", (1,)) + SEED001)
    table = default_table()
    unplaced = sorted({o for o in organisations
                       if table.place(o).placement is Placement.unknown})
    assert unplaced == []


@pytest.mark.parametrize(("spelling", "expected"), [
    ("Asker - Bærum", "Asker og Bærum"), ("Bærum", "Asker og Bærum"),
    ("Oslo kommune", "Oslo"), ("Oslo", "Oslo"), ("OBR", "Oslo"),
    ("Lillestrøm kommune", "Nedre Romerike"), ("Lørenskog", "Nedre Romerike"),
    ("Mossereregionen", "Mosseregionen"), ("Mossregionens næringsutvikling", "Mosseregionen"),
    ("Mosseregionen næringsutvikling", "Mosseregionen"), ("Frogn kommune", "Follo"),
    ("Follorådet", "Follo"), ("Rollag kommune", "Kongsbergregionen"), ("Kongsberg",
    "Kongsbergregionen"), ("Indre Østfold regionråd", "Indre Østfold"), ("Modum",
    "Drammensregionen"), ("Drammensregionen IPR", "Drammensregionen"), ("Hamar",
    "Hamarregionen"), ("Horten", "Vestfold"), ("Søndre Viken IPR", "Søndre Viken"),
    ("  nordre   FOLLO ", "Follo"),
])
def test_spellings_from_the_seeds_and_the_aliases_find_their_sub_region(spelling: str,
                                                                         expected: str) -> None:
    assert default_table().place(spelling) == Place(Placement.inside, expected)


def test_a_county_marked_dash_is_known_but_in_no_sub_region_and_a_stranger_is_unknown() -> None:
    table = default_table()
    assert table.place("Viken").placement is Placement.outside
    assert table.place("Viken fylkeskommune").placement is Placement.outside
    assert table.place("Osloregionens Europakontor").placement is Placement.unknown
    assert table.place("").placement is Placement.unknown


def test_a_member_is_placed_by_organisation_first_then_by_region_and_its_aliases() -> None:
    table = default_table()
    assert place_member(table, "Næringsetaten", "Oslo kommune").sub_region == "Oslo"
    assert place_member(table, "Modum", "Oslo kommune").sub_region == "Drammensregionen"
    assert place_member(table, "Ukjent AS", "Ukjent region", ["lørenskog"]).sub_region \
        == "Nedre Romerike"
    assert place_member(table, "Ukjent AS", None).placement is Placement.unknown


def test_coverage_counts_missing_one_person_and_covered_and_tallies_the_rest() -> None:
    table = SubRegionTable.from_rows([("Asker", "Asker og Bærum"), ("Frogn", "Follo"),
                                      ("Ås", "Follo"), ("Moss", "Mosseregionen"),
                                      ("Viken", None)])
    members = [(org, table.place(org)) for org in
               ("Asker", "Frogn", "Ås", "Ås", "Viken", "Europakontoret", "Europakontoret")]
    cov = coverage(table, members)
    rows = {r.name: (r.status, r.count, r.organisations) for r in cov.sub_regions}
    assert rows == {"Asker og Bærum": (Status.single, 1, ("Asker",)),
                    "Follo": (Status.covered, 3, ("Frogn", "Ås")),
                    "Mosseregionen": (Status.missing, 0, ())}
    assert cov.named(Status.missing) == ["Mosseregionen"]
    assert cov.outside == (("Viken", 1),) and cov.unknown == (("Europakontoret", 2),)


GOOD = "organisasjon;delregion\nAsker;Asker og Bærum\n\nViken fylkeskommune;-\n"


def test_a_good_file_gives_its_rows_with_line_numbers_and_dash_as_none() -> None:
    rows = parse_regions_file("\ufeff" + GOOD)
    assert [(r.line, r.organisation, r.sub_region) for r in rows] == [
        (2, "Asker", "Asker og Bærum"), (4, "Viken fylkeskommune", None)]
    assert parse_regions_file(GOOD.replace("organisasjon;delregion", "Organisation;Sub-region"))


@pytest.mark.parametrize(("text", "said"), [
    ("navn;region\nAsker;Asker og Bærum\n", "Første linje må være overskriften"),
    ("organisasjon;delregion\nAsker;Asker og Bærum\nBærum;Asker;Bærum\n",
     "Linje 3: ventet to kolonner skilt med semikolon (organisasjon;delregion), fant 3."),
    ("organisasjon;delregion\nAsker;Asker og Bærum\nBærum;\n",
     "Linje 3: «Bærum» mangler delregion (skriv - for en organisasjon"),
    ("organisasjon;delregion\n;Follo\n", "Linje 2: organisasjonen mangler."),
    ("organisasjon;delregion\nAsker;Asker og Bærum\nAsker kommune;Follo\n",
     "Linje 3: «Asker kommune» står allerede på linje 2."),
    ("organisasjon;delregion\nFrogn;Follo\nÅs;follo\n",
     "Linje 3: delregionen skrives «follo» her, men «Follo» på linje 2."),
    ("organisasjon;delregion\nFrogn;Follo\nFollo;Oslo\n",
     "Linje 3: «Follo» heter det samme som delregionen «Follo»"),
    ("organisasjon;delregion\n\n", "Filen har ingen organisasjoner"),
    ("organisasjon;delregion\n" + "x" * 201 + ";Follo\n", "Linje 2: navnet er lengre enn 200"),
])
def test_a_bad_file_is_refused_with_a_norwegian_message_naming_the_line(text: str,
                                                                         said: str) -> None:
    with pytest.raises(RegionFileError) as caught:
        parse_regions_file(text)
    assert said in str(caught.value)


def test_a_file_that_is_not_utf8_is_refused_with_the_line() -> None:
    with pytest.raises(RegionFileError, match="ikke UTF-8 \\(linje 3\\)"):
        decode_regions_file("organisasjon;delregion\nAsker;Asker og Bærum\nÅs;Follo\n"
                            .encode().replace("Å".encode(), "Å".encode("cp1252")))


@pytest.mark.parametrize(("year", "month", "day"), [
    (2026, 12, date(2026, 12, 1)),  # a Tuesday
    (2027, 1, date(2027, 1, 4)),  # 1 January is a holiday, then a weekend
    (2027, 5, date(2027, 5, 3)),  # 1 May is a Saturday (and a holiday)
    (2026, 8, date(2026, 8, 3)),  # 1 August is a Saturday
    (2028, 4, date(2028, 4, 3)),  # 1 April 2028 is a Saturday
])
def test_the_reminder_day_is_the_first_working_day_of_the_month(year: int, month: int,
                                                                day: date) -> None:
    assert first_working_day(year, month) == day


def test_the_reminder_is_at_eight_oslo_time_winter_and_summer() -> None:
    assert reminder_due(2026, 12, None) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert reminder_due(2027, 6, time(9, 30)) == datetime(2027, 6, 1, 7, 30, tzinfo=UTC)


def test_the_monthly_switch_is_a_rule_setting_of_the_coverage_reminder_only() -> None:
    assert rules_from_json(None)["coverage_reminder"].monthly is True, "on by default"
    assert parse_setting("coverage_reminder.monthly=nei") == ("coverage_reminder", "monthly",
                                                               False)
    assert rules_from_json('{"coverage_reminder": {"monthly": false}}')[
        "coverage_reminder"].monthly is False
    with pytest.raises(RuleSettingError):
        parse_setting("invitation.monthly=ja")
    with pytest.raises(RuleSettingError):
        parse_setting("coverage_reminder.monthly=kanskje")

"""Name keys, near matches and region aliases."""

from __future__ import annotations

import pytest

from domain.names import display_name, group_key, is_near_match, name_key, within_one_edit
from domain.regions import CANONICAL_REGIONS, region_key, resolve_region


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hasvold Helge Bollæren", "Helge Bollæren Hasvold"),
        ("Ingvoldstad, Trond Arne", "Trond Arne Ingvoldstad"),
        ("Gyüre-Szamosi Anna", "Anna  Gyüre-Szamosi"),
        ("ANNE feltman", "Anne Feltman"),
    ],
)
def test_same_words_in_any_order_give_one_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anne Kristine Feltman", "Anne Feltman"),
        ("Maria Hermansdatter Hoff", "Maria Hoff"),
        ("Camilla Håltem", "Camilla Håltøm"),
        ("Kleiven Eystein", "Eysten Kleven"),
        ("Halvorsrud Kari Elisabeth", "Kari Halvorsrud"),
    ],
)
def test_near_matches_from_the_seeds(a: str, b: str) -> None:
    assert is_near_match(name_key(a), name_key(b))
    assert is_near_match(name_key(b), name_key(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anne Feltman", "Anne Solheim"),
        ("Anne Feltman", "Feltman Anne"),  # identical key: a match, not a near match
        ("Ove Gjesdal", "Eve Gjesdal"),  # short words must agree exactly
        ("Anne", "Anne Huse"),  # one shared word is not enough
        ("Bjarne Haslund", "Bjarne Hugo Johannessen"),
    ],
)
def test_not_near_matches(a: str, b: str) -> None:
    assert not is_near_match(name_key(a), name_key(b))


def test_within_one_edit_covers_each_kind_of_edit() -> None:
    assert within_one_edit("kleven", "kleiven")
    assert within_one_edit("håltem", "håltøm")
    assert within_one_edit("eystien", "eystein")
    assert not within_one_edit("melsom", "solheim")
    assert not within_one_edit("abcd", "badc")


def test_display_name_turns_comma_form_around() -> None:
    assert display_name("Ingvoldstad, Trond Arne") == "Trond Arne Ingvoldstad"
    assert display_name("  Anne   Feltman ") == "Anne Feltman"


def test_group_key_ignores_case_and_spacing() -> None:
    assert group_key("  Faggruppe  for Næringssamarbeid") == "faggruppe for næringssamarbeid"


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("Mossereregionen", "Mosseregionen"),
        ("Mossregionens næringsutvikling", "Mosseregionen"),
        ("Asker", "Asker - Bærum"),
        ("Bærum", "Asker - Bærum"),
        ("Asker – Bærum", "Asker - Bærum"),
        ("Oslo", "Oslo kommune"),
        ("Lillestrøm", "Lillestrøm kommune"),
        ("Kongsberg", "Kongsbergregionen"),
        ("Indre Østfold regionråd", "Indre Østfold"),
        ("Drammen kommune", "Drammen"),
    ],
)
def test_region_spellings_resolve(spelling: str, canonical: str) -> None:
    assert resolve_region(spelling) == canonical


def test_drammen_and_drammensregionen_stay_apart() -> None:
    assert resolve_region("Drammen") != resolve_region("Drammensregionen")


def test_unknown_or_empty_region_is_none() -> None:
    assert resolve_region("Modum") is None
    assert resolve_region("  ") is None


def test_every_canonical_region_resolves_to_itself() -> None:
    for canonical in CANONICAL_REGIONS:
        assert resolve_region(canonical) == canonical
    assert region_key("Asker  -  Bærum") == region_key("asker bærum")

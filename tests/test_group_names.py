"""domain.group_names: which typed names are typos of a group and which are new groups."""

from __future__ import annotations

import pytest

from domain.group_names import closest, fold, is_close

GROUP = "Faggruppe for næringssamarbeid"


@pytest.mark.parametrize("typed", [
    "Faggruppe for næringssamarbeide",  # one letter added
    "Faggrupe for næringsamarbeid",  # two letters missing
    "faggruppe for NÆRINGSSAMARBEID",  # case only
    "Faggruppe for naeringssamarbeid",  # æ typed as ae
    "Faggruppe for naringssamarbeid",  # æ typed as a
    "Faggruppe",  # a prefix
    "Faggruppe for næringssamarbeid i Øst",  # the group's name is a prefix of it
])
def test_close_names_are_typos(typed: str) -> None:
    assert is_close(typed, GROUP)


@pytest.mark.parametrize("typed", [
    "Faggruppe for klima og miljø",
    "Faggruppe for næringssamarbeid".replace("nærings", "kultur"),
    "Næring Øst",
    "Faggruppe for mæringssamarbejd x",  # three letters apart
])
def test_far_names_are_new_groups(typed: str) -> None:
    assert not is_close(typed, GROUP)


def test_fold_treats_ae_oe_aa_as_typed_on_an_english_keyboard() -> None:
    assert fold(" Ærlig  Øst Ås ") == fold("aerlig ost aas") == "aerlig ost as"


def test_closest_picks_the_nearest_of_several() -> None:
    names = ["Faggruppe for klima og miljø", GROUP, "Faggruppe for areal og transport"]
    assert closest("Faggruppe for klima og miljo", names) == "Faggruppe for klima og miljø"
    assert closest("Reiseliv", names) is None

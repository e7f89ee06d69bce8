"""Pure rules of members' own details (domain/profile.py, the profile_check rule) and the
cards' inputs and buttons."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from cards.profile import (
    CheckView,
    FormView,
    build_profile_check_card,
    build_profile_form_card,
    sample_details,
)
from cards.quality import card_problems
from domain.members import FieldError
from domain.profile import (
    Typed,
    check,
    fields_of,
    fields_text,
    first_working_day,
    group_check_day,
    next_working_run,
)
from domain.rules import RuleSettingError, parse_setting, rules_from_json, with_setting
from tests.harness import card_nodes


def _typed(**changes: str) -> Typed:
    values = {"name": "Anne  Feltman ", "organisation": " Asker kommune", "email":
              " anne@asker.kommune.no ", "phone": "912 34 567", "deputy": "7", **changes}
    return Typed(**values)


def test_form_values_are_checked_and_normalised() -> None:
    got = check(_typed(), deputies=[7, 9])
    assert (got.name, got.organisation, got.email, got.phone, got.deputy) == (
        "Anne Feltman", "Asker kommune", "anne@asker.kommune.no", "+4791234567", 7)
    blank = check(_typed(email="", phone="", organisation="", deputy="0"), deputies=[])
    assert (blank.email, blank.phone, blank.organisation, blank.deputy) == ("", "", "", 0)
    assert check(_typed(deputy=""), deputies=[]).deputy == 0


@pytest.mark.parametrize(("changes", "said"), [
    ({"name": " "}, "Navnet må fylles ut"),
    ({"name": "A" * 201}, "Navnet er for langt"),
    ({"organisation": "O" * 201}, "Organisasjonen er for lang"),
    ({"email": "anne.asker.kommune.no"}, "er ikke en e-postadresse"),
    ({"email": "a@b"}, "er ikke en e-postadresse"),
    ({"email": "a" * 316 + "@b.no"}, "E-postadressen er for lang"),
    ({"phone": "1234"}, "er ikke et telefonnummer"),
    ({"phone": "+47 912 34 567 000 000"}, "Telefonnummeret er for langt"),
    ({"deputy": "8"}, "Fast vara må være"),
    ({"deputy": "sju"}, "Fast vara må være"),
    ({"deputy": "9" * 40}, "Fast vara må være"),
])
def test_bad_form_values_are_refused_in_norwegian(changes: dict[str, str], said: str) -> None:
    with pytest.raises(FieldError, match=said) as refused:
        check(_typed(**changes), deputies=[7])
    assert "ingenting er lagret" in str(refused.value)


def test_check_day_defaults_to_the_first_working_day_of_february() -> None:
    assert first_working_day(2027, 2) == date(2027, 2, 1)  # a Monday
    assert first_working_day(2026, 2) == date(2026, 2, 2)  # 1 February 2026 is a Sunday
    assert first_working_day(2026, 1) == date(2026, 1, 2)  # 1 January is a public holiday
    assert group_check_day(2026, "") == date(2026, 2, 2)
    assert group_check_day(2027, "15.01") == date(2027, 1, 15)
    assert group_check_day(2027, "16.01") == date(2027, 1, 18), "Saturday → Monday"
    assert group_check_day(2026, "17.05") == date(2026, 5, 18), "a public holiday is skipped"


def test_the_daily_run_is_at_eight_on_working_days_only() -> None:
    friday_after = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert next_working_run(friday_after, time(8)) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    before = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert next_working_run(before, time(8)) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    at = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert next_working_run(at, time(8)) == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    christmas = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)  # Thu; 25 Fri and 26 Sat are off
    assert next_working_run(christmas, time(8)) == datetime(2026, 12, 28, 7, 0, tzinfo=UTC)
    summer = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)  # 07.00 in Oslo, summer time
    assert next_working_run(summer, time(8)) == datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def test_profile_check_date_is_a_group_rule_for_that_rule_only() -> None:
    assert parse_setting("profile_check.date=1.3") == ("profile_check", "date", "01.03")
    assert parse_setting("profile_check.date=-") == ("profile_check", "date", "")
    stored = with_setting("{}", "profile_check", "date", "15.01")
    assert rules_from_json(stored)["profile_check"].date == "15.01"
    assert rules_from_json("{}")["profile_check"].date == ""
    for bad in ("profile_check.date=29.02", "profile_check.date=31.04",
                "profile_check.date=1-3", "profile_check.date=001.03",
                "invitation.date=01.02"):
        with pytest.raises(RuleSettingError):
            parse_setting(bad)


def test_changed_field_names_are_stored_in_form_order_and_read_back() -> None:
    assert fields_text(["phone", "email", "unknown"]) == "email,phone"
    assert fields_of("email,deputy,x") == ["email", "deputy"]


def test_the_form_labels_every_input_and_the_check_card_says_what_its_buttons_do() -> None:
    form = build_profile_form_card(FormView(values={"deputy": "0"}, deputies=[(7, "Per")]))
    inputs = [n for n in card_nodes(form) if str(n.get("type", "")).startswith("Input.")]
    assert [n["id"] for n in inputs] == ["name", "organisation", "email", "phone", "deputy"]
    assert all(n["label"] for n in inputs) and card_problems(form) == []
    card = build_profile_check_card(CheckView(sample_details()))
    assert [a["title"] for a in card["actions"]] == ["Ja, stemmer", "Endre opplysningene"]
    assert [a["verb"] for a in card["actions"]] == ["profile.confirm", "profile.edit"]
    assert all("data" in a and a["data"] == {} for a in card["actions"]), "no member id"

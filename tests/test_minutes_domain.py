"""Pure minutes rules: which typed fields a press writes, approvals as seed 003 writes them,
Norwegian working days and when a follow-up is reminded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from domain.minutes import (
    MinutesError,
    approval_decision,
    changed_fields,
    check_length,
    fingerprint,
    is_working_day,
    reminder_time,
    working_days_before,
)


def test_only_fields_that_differ_from_the_drawn_card_are_written() -> None:
    drawn = {"notes": fingerprint("Første"), "decision": fingerprint("")}
    assert changed_fields(drawn, {"notes": "Første", "decision": ""}) == {}
    assert changed_fields(drawn, {"notes": "Første\r\nlinje", "decision": None}) == {
        "notes": "Første\nlinje"}
    assert changed_fields(drawn, {"notes": None, "decision": "Godkjent"}) == {
        "decision": "Godkjent"}
    assert changed_fields(drawn, {"notes": "Første", "decision": "Godkjent"}) == {
        "decision": "Godkjent"}
    assert changed_fields(drawn, {"notes": "", "decision": ""}) == {"notes": ""}, \
        "emptying a field is a change too"


@pytest.mark.parametrize(("title", "decision"), [
    ("Godkjenning av innkalling", "Innkallingen ble godkjent"),
    ("Godkjenning av referat fra møtet 11. mars", "Referatet ble godkjent"),
    ("Godkjenning av dagsorden og innkalling", "Dagsorden og innkallingen ble godkjent"),
    ("Godkjenning av budsjett", "Vedtak: godkjent"),
])
def test_approval_decisions_in_the_seeds_wording(title: str, decision: str) -> None:
    assert approval_decision(title) == decision


def test_notes_over_ten_thousand_characters_are_refused() -> None:
    check_length("notes", "x" * 10_000)
    with pytest.raises(MinutesError, match="Notatene er for lange"):
        check_length("notes", "x" * 10_001)


def test_working_days_skip_weekends_and_norwegian_holidays() -> None:
    assert not is_working_day(date(2026, 5, 17)) and not is_working_day(date(2026, 12, 26))
    assert not is_working_day(date(2026, 4, 2)) and not is_working_day(date(2026, 5, 14))
    assert is_working_day(date(2026, 4, 1))
    assert working_days_before(date(2026, 12, 3), 3) == date(2026, 11, 30)  # Thu → Mon
    assert working_days_before(date(2026, 11, 23), 1) == date(2026, 11, 20)  # Mon → Fri
    assert working_days_before(date(2026, 4, 8), 3) == date(2026, 3, 31)  # over Easter
    assert working_days_before(date(2026, 11, 22), 0) == date(2026, 11, 20)  # Sunday → Fri


def test_reminder_time_is_nine_oclock_oslo_or_the_next_working_moment_when_late() -> None:
    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    when, last = reminder_time(date(2026, 12, 3), 3, time(9, 0), now)
    assert when == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert last == datetime(2026, 12, 3, 22, 59, 59, tzinfo=UTC)
    # Added on Friday evening for Monday: the reminder goes Monday at 08.00.
    evening = datetime(2026, 11, 20, 17, 30, tzinfo=UTC)
    when, _last = reminder_time(date(2026, 11, 23), 3, time(9, 0), evening)
    assert when == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

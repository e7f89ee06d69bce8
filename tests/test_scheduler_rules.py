"""Rule engine: Oslo wall-clock, DST, working hours, grace."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from domain.rules import DEFAULT_RULES, OSLO, due_time, expiry, into_working_hours, rules_with


def oslo(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO).astimezone(UTC)


def test_invitation_keeps_0900_across_spring_dst() -> None:
    # Meeting Thursday 2 April 2026 (CEST); a week earlier is Thursday 26 March (CET).
    due = due_time(DEFAULT_RULES["invitation"], oslo(2026, 4, 2, 10, 0))
    assert due.astimezone(OSLO).replace(tzinfo=None) == datetime(2026, 3, 26, 9, 0)
    assert due == datetime(2026, 3, 26, 8, 0, tzinfo=UTC)


def test_invitation_keeps_0900_across_autumn_dst() -> None:
    due = due_time(DEFAULT_RULES["invitation"], oslo(2026, 10, 29, 13, 0))
    assert due == datetime(2026, 10, 22, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_time_skipped_by_dst_moves_forward() -> None:
    rule = replace(DEFAULT_RULES["day_before"], at=time(2, 30), working_hours=False)
    due = due_time(rule, oslo(2026, 3, 30, 12, 0))  # the day before is 29 March, 02:30 missing
    assert due.astimezone(OSLO).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 30)


def test_ambiguous_autumn_time_is_its_first_occurrence() -> None:
    rule = replace(DEFAULT_RULES["day_before"], at=time(2, 30), working_hours=False)
    due = due_time(rule, oslo(2026, 10, 26, 12, 0))
    assert due == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, not CET


def test_rsvp_reminder_two_days_before_deadline_keeps_its_hour() -> None:
    due = due_time(DEFAULT_RULES["rsvp_reminder"], oslo(2026, 11, 26, 12, 0))  # Thursday
    assert due == oslo(2026, 11, 24, 12, 0)


def test_weekend_reminder_waits_for_monday_morning() -> None:
    # Deadline Monday 12:00: two days before is Saturday -> Monday 08:00, before the deadline.
    due = due_time(DEFAULT_RULES["rsvp_reminder"], oslo(2026, 11, 23, 12, 0))
    assert due == oslo(2026, 11, 23, 8, 0)


def test_shift_that_would_pass_the_anchor_is_not_made() -> None:
    # Deadline Monday 07:00: the Saturday reminder cannot wait for Monday 08:00.
    anchor = oslo(2026, 11, 23, 7, 0)
    assert due_time(DEFAULT_RULES["rsvp_reminder"], anchor) == oslo(2026, 11, 21, 7, 0)


def test_into_working_hours_edges() -> None:
    assert into_working_hours(oslo(2026, 11, 24, 7, 59)) == oslo(2026, 11, 24, 8, 0)
    assert into_working_hours(oslo(2026, 11, 24, 8, 0)) == oslo(2026, 11, 24, 8, 0)
    assert into_working_hours(oslo(2026, 11, 24, 17, 0)) == oslo(2026, 11, 25, 8, 0)
    assert into_working_hours(oslo(2026, 11, 27, 18, 0)) == oslo(2026, 11, 30, 8, 0)


def test_expiry_is_grace_but_never_after_anchor() -> None:
    rule = DEFAULT_RULES["day_before"]
    anchor = oslo(2026, 11, 26, 10, 0)
    due = due_time(rule, anchor)
    assert expiry(rule, anchor, due) == due + timedelta(hours=12)
    assert expiry(rule, due + timedelta(hours=1), due) == due + timedelta(hours=1)


def test_group_overrides_replace_defaults() -> None:
    rules = rules_with({"invitation": {"days_before": 10}})
    assert rules["invitation"].days_before == 10
    assert rules["day_before"] == DEFAULT_RULES["day_before"]

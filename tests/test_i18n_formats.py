"""Dates, times, lists and numbers follow the language, always in Europe/Oslo."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.i18n import join_list, number, use_language
from core.timefmt import clock, date_long, span, weekday_date

START = datetime(2023, 8, 31, 7, 0, tzinfo=UTC)  # 09.00 in Oslo (summer time)
END = datetime(2023, 8, 31, 8, 30, tzinfo=UTC)


def test_bokmal_dates_are_as_before_in_oslo_time() -> None:
    assert date_long(START) == "torsdag 31. august 2023"
    assert clock(START) == "09.00"
    assert span(START, END) == "torsdag 31. august 2023 kl. 09.00–10.30"
    assert span(START, datetime(2023, 9, 1, 8, 0, tzinfo=UTC)) == (
        "torsdag 31. august 2023 kl. 09.00 – fredag 1. september 2023 kl. 10.00")
    assert weekday_date(date(2021, 9, 1)) == "onsdag 1. september"


def test_english_dates_come_from_babel_and_the_catalogue() -> None:
    with use_language("en"):
        assert span(START, END) == "Thursday 31 August 2023 at 09:00–10:30"
    assert span(START, END).startswith("torsdag")  # the language was restored


def test_lists_and_numbers_follow_the_language() -> None:
    assert join_list(["Asker", "Bærum", "Follo"]) == "Asker, Bærum og Follo"
    assert join_list(["Asker", "Bærum"]) == "Asker og Bærum"
    assert number(1234.5) == "1\xa0234,5"
    with use_language("en"):
        assert join_list(["Asker", "Bærum", "Follo"]) == "Asker, Bærum and Follo"
        assert number(1234.5) == "1,234.5"

"""The one date/time parser every CLI option and card input uses (core/dates.py)."""

from datetime import UTC, date, datetime, time

import pytest

from core.dates import DateTextError, parse_date, parse_datetime, parse_datetime_utc, parse_time
from core.timefmt import OSLO

NINE = datetime(2023, 8, 31, 9, 0, tzinfo=OSLO)


@pytest.mark.parametrize(
    "text",
    ["31.08.2023 09.00", "31.08.2023 kl. 09:00", "31.08.2023 kl 09.00", "2023-08-31 09:00",
     "2023-08-31T09:00", "31.8.2023 9.00", "  31.08.2023   KL.  09.00 "],
)
def test_every_accepted_form_reads_as_oslo_wall_clock(text):
    assert parse_datetime(text) == NINE


def test_utc_variant_converts_summer_time():
    assert parse_datetime_utc("31.08.2023 09.00") == datetime(2023, 8, 31, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["31.08.23 09.00", "31/08/2023 09.00", "08/31/2023", "31.08.23"])
def test_two_digit_years_and_slash_dates_are_refused_with_the_accepted_forms(text):
    with pytest.raises(DateTextError) as err:
        parse_datetime(text)
    assert "31.08.2023" in str(err.value) and "2023-08-31" in str(err.value)


@pytest.mark.parametrize("text", ["", "i morgen", "31.02.2023 09.00", "31.08.2023 25.00",
                                  "31.08.2023 09.75", "x" * 5000])
def test_nonsense_gets_a_norwegian_sentence(text):
    with pytest.raises(DateTextError) as err:
        parse_datetime(text)
    assert str(err.value)


def test_a_date_alone_needs_a_time_unless_a_default_is_given():
    with pytest.raises(DateTextError, match="mangler klokkeslett"):
        parse_datetime("31.08.2023")
    assert parse_datetime("31.08.2023", default_time=time(16, 0)).hour == 16


def test_time_skipped_by_spring_dst_is_refused():
    with pytest.raises(DateTextError, match="sommertid"):
        parse_datetime("26.03.2023 02.30")


def test_autumn_repeated_hour_takes_the_first():
    assert parse_datetime_utc("29.10.2023 02.30") == datetime(2023, 10, 29, 0, 30, tzinfo=UTC)


def test_date_and_time_parts():
    assert parse_date("1.9.2023") == date(2023, 9, 1)
    assert parse_time("9:05") == time(9, 5)

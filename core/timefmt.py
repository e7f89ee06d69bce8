"""Norwegian date and time text, formatted on the server (Teams does not localise cards)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

OSLO = ZoneInfo("Europe/Oslo")
LOCALE = "nb_NO"


def to_oslo(when: datetime) -> datetime:
    """Aware UTC (or any zone) to Europe/Oslo wall-clock."""
    if when.tzinfo is None:
        raise ValueError("naive datetime: store and pass UTC")
    return when.astimezone(OSLO)


@lru_cache(maxsize=4096)  # Babel takes ~50 µs a call; these are pure
def date_long(when: datetime) -> str:
    """'torsdag 31. august 2023'."""
    return format_date(to_oslo(when), "EEEE d. MMMM y", locale=LOCALE)


@lru_cache(maxsize=4096)  # Babel takes ~50 µs a call; these are pure
def clock(when: datetime) -> str:
    """'09.00' — the Norwegian clock with a full stop."""
    return format_time(to_oslo(when), "HH.mm", locale=LOCALE)


@lru_cache(maxsize=4096)  # Babel takes ~50 µs a call; these are pure
def span(start: datetime, end: datetime | None = None) -> str:
    """'torsdag 31. august 2023 kl. 09.00–10.30' (end on another day gets its own date)."""
    text = f"{date_long(start)} kl. {clock(start)}"
    if end is None:
        return text
    if to_oslo(end).date() == to_oslo(start).date():
        return f"{text}–{clock(end)}"
    return f"{text} – {date_long(end)} kl. {clock(end)}"


@lru_cache(maxsize=4096)
def day_long(day: date) -> str:
    """A calendar date (no time of day): 'fredag 4. desember 2026'."""
    return format_date(day, "EEEE d. MMMM y", locale=LOCALE)

"""Dates and times as text, formatted on the server in Europe/Oslo (Teams does not localise
cards), with Babel for the current language (core/i18n.py)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from core.i18n import Lang, babel_locale, current_language, t

OSLO = ZoneInfo("Europe/Oslo")
# Babel's skeletons differ by language («torsdag 31. august 2023», «Thursday 31 August 2023»);
# qps formats as bokmål, so only the catalogue's wrapping shows.
_LONG = {"nb": "EEEE d. MMMM y", "nn": "EEEE d. MMMM y", "en": "EEEE d MMMM y",
         "qps": "EEEE d. MMMM y"}
_DAY = {"nb": "EEEE d. MMMM", "nn": "EEEE d. MMMM", "en": "EEEE d MMMM", "qps": "EEEE d. MMMM"}
_PLAIN = {"nb": "d. MMMM y", "nn": "d. MMMM y", "en": "d MMMM y", "qps": "d. MMMM y"}
_DAY_MONTH = {"nb": "d. MMMM", "nn": "d. MMMM", "en": "d MMMM", "qps": "d. MMMM"}
_DAY_SHORT = {"nb": "d.M.", "nn": "d.M.", "en": "d MMM", "qps": "d.M."}
_CLOCK = {"nb": "HH.mm", "nn": "HH.mm", "en": "HH:mm", "qps": "HH.mm"}


def to_oslo(when: datetime) -> datetime:
    """Aware UTC (or any zone) to Europe/Oslo wall-clock."""
    if when.tzinfo is None:
        raise ValueError("naive datetime: store and pass UTC")
    return when.astimezone(OSLO)


@lru_cache(maxsize=4096)  # Babel takes ~50 µs a call; these are pure
def _date_long(when: datetime, lang: Lang) -> str:
    return format_date(to_oslo(when), _LONG[lang], locale=babel_locale(lang))


@lru_cache(maxsize=1024)
def _day(day: date, lang: Lang) -> str:
    return format_date(day, _DAY[lang], locale=babel_locale(lang))


@lru_cache(maxsize=4096)
def _clock(when: datetime, lang: Lang) -> str:
    return format_time(to_oslo(when), _CLOCK[lang], locale=babel_locale(lang))


def date_long(when: datetime) -> str:
    """'torsdag 31. august 2023'."""
    return _date_long(when, current_language())


def weekday_date(day: date) -> str:
    """'onsdag 1. september' — a programme day, without the year."""
    return _day(day, current_language())


def clock(when: datetime) -> str:
    """'09.00' — the Norwegian clock with a full stop."""
    return _clock(when, current_language())


@lru_cache(maxsize=4096)
def _span(start: datetime, end: datetime | None, lang: Lang) -> str:
    at = t("core.timefmt.date_at_clock", lang, date=_date_long(start, lang),
           clock=_clock(start, lang))
    if end is None:
        return at
    if to_oslo(end).date() == to_oslo(start).date():
        return t("core.timefmt.span_same_day", lang, start=at, end=_clock(end, lang))
    return t("core.timefmt.span_two_days", lang, start=at,
             end=t("core.timefmt.date_at_clock", lang, date=_date_long(end, lang),
                   clock=_clock(end, lang)))


def span(start: datetime, end: datetime | None = None) -> str:
    """'torsdag 31. august 2023 kl. 09.00–10.30' (end on another day gets its own date)."""
    return _span(start, end, current_language())


@lru_cache(maxsize=4096)
def _day_long(day: date, lang: Lang) -> str:
    return format_date(day, _LONG[lang], locale=babel_locale(lang))


@lru_cache(maxsize=1024)
def _date_plain(day: date, lang: Lang) -> str:
    return format_date(day, _PLAIN[lang], locale=babel_locale(lang))


def date_plain(day: date) -> str:
    """A date as agenda titles write it, without the weekday: '23. mai 2023'."""
    return _date_plain(day, current_language())


def day_long(day: date) -> str:
    """A calendar date (no time of day): 'fredag 4. desember 2026'."""
    return _day_long(day, current_language())


@lru_cache(maxsize=1024)
def _day_month(when: datetime, lang: Lang) -> str:
    return format_date(to_oslo(when), _DAY_MONTH[lang], locale=babel_locale(lang))


def day_month(when: datetime) -> str:
    """'25. mai' — a date in a list of coming events, in Oslo."""
    return _day_month(when, current_language())


@lru_cache(maxsize=1024)
def _day_short(when: datetime, lang: Lang) -> str:
    return format_date(to_oslo(when), _DAY_SHORT[lang], locale=babel_locale(lang))


def day_short(when: datetime) -> str:
    """'24.8.' (en '24 Aug') — a date where a button title has room for little more, in Oslo."""
    return _day_short(when, current_language())

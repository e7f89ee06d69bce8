"""One parser for every date and time the secretariat types (CLI options, card inputs).

Norwegians write «31.08.2023 kl. 09.00»; the ISO forms stay accepted for scripts. Two-digit
years and «/» dates are refused rather than guessed: 08/09 is August in the US and September
here, and a wrong guess sends an invitation for the wrong day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from core.i18n import t
from core.timefmt import OSLO


def accepted_datetime() -> str:
    """The date-and-time forms we read, as a hint in messages."""
    return t("core.dates.kl_eller")


def accepted_date() -> str:
    """The date forms we read, as a hint in messages."""
    return t("core.dates.accepted_date")

# Linear patterns: no nested quantifiers, anchored, bounded repetition.
_NO_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2})[.:](\d{2})$")
_SPLIT = re.compile(r"^(\S{1,12}?)(?:T|\s{1,5}(?:kl\.?\s{1,5})?)(\S{1,6})$", re.IGNORECASE)
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2}$")
_SLASH = re.compile(r"/")


class DateTextError(ValueError):
    """A date or time the user typed that we will not guess at; str() is Norwegian."""


def parse_date(text: str) -> date:
    """'31.08.2023' or '2023-08-31' → date; anything else raises DateTextError."""
    raw = (text or "").strip()
    if not raw:
        raise DateTextError(t("core.dates.mangler_dato_skriv", accepted=accepted_date()))
    if len(raw) > 40:
        raise DateTextError(t("core.dates.er_ikke_en", raw=raw[:40], accepted=accepted_date()))
    if _SLASH.search(raw):
        raise DateTextError(
            t("core.dates.datoer_med_tolkes", raw=raw, accepted=accepted_date())
        )
    if _TWO_DIGIT_YEAR.match(raw):
        raise DateTextError(t("core.dates.skriv_aret_med", raw=raw, accepted=accepted_date()))
    match = _NO_DATE.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.match(raw)
        if not match:
            raise DateTextError(t("core.dates.er_ikke_en_2", raw=raw, accepted=accepted_date()))
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateTextError(t("core.dates.finnes_ikke_kalenderen", raw=raw)) from None


def parse_time(text: str) -> time:
    """'09.00' or '9:00' → time; raises DateTextError."""
    raw = (text or "").strip()
    match = _TIME.match(raw)
    if not match:
        raise DateTextError(t("core.dates.er_ikke_et", raw=raw[:40]))
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise DateTextError(t("core.dates.er_ikke_et", raw=raw))
    return time(hour, minute)


def combine_oslo(day: date, at: time) -> datetime:
    """Oslo wall-clock → aware datetime; a time skipped by the spring DST change is refused."""
    local = datetime.combine(day, at, tzinfo=OSLO)
    # A wall-clock time in the spring gap does not survive the round trip through UTC.
    if local.astimezone(UTC).astimezone(OSLO).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise DateTextError(
            t("core.dates.klokken_finnes_ikke", at=at, day=day)
        )
    return local


def parse_datetime(text: str, *, default_time: time | None = None) -> datetime:
    """Typed Oslo date and time → aware datetime in Europe/Oslo; raises DateTextError.

    With `default_time`, a date alone is accepted (a deadline «31.08.2023» means that
    day at the given time).
    """
    raw = (text or "").strip()
    if not raw:
        raise DateTextError(t("core.dates.mangler_dato_og", accepted=accepted_datetime()))
    if len(raw) > 40:
        raise DateTextError(t("core.dates.er_ikke_en_3", raw=raw[:40],
                              accepted=accepted_datetime()))
    match = _SPLIT.match(raw)
    if match is None:
        if default_time is not None:
            return combine_oslo(parse_date(raw), default_time)
        try:
            parse_date(raw)
        except DateTextError:
            pass
        else:
            raise DateTextError(t("core.dates.mangler_klokkeslett_skriv", raw=raw,
                                  accepted=accepted_datetime()))
        raise DateTextError(t("core.dates.er_ikke_en_4", raw=raw,
                              accepted=accepted_datetime()))
    day = parse_date(match.group(1))
    try:
        at = parse_time(match.group(2))
    except DateTextError:
        raise DateTextError(
            t("core.dates.har_et_klokkeslett", raw=raw, accepted=accepted_datetime())
        ) from None
    return combine_oslo(day, at)


def parse_datetime_utc(text: str, *, default_time: time | None = None) -> datetime:
    """As parse_datetime, converted to aware UTC (what the database stores)."""
    return parse_datetime(text, default_time=default_time).astimezone(UTC)

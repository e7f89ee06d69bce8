"""A member's own details: what the form may change and how it is checked, the day of the
yearly check and of the secretariat's digest. Pure: no database, no network."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.i18n import t
from domain.members import FieldError, parse_email, parse_phone
from domain.minutes import is_working_day
from domain.names import collapse_spaces, name_key

OSLO = ZoneInfo("Europe/Oslo")
# The fields a member keeps themselves, in the order the form and the digest show them.
FIELDS = ("name", "organisation", "email", "phone", "deputy")
NAME_MAX, ORGANISATION_MAX, EMAIL_MAX, PHONE_MAX = 200, 200, 320, 20
# One daily run, Oslo time, on working days: the secretariat's digest, the yearly check and
# its reminder.
DIGEST_AT = CHECK_AT = time(8, 0)
REMINDER_AFTER = timedelta(weeks=3)
CHECK_MONTH = 2  # the default: the first working day of February


@dataclass(frozen=True)
class Typed:
    """What the form sent, as typed (None: the client did not send the field)."""

    name: str | None = None
    organisation: str | None = None
    email: str | None = None
    phone: str | None = None
    deputy: str | None = None  # a member id as text; "" or "0" = no standing deputy


@dataclass(frozen=True)
class Checked:
    """The typed values, validated and normalised; deputy 0 = none."""

    name: str
    organisation: str
    email: str
    phone: str
    deputy: int


def check(typed: Typed, deputies: Iterable[int]) -> Checked:
    """The form's values checked; FieldError names the first bad one in Norwegian."""
    name = collapse_spaces(typed.name or "")
    if not name_key(name):
        raise FieldError(t("profile.rule.navnet_ma_fylles"))
    if len(name) > NAME_MAX:
        raise FieldError(t("profile.rule.navnet_er_for", limit=NAME_MAX))
    organisation = collapse_spaces(typed.organisation or "")
    if len(organisation) > ORGANISATION_MAX:
        raise FieldError(t("profile.rule.organisasjonen_er_for", limit=ORGANISATION_MAX))
    email = (typed.email or "").strip()
    if len(email) > EMAIL_MAX:
        raise FieldError(t("profile.rule.eposten_er_for", limit=EMAIL_MAX))
    try:
        email = parse_email(email) if email else ""
    except FieldError:  # members.rule.* is bokmål only (the CLI's); the form is said in Teams
        raise FieldError(t("profile.rule.ikke_en_epostadresse", value=email)) from None
    phone = (typed.phone or "").strip()
    if len(phone) > PHONE_MAX:
        raise FieldError(t("profile.rule.telefonnummeret_er_for", limit=PHONE_MAX))
    try:
        phone = parse_phone(phone) if phone else ""
    except FieldError:
        raise FieldError(t("profile.rule.ikke_et_telefonnummer", value=phone)) from None
    deputy = (typed.deputy or "").strip()
    if deputy in ("", "0"):
        chosen = 0
    elif deputy.isdigit() and len(deputy) <= 10 and int(deputy) in set(deputies):
        chosen = int(deputy)
    else:
        raise FieldError(t("profile.rule.varaen_ma_vaere"))
    return Checked(name, organisation, email, phone, chosen)


def first_working_day(year: int, month: int) -> date:
    """The month's first Monday–Friday that is not a Norwegian public holiday."""
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def group_check_day(year: int, setting: str) -> date:
    """One group's check day: its rule's DD.MM (moved to the next working day), else the
    first working day of February."""
    if not setting:
        return first_working_day(year, CHECK_MONTH)
    day_text, _, month_text = setting.partition(".")
    day = date(year, int(month_text), int(day_text))
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def at_oslo(day: date, at: time) -> datetime:
    """An Oslo wall-clock moment as UTC."""
    return datetime.combine(day, at, tzinfo=OSLO).astimezone(UTC)


def next_working_run(now: datetime, at: time) -> datetime:
    """The next working day's `at` (Oslo) strictly after `now`, in UTC: weekends and Norwegian
    public holidays have no run."""
    day = now.astimezone(OSLO).date()
    while True:
        when = at_oslo(day, at)
        if is_working_day(day) and when > now:
            return when
        day += timedelta(days=1)


def oslo_day(now: datetime) -> date:
    """The Oslo calendar day of a moment."""
    return now.astimezone(OSLO).date()


def fields_text(fields: Iterable[str]) -> str:
    """Changed field names as stored: known names only, in form order, comma-separated."""
    wanted = set(fields)
    return ",".join(f for f in FIELDS if f in wanted)


def fields_of(text: str) -> list[str]:
    """The stored field names back as a list (unknown words dropped)."""
    return [f for f in text.split(",") if f in FIELDS]

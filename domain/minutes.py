"""Minutes taken during the meeting: which typed fields a press writes, approvals, and the
working day a follow-up is reminded on. Pure: no database, no network."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.i18n import t

OSLO = ZoneInfo("Europe/Oslo")
WORK_START, WORK_END = time(8, 0), time(17, 0)

NOTES_LIMIT = 10_000
DECISION_LIMIT = 2_000
WHAT_LIMIT = 1_000
FIELDS = ("notes", "decision")  # what a referent writes per agenda item


def field_name(name: str) -> str:
    """A minutes field's name in the current language («Notater», «Vedtak»)."""
    return t("minutes.rule.vedtak") if name == "decision" else t("minutes.rule.notater")


def too_long(name: str) -> str:
    """What is too long, in the current language."""
    return (t("minutes.rule.vedtaket_er_for") if name == "decision"
            else t("minutes.rule.notatene_er_for"))

LIMITS = {"notes": NOTES_LIMIT, "decision": DECISION_LIMIT}


class MinutesError(ValueError):
    """Input that cannot be stored; str() is a Norwegian sentence for the user."""


def normalise(text: str) -> str:
    """Line endings as one kind: Teams and terminals differ, the words do not."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def fingerprint(text: str) -> str:
    """A short digest of a drawn value; the card carries this instead of the whole text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:16]


def changed_fields(drawn: dict[str, str], typed: dict[str, str | None]) -> dict[str, str]:
    """The fields whose typed value differs from what the card was drawn with.

    Action.Execute sends every input on every press, so an unchanged field must not be
    written: it would overwrite what someone else wrote since this card was drawn. A field
    the client did not send (None) is unchanged.
    """
    out: dict[str, str] = {}
    for name in FIELDS:
        value = typed.get(name)
        if value is None:
            continue
        value = normalise(value)
        if fingerprint(value) != drawn.get(name, fingerprint("")):
            out[name] = value
    return out


def check_length(name: str, value: str) -> None:
    """MinutesError when a field is longer than its limit."""
    limit = LIMITS[name]
    if len(value) > limit:
        raise MinutesError(t("minutes.rule.tegn_hoyst_ingenting", TOO_LONG=too_long(name),
                             thousands=thousands(len(value)), thousands2=thousands(limit)))


def thousands(n: int) -> str:
    """10000 → «10 000» (Norwegian groups digits with a non-breaking space)."""
    return f"{n:,}".replace(",", "\u00a0")


# «Godkjenning av X» → «X-en ble godkjent», as seed 003 writes it.
_DEFINITE = {"innkalling": "Innkallingen", "innkallingen": "Innkallingen",
             "referat": "Referatet", "referatet": "Referatet",
             "dagsorden": "Dagsorden", "dagsordenen": "Dagsordenen",
             "saksliste": "Sakslisten", "sakslisten": "Sakslisten",
             "sakskart": "Sakskartet", "sakskartet": "Sakskartet"}


def approval_decision(title: str) -> str:
    """The one-click decision for an approval item: «Innkallingen ble godkjent»."""
    rest = title.strip()
    lowered = rest.casefold()
    for prefix in (t("minutes.rule.godkjenning_av"), "godkjenne "):
        if lowered.startswith(prefix):
            rest = rest[len(prefix):]
            break
    words = [w.strip(",.:;") for w in rest.split()]
    if not words or words[0].casefold() not in _DEFINITE:
        return t("cards.minutes.vedtak_godkjent")
    first = _DEFINITE[words[0].casefold()]
    if len(words) >= 3 and words[1].casefold() == "og" and words[2].casefold() in _DEFINITE:
        second = _DEFINITE[words[2].casefold()].lower()
        return t("minutes.rule.og_ble_godkjent", first=first, second=second)
    return t("minutes.rule.ble_godkjent", first=first)


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month = (h + m - 7 * n + 114) // 31
    day = (h + m - 7 * n + 114) % 31 + 1
    return date(year, month, day)


def public_holidays(year: int) -> set[date]:
    """Norway's public holidays (helligdager and 1. og 17. mai) in one year."""
    easter = _easter(year)
    moving = {easter + timedelta(days=d) for d in (-3, -2, 0, 1, 39, 49, 50)}
    fixed = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 17), date(year, 12, 25),
             date(year, 12, 26)}
    return moving | fixed


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Norwegian public holiday."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def working_days_before(due: date, days: int) -> date:
    """The working day `days` working days before `due` (0: due itself, or the one before)."""
    day = due
    while not is_working_day(day):
        day -= timedelta(days=1)
    for _ in range(days):
        day -= timedelta(days=1)
        while not is_working_day(day):
            day -= timedelta(days=1)
    return day


def next_working_moment(when: datetime) -> datetime:
    """`when` if it falls in 08–17 Oslo time on a working day, else the next such 08.00."""
    local = when.astimezone(OSLO)
    if is_working_day(local.date()) and WORK_START <= local.time() < WORK_END:
        return when
    day = local.date()
    if local.time() >= WORK_END or not is_working_day(day):
        day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, WORK_START, tzinfo=OSLO).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The last moment of an Oslo calendar day, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=OSLO).astimezone(
        UTC) - timedelta(seconds=1)


def reminder_time(due: date, working_days: int, at: time | None,
                  now: datetime) -> tuple[datetime, datetime]:
    """(when to remind, the last moment it may still go) for a follow-up due on `due`.

    `working_days` working days before the due date, at `at` (09.00 by default) in
    working hours. One added too late for that day goes at the next working moment from
    now; the reminder is pointless after the due date itself.
    """
    day = working_days_before(due, working_days)
    planned = datetime.combine(day, at or time(9, 0), tzinfo=OSLO).astimezone(UTC)
    planned = next_working_moment(planned)
    last = end_of_day(due)
    if planned < now:
        planned = min(next_working_moment(now), last)
    return planned, last

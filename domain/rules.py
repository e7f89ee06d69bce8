"""Scheduling rules, pure: (rule, anchor) -> when to send in Oslo time, and a group's changes."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.i18n import t

OSLO = ZoneInfo("Europe/Oslo")
WORK_START, WORK_END = time(8, 0), time(17, 0)


@dataclass(frozen=True)
class Rule:
    """Send `days_before` the anchor at `at` (None keeps the anchor's time of day)."""

    name: str
    days_before: int
    at: time | None
    working_hours: bool  # non-urgent: wait for 08–17 on a weekday
    grace: timedelta  # how late it may still go after downtime
    essential: bool = False  # essential messages ignore a member's mute
    date: str = ""  # a yearly rule's day as DD.MM; "" = the rule's own default day
    # A rule that runs once a month (its day is its own, e.g. the first working day):
    # whether it is on; None for every rule tied to an anchor.
    monthly: bool | None = None


DEFAULT_RULES: dict[str, Rule] = {
    r.name: r for r in (
        Rule("invitation", 7, time(9, 0), False, timedelta(days=2), essential=True),
        Rule("rsvp_reminder", 2, None, True, timedelta(hours=24)),
        Rule("day_before", 1, time(9, 0), True, timedelta(hours=12)),
        Rule("input_deadline", 2, None, True, timedelta(hours=24)),
        # Counted in working days before the due date (domain/minutes.py), not calendar days.
        Rule("followup_reminder", 3, time(9, 0), True, timedelta(days=3)),
        # «Stemmer opplysningene dine?» once a year; date "" = the first working day of
        # February (domain/profile.py), the earliest date among a member's groups.
        Rule("profile_check", 0, None, True, timedelta(days=7)),
        # On by default: seed 002 wants every sub-region in every group, and the reminder
        # says nothing in a month where none is missing (domain/subregions.py).
        Rule("coverage_reminder", 0, time(8, 0), True, timedelta(days=3), monthly=True),
    )
}


def rules_with(overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Rule]:
    """The defaults with a group's overrides, e.g. {"invitation": {"days_before": 10}}."""
    rules = dict(DEFAULT_RULES)
    for name, fields in (overrides or {}).items():
        rules[name] = replace(rules[name], **fields)
    return rules


def wall(day: datetime | Any, at: time) -> datetime:
    """A local date and time in Oslo as UTC; a time skipped by DST moves forward by the gap."""
    naive = datetime.combine(day, at)
    # zoneinfo resolves a nonexistent 02:30 with the pre-transition offset: 03:30 summer time.
    # An ambiguous autumn time (fold=0) is its first occurrence.
    return naive.replace(tzinfo=OSLO).astimezone(UTC)


def into_working_hours(when: datetime) -> datetime:
    """The same moment if it is within 08–17 on a weekday, else the next 08:00 of a weekday."""
    local = when.astimezone(OSLO)
    if local.weekday() < 5 and WORK_START <= local.time() < WORK_END:
        return when
    day = local.date()
    if local.weekday() >= 5 or local.time() >= WORK_END:
        day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return wall(day, WORK_START)


def due_time(rule: Rule, anchor: datetime) -> datetime:
    """When the rule fires for this anchor (a meeting start, a deadline), in UTC."""
    local = anchor.astimezone(OSLO)
    day = local.date() - timedelta(days=rule.days_before)
    due = wall(day, rule.at or local.time().replace(tzinfo=None))
    if rule.working_hours:
        shifted = into_working_hours(due)
        # Waiting for office hours must never push a reminder past what it reminds of.
        if shifted < anchor:
            due = shifted
    return due


def expiry(rule: Rule, anchor: datetime, due: datetime) -> datetime:
    """The last moment it may still go: the grace after due, never after the anchor."""
    return min(due + rule.grace, anchor)


# A group's changes to the scheduling rules: stored as JSON, set as «regel.felt=verdi».
FIELDS = ("days_before", "at", "working_hours", "grace_hours", "date", "monthly")
YEARLY = ("profile_check",)  # the rules that take a `date`
_YES, _NO = ("ja", "true", "1", "yes"), ("nei", "false", "0", "no")


class RuleSettingError(ValueError):
    """A setting that cannot be used; the message is Norwegian."""


def _apply(rule: Rule, field: str, value: Any) -> Rule:
    if field == "at":
        return replace(rule, at=time.fromisoformat(value) if value else None)
    if field == "grace_hours":
        return replace(rule, grace=timedelta(hours=int(value)))
    if field == "date":
        return replace(rule, date=str(value))
    return replace(rule, **{field: value})


def rules_from_json(text: str | None) -> dict[str, Rule]:
    """The default rules with a group's stored changes applied."""
    rules = dict(DEFAULT_RULES)
    for name, fields in json.loads(text or "{}").items():
        for field, value in fields.items():
            rules[name] = _apply(rules[name], field, value)
    return rules


def parse_setting(text: str) -> tuple[str, str, Any]:
    """'invitation.days_before=10' → ('invitation', 'days_before', 10), or RuleSettingError."""
    key, sep, raw = text.partition("=")
    rule, dot, field = key.strip().partition(".")
    if (not sep or not dot or rule not in DEFAULT_RULES or field not in FIELDS
            or (field == "date" and rule not in YEARLY)
            or (field == "monthly" and DEFAULT_RULES[rule].monthly is None)):
        raise RuleSettingError(
            t("rules.rule.er_ikke_en", text=text, DEFAULT_RULES=', '.join(DEFAULT_RULES),
              FIELDS=', '.join(FIELDS)))
    raw = raw.strip()
    try:
        if field == "at":
            clock = datetime.strptime(raw, "%H:%M") if raw not in ("", "-") else None
            value: Any = clock.strftime("%H:%M") if clock else ""
        elif field == "date":
            value = day_month(raw) if raw not in ("", "-") else ""
        elif field in ("working_hours", "monthly"):
            if raw.casefold() not in _YES + _NO:
                raise ValueError(raw)
            value = raw.casefold() in _YES
        else:
            value = int(raw)
            if not 0 <= value <= (60 if field == "days_before" else 24 * 14):
                raise ValueError(raw)
    except ValueError as exc:
        raise RuleSettingError(t("rules.rule.ugyldig_verdi_for", raw=raw, rule=rule,
                                 field=field)) from exc
    return rule, field, value


def day_month(text: str) -> str:
    """'1.2' or '01.02' → '01.02' (a day that comes every year: 29.02 is refused); ValueError."""
    day, dot, month = text.strip().partition(".")
    if not dot or not (day.isdigit() and month.isdigit() and len(day) <= 2 >= len(month)):
        raise ValueError(text)
    parsed = datetime(2001, int(month), int(day))  # 2001: no 29 February
    return parsed.strftime("%d.%m")


def with_setting(text: str | None, rule: str, field: str, value: Any) -> str:
    """The stored JSON with one more change."""
    stored = json.loads(text or "{}")
    stored.setdefault(rule, {})[field] = value
    return json.dumps(stored, sort_keys=True)

"""A group's changes to the scheduling rules: stored as JSON, set as «regel.felt=verdi»."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from scheduler.rules import DEFAULT_RULES, Rule

FIELDS = ("days_before", "at", "working_hours", "grace_hours")
_YES, _NO = ("ja", "true", "1", "yes"), ("nei", "false", "0", "no")


class RuleSettingError(ValueError):
    """A setting that cannot be used; the message is Norwegian."""


def _apply(rule: Rule, field: str, value: Any) -> Rule:
    if field == "at":
        return replace(rule, at=time.fromisoformat(value) if value else None)
    if field == "grace_hours":
        return replace(rule, grace=timedelta(hours=int(value)))
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
    if not sep or not dot or rule not in DEFAULT_RULES or field not in FIELDS:
        raise RuleSettingError(
            f"«{text}» er ikke en gyldig innstilling; skriv REGEL.FELT=VERDI med regel "
            f"{', '.join(DEFAULT_RULES)} og felt {', '.join(FIELDS)}")
    raw = raw.strip()
    try:
        if field == "at":
            clock = datetime.strptime(raw, "%H:%M") if raw not in ("", "-") else None
            value: Any = clock.strftime("%H:%M") if clock else ""
        elif field == "working_hours":
            if raw.casefold() not in _YES + _NO:
                raise ValueError(raw)
            value = raw.casefold() in _YES
        else:
            value = int(raw)
            if not 0 <= value <= (60 if field == "days_before" else 24 * 14):
                raise ValueError(raw)
    except ValueError as exc:
        raise RuleSettingError(f"ugyldig verdi «{raw}» for {rule}.{field}") from exc
    return rule, field, value


def with_setting(text: str | None, rule: str, field: str, value: Any) -> str:
    """The stored JSON with one more change."""
    stored = json.loads(text or "{}")
    stored.setdefault(rule, {})[field] = value
    return json.dumps(stored, sort_keys=True)

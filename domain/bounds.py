"""Numbers that come from outside (card data, typed ids) fit the database's columns."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

# Every id and count column is a 32-bit INTEGER on PostgreSQL; 10**30 overflowed it.
MAX_INT = 2**31 - 1
MIN_INT = -(2**31)
Bounded = Annotated[int, Field(ge=MIN_INT, le=MAX_INT)]


def parse_id(text: str) -> int | None:
    """Digits that fit an id column, else None (never an overflowing int)."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if value <= MAX_INT else None


def out_of_range(value: Any) -> bool:
    """True when a validated model's data holds an int no column can store."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not MIN_INT <= value <= MAX_INT
    if isinstance(value, dict):
        return any(out_of_range(v) for v in value.values())
    if isinstance(value, list | tuple | set):
        return any(out_of_range(v) for v in value)
    return False

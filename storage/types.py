"""Column types shared by every table: UTC timestamps that survive SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC: SQLite keeps no zone, PostgreSQL agrees."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """Aware UTC now, for column defaults only (logic takes an injected clock)."""
    return datetime.now(UTC)


def utc_column(nullable: bool = False) -> Column:  # type: ignore[type-arg]
    """A UTC timestamp column (each table needs its own Column object, hence a function)."""
    return Column(UTCDateTime(), nullable=nullable)

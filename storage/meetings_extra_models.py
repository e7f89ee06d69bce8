"""Generated keys kept across restarts (the tracked cards moved to storage/live_models.py)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.types import utc_column, utcnow


class AppSecret(SQLModel, table=True):
    """A generated key kept across restarts (the calendar links' HMAC key, when none is set)."""

    __tablename__ = "app_secret"
    name: str = Field(primary_key=True, max_length=50)
    value: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow,
                                 sa_column=utc_column())

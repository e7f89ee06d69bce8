"""Teams' send limits as shared GCRA slots in the database, so every instance keeps one budget."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import session_scope


@dataclass(frozen=True)
class Limit:
    """A steady rate plus how many may go at once after a quiet spell."""

    rate: float
    burst: int = 1

    @property
    def interval(self) -> float:
        return 1.0 / self.rate


# Teams allows 50 requests/s per app per tenant; a little below it leaves room for jitter
# between the moment a slot is granted and the moment the request reaches Teams.
TENANT = Limit(rate=47.5)
# Per conversation 7/s, 60 per 30 s and 1,800 per hour: burst 5 + 0.45/s stays inside all three
# (5 + 0.45·1 ≤ 7, 5 + 0.45·30 ≤ 60, 5 + 0.45·3600 ≤ 1,800).
CONVERSATION = Limit(rate=0.45, burst=5)

STALE_S = 0.02
_PG = """
INSERT INTO rate_limit (key, tat) VALUES (:key, 0) ON CONFLICT (key) DO NOTHING;
"""
_PG_TAKE = """
UPDATE rate_limit SET tat = GREATEST(tat, EXTRACT(EPOCH FROM clock_timestamp()) - :tau) + :cost
WHERE key = :key RETURNING tat, EXTRACT(EPOCH FROM clock_timestamp())
"""
_SQLITE_TAKE = """
UPDATE rate_limit SET tat = MAX(tat, :now - :tau) + :cost WHERE key = :key RETURNING tat, :now
"""


def reserve(engine: Engine, key: str, limit: Limit, count: int = 1) -> list[float]:
    """Reserve `count` consecutive slots; returns when each may go, in local time.time() seconds.

    The database keeps the theoretical arrival time per key. On PostgreSQL the server clock
    is the reference, so instances on different hosts agree without trusting their clocks.
    """
    interval = limit.interval
    tau = (limit.burst - 1) * interval
    params = {"key": key, "tau": tau, "cost": count * interval, "now": time.time()}
    with session_scope(engine) as session:
        if engine.dialect.name == "postgresql":
            session.execute(text(_PG), params)
            tat, db_now = session.execute(text(_PG_TAKE), params).one()
        else:
            session.execute(text("INSERT OR IGNORE INTO rate_limit (key, tat) VALUES (:key, 0)"),
                            params)
            tat, db_now = session.execute(text(_SQLITE_TAKE), params).one()
    offset = time.time() - float(db_now)
    first = float(tat) - count * interval + offset
    # Slots in the past are credit from a quiet spell (the burst): usable at once.
    return [first + i * interval for i in range(count)]


class SlotPool:
    """Tenant slots reserved a few at a time; a slot not used in time is thrown away."""

    def __init__(self, engine: Engine, key: str, limit: Limit = TENANT, batch: int = 8) -> None:
        self.engine, self.key, self.limit, self.batch = engine, key, limit, batch
        self._slots: list[float] = []

    def take(self, want: int = 1) -> float:
        """The time the next request may go; blocks on the database only to refill."""
        now = time.time()
        # A pooled slot long past is thrown away: used late it could bunch up with the slots
        # other instances hold. A fresh reservation is used at once whatever its latency.
        while self._slots and self._slots[0] < now - STALE_S:
            self._slots.pop(0)
        if not self._slots:
            self._slots = reserve(self.engine, self.key, self.limit, max(1, min(want, self.batch)))
        return self._slots.pop(0)

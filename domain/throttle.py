"""Chat messages per user per minute, counted in this process (card actions are not)."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)
MAX_USERS = 10_000  # a flood of strangers cannot grow the table forever


@dataclass
class MessageThrottle:
    """A sliding one-minute window per user; the refusal is told at most once a minute."""

    per_minute: int = 30
    _seen: OrderedDict[str, deque[datetime]] = field(default_factory=OrderedDict)
    _told: dict[str, datetime] = field(default_factory=dict)

    def allow(self, user: str, now: datetime) -> bool:
        """Count this message; False when the user is over the limit."""
        times = self._seen.get(user)
        if times is None:
            times = self._seen[user] = deque()
            if len(self._seen) > MAX_USERS:
                old, _ = self._seen.popitem(last=False)
                self._told.pop(old, None)
        self._seen.move_to_end(user)
        while times and now - times[0] >= WINDOW:
            times.popleft()
        if len(times) >= self.per_minute:
            return False
        times.append(now)
        return True

    def should_tell(self, user: str, now: datetime) -> bool:
        """True for the first refusal in a minute: one Norwegian line, not one per message."""
        told = self._told.get(user)
        if told is not None and now - told < WINDOW:
            return False
        self._told[user] = now
        return True

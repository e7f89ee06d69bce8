"""Helpers for the live-card tests: wait for the fake connector, read PUTs and posts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.fakes.connector import Call
from tests.harness import TEAM_ID

# A deadline for work that is coming, not a pause: a wait that holds returns at once, so a
# generous one costs a passing test nothing. 10 s failed under load (CI beside other suites
# and xdist workers on two cores), where the app's background senders take many times
# their idle time.
WAIT_S = 30.0


async def until(check: Callable[[], bool], timeout: float = WAIT_S) -> None:
    """Wait until `check()` holds (the app's senders run in the background)."""
    async def _wait() -> None:
        while not check():
            await asyncio.sleep(0.05)
    try:
        await asyncio.wait_for(_wait(), timeout)
    except TimeoutError:
        code = check.__code__
        raise AssertionError(f"waited {timeout:g} s for the check at "
                             f"{code.co_filename}:{code.co_firstlineno}") from None


def puts(bot: Any, conversation_id: str | None = None) -> list[Call]:
    """Activity updates (PUT) the bot made, optionally in one conversation."""
    return [c for c in bot.connector.calls if c.method == "PUT"
            and (conversation_id is None or c.conversation_id == conversation_id)]


def channel_posts(bot: Any) -> list[dict[str, Any]]:
    """Cards posted to the team's channel."""
    return bot.connector.sent(TEAM_ID)

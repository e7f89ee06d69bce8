"""Helpers for the live-card tests: wait for the fake connector, read PUTs and posts."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.fakes.connector import Call
from tests.harness import TEAM_ID


async def until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `check()` holds (the app's senders run in the background)."""
    async def _wait() -> None:
        while not check():
            await asyncio.sleep(0.05)
    await asyncio.wait_for(_wait(), timeout)


def puts(bot: Any, conversation_id: str | None = None) -> list[Call]:
    """Activity updates (PUT) the bot made, optionally in one conversation."""
    return [c for c in bot.connector.calls if c.method == "PUT"
            and (conversation_id is None or c.conversation_id == conversation_id)]


def channel_posts(bot: Any) -> list[dict[str, Any]]:
    """Cards posted to the team's channel."""
    return bot.connector.sent(TEAM_ID)

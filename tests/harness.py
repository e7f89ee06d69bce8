"""End-to-end harness: the real app on a loopback port, real activity JSON over HTTP."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import FrozenClock
from core.links import LinkSigner
from tests.fakes.connector import FakeConnector
from tests.serving import serve  # noqa: F401  (re-exported for the tests)

FIXTURES = Path(__file__).parent / "fixtures"
ACTIVITIES = FIXTURES / "activities"
ANNE_AAD = "3a1bd1c9-2b3e-4f4f-9d4c-0a6b3e8f2c11"
ANNE_ID = (
    "29:1GcS4EyB_oSI8A88XmWBN7NJFyMqe3QGnJdgLfFGkJnVelzRGos0bAbEPE1vFqHX8hv4sUNMrWhDvK5LSh-WSUA"
)
TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
TEAM_ID = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2"
# The key the bot fixture injects as ICS_SECRET; for service tests that build cards directly.
TEST_LINKS = LinkSigner(b"test-ics-secret", "http://127.0.0.1:9")


def activity(name: str, service_url: str, **overrides: Any) -> dict[str, Any]:
    """A recorded Teams payload from tests/fixtures/activities, pointed at our connector."""
    raw = (ACTIVITIES / f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(raw.replace("{{serviceUrl}}", service_url))
    for key, value in overrides.items():
        data[key] = value
    return data


def as_user(data: dict[str, Any], user_id: str, aad: str, name: str = "") -> dict[str, Any]:
    """The same payload sent by another user."""
    data = copy.deepcopy(data)
    data["from"] = {"id": user_id, "aadObjectId": aad, "name": name}
    return data


def card_of(sent: dict[str, Any]) -> dict[str, Any]:
    """The Adaptive Card inside a sent activity."""
    attachments = sent.get("attachments") or []
    assert attachments, f"no card in {sent}"
    return attachments[0]["content"]


def card_nodes(card: Any) -> Iterator[dict[str, Any]]:
    """Every object in a card, depth first (elements, actions, data)."""
    if isinstance(card, dict):
        yield card
        for value in card.values():
            yield from card_nodes(value)
    elif isinstance(card, list):
        for item in card:
            yield from card_nodes(item)


def card_text(card: dict[str, Any]) -> str:
    """Every text on a card, for assertions on what a person would read."""
    return "\n".join(node[key] for node in card_nodes(card)
                     for key in ("text", "title", "value") if isinstance(node.get(key), str))


@dataclass
class BotServer:
    url: str
    engine: Engine
    clock: FrozenClock
    connector: FakeConnector
    runner: web.AppRunner
    http: aiohttp.ClientSession
    links: LinkSigner
    settings: Any = None
    graph: Any = None  # the fake Graph, when Graph is on

    async def post(self, body: Any, headers: dict[str, str] | None = None,
                   raw: bytes | None = None, settle: bool = True) -> tuple[int, Any]:
        """POST to /api/messages; returns (status, parsed JSON or text).

        With `settle` it also waits for work the request left behind (a roster sync), so a
        test reads the state after it; settle=False to see what the request itself did.
        """
        kwargs: dict[str, Any] = {"headers": headers or {}}
        if raw is not None:
            kwargs["data"] = raw
        else:
            kwargs["json"] = body
        async with self.http.post(f"{self.url}/api/messages", **kwargs) as resp:
            text = await resp.text()
            status = resp.status
        if settle:
            await self.idle()
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    async def idle(self) -> None:
        """Wait for work that left its request (roster syncs, turns past their deadline)."""
        from app import ADAPTER_KEY, BACKGROUND_KEY

        await self.runner.app[ADAPTER_KEY].drain()  # type: ignore[attr-defined]
        await self.runner.app[BACKGROUND_KEY].drain()  # type: ignore[attr-defined]

    async def send(self, name: str, **overrides: Any) -> tuple[int, Any]:
        """Post one fixture activity."""
        return await self.post(activity(name, self.connector.url, **overrides))

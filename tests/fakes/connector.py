"""A fake Bot Connector (v3) on loopback that records every call the bot makes."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    path: str
    conversation_id: str
    body: Any


@dataclass
class FakeConnector:
    """Answers the Bot Connector calls the bot makes; `members` answers look-ups."""

    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    rosters: dict[str, list[str]] = field(default_factory=dict)
    page_size: int = 2
    calls: list[Call] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _event: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def add_member(self, member: dict[str, Any], *rosters: str) -> None:
        """Register a user (by id and aadObjectId) and put them on team rosters."""
        self.members[member["id"]] = member
        if member.get("aadObjectId"):
            self.members[member["aadObjectId"]] = member
        for roster in rosters:
            self.rosters.setdefault(roster, []).append(member["id"])

    def sent(self, conversation_id: str | None = None) -> list[dict[str, Any]]:
        """Activities posted (sent or replied), optionally in one conversation."""
        return [
            c.body
            for c in self.calls
            if c.method == "POST" and "/activities" in c.path
            and (conversation_id is None or c.conversation_id == conversation_id)
        ]

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until at least `count` activities were posted."""
        async def _wait() -> None:
            while len(self.sent()) < count:
                self._event.clear()
                await self._event.wait()
        await asyncio.wait_for(_wait(), timeout)
        return self.sent()

    async def start(self) -> FakeConnector:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeConnector:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        parts = [p for p in request.path.split("/") if p]
        body = await request.json() if request.can_read_body else None
        conv = parts[2] if len(parts) > 2 and parts[1] == "conversations" else ""
        self.calls.append(Call(request.method, request.path, conv, body))
        self._event.set()
        if request.method == "GET":
            return self._get(parts, request)
        if parts[-1] == "conversations":
            return web.json_response({"id": f"a:created-{next(self._ids)}", "activityId": "1"})
        return web.json_response({"id": f"activity-{next(self._ids)}"})

    def _get(self, parts: list[str], request: web.Request) -> web.Response:
        if len(parts) >= 5 and parts[3] == "members":
            member = self.members.get(parts[4])
            if member is None:
                return web.json_response({"error": {"code": "MemberNotFoundInConversation"}},
                                         status=404)
            return web.json_response(member)
        if len(parts) >= 4 and parts[3] == "pagedmembers":
            ids = self.rosters.get(parts[2], [])
            start = int(request.query.get("continuationToken") or 0)
            size = int(request.query.get("pageSize") or self.page_size)
            size = min(size, self.page_size)
            page = [self.members[i] for i in ids[start:start + size]]
            token = str(start + size) if start + size < len(ids) else None
            return web.json_response({"members": page, "continuationToken": token})
        if len(parts) >= 4 and parts[3] == "members":
            return web.json_response([self.members[i] for i in self.rosters.get(parts[2], [])])
        return web.json_response({"error": {"code": "NotFound"}}, status=404)

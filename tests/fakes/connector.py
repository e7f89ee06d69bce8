"""A fake Bot Connector (v3) on loopback that records every call the bot makes."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.serving import serve


@dataclass
class Call:
    method: str
    path: str
    conversation_id: str
    body: Any
    status: int = 200
    at: float = 0.0  # time.monotonic() on arrival


# Teams' documented caps: per conversation 7/1 s, 60/30 s, 1,800/h; per app per tenant 50/1 s.
CONVERSATION_LIMITS = ((1.0, 7), (30.0, 60), (3600.0, 1800))
TENANT_LIMITS = ((1.0, 50),)


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
    _arrival: asyncio.Event = field(default_factory=asyncio.Event)
    # Optional behaviour (all off by default): enforce Teams' limits, inject faults, block users.
    enforce_limits: bool = False
    fault_rate: float = 0.0
    fault_statuses: tuple[int, ...] = (429, 502, 503, 504)
    retry_after_s: float = 1.0
    latency_s: float = 0.0
    blocked: set[str] = field(default_factory=set)
    seed: int = 1
    violations: list[str] = field(default_factory=list)
    early_retries: list[str] = field(default_factory=list)
    _windows: dict[tuple[str, float], deque[float]] = field(default_factory=dict)
    _not_before: dict[str, float] = field(default_factory=dict)
    _rng: random.Random | None = None

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

    def accepted(self, conversation_id: str | None = None) -> list[Call]:
        """Activity posts the fake answered with success (what Teams would show)."""
        return [c for c in self.calls if c.method == "POST" and "/activities" in c.path
                and c.status < 300
                and (conversation_id is None or c.conversation_id == conversation_id)]

    async def wait_for(self, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Wait until at least `count` activities were posted (a deadline for a loaded
        machine, not a pause: it returns as soon as they are there)."""
        async def _wait() -> None:
            while len(self.sent()) < count:
                self._event.clear()
                await self._event.wait()
        await asyncio.wait_for(_wait(), timeout)
        return self.sent()

    def posts(self) -> int:
        """Activity posts that have arrived, answered or still being answered."""
        return sum(1 for c in self.calls if c.method == "POST" and "/activities" in c.path)

    async def wait_for_arrivals(self, count: int, timeout: float = 30.0) -> None:
        """Wait until `count` activity posts have arrived: the last is still in flight (its
        answer waits `latency_s`), so a sender killed now has it marked 'sending'."""
        async def _wait() -> None:
            while self.posts() < count:
                self._arrival.clear()
                await self._arrival.wait()
        await asyncio.wait_for(_wait(), timeout)

    async def start(self) -> FakeConnector:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, url = await serve(app, self.port)
        self.port = int(url.rsplit(":", 1)[1])
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
        call = Call(request.method, request.path, conv, body, at=time.monotonic())
        self.calls.append(call)
        self._arrival.set()
        if request.method == "GET":
            self._event.set()
            return self._get(parts, request)
        refusal = self._refuse(call, parts)
        if self.latency_s:
            await asyncio.sleep(self.latency_s)
        self._event.set()
        if refusal is not None:
            call.status = refusal.status
            return refusal
        if parts[-1] == "conversations":
            return web.json_response({"id": f"a:created-{next(self._ids)}", "activityId": "1"})
        return web.json_response({"id": f"activity-{next(self._ids)}"})

    def _refuse(self, call: Call, parts: list[str]) -> web.Response | None:
        """Blocked users, limit breaches and injected faults; None lets the call through."""
        body = call.body if isinstance(call.body, dict) else {}
        user = ((body.get("members") or [{}])[0]).get("id", "") if parts[-1] == "conversations" \
            else ""
        key = call.conversation_id or f"create:{user}"
        if key in self.blocked or user in self.blocked:
            return web.json_response({"error": {"code": "MessageWritesBlocked"}}, status=403)
        if call.at < self._not_before.get(key, 0.0):
            self.early_retries.append(key)
        if self.enforce_limits:
            tenant = ((body.get("channelData") or {}).get("tenant") or {}).get("id", "-")
            for name, limits in ((f"conv:{key}", CONVERSATION_LIMITS),
                                 (f"tenant:{tenant}", TENANT_LIMITS)):
                for window, cap in limits:
                    times = self._windows.setdefault((name, window), deque())
                    while times and times[0] <= call.at - window:
                        times.popleft()
                    times.append(call.at)
                    if len(times) > cap:
                        self.violations.append(f"{name} {cap}/{window:g}s")
                        return self._throttle(key, call.at)
        if self.fault_rate:
            self._rng = self._rng or random.Random(self.seed)
            if self._rng.random() < self.fault_rate:
                status = self._rng.choice(self.fault_statuses)
                if status == 429:
                    return self._throttle(key, call.at)
                return web.json_response({"error": {"code": "ServiceError"}}, status=status)
        return None

    def _throttle(self, key: str, now: float) -> web.Response:
        self._not_before[key] = now + self.retry_after_s
        return web.json_response({"error": {"code": "TooManyRequests"}}, status=429,
                                 headers={"Retry-After": f"{self.retry_after_s:g}"})

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

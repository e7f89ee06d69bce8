"""A fake Microsoft Graph on loopback: calendar events, the online meeting behind a join URL,
the org app catalog, apps installed in a chat, attendance reports. Records every call and
injects faults.

It answers with the shapes in tests/fixtures/graph/ (copied from Microsoft's reference) and,
as Graph does, creates one event per transactionId: a retried POST gets the event it made.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

SHAPES = Path(__file__).resolve().parent.parent / "fixtures" / "graph"


def shape(name: str) -> dict[str, Any]:
    """One of the reference shapes, fresh."""
    return dict(json.loads((SHAPES / f"{name}.json").read_text(encoding="utf-8")))


@dataclass
class GraphCall:
    method: str
    path: str
    body: Any
    authorization: str
    status: int = 0
    at: float = 0.0


@dataclass
class Fault:
    status: int
    retry_after: str | None = None
    operation: str = ""  # create | update | cancel | get | meeting | catalog | install | report
    # | records | "" (any)


@dataclass
class FakeGraph:
    """POST/PATCH/cancel/GET of /users/{organizer}/events."""

    calls: list[GraphCall] = field(default_factory=list)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_transaction: dict[str, str] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    slow_s: dict[str, float] = field(default_factory=dict)  # operation -> seconds to answer
    received: asyncio.Event = field(default_factory=asyncio.Event)
    _closing: asyncio.Event = field(default_factory=asyncio.Event)
    port: int = 0
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    # The org catalog (manifest id -> catalog id), chats' installed catalog ids, and per
    # online meeting id its attendance reports (each with its records), as Graph keeps them.
    catalog: dict[str, str] = field(default_factory=dict)
    installed: dict[str, list[str]] = field(default_factory=dict)
    reports: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    page_size: int = 2  # records per page, so @odata.nextLink is followed

    def meeting_id_of(self, join_url: str) -> str:
        """The online meeting id Graph gives the Teams meeting of an event's join URL."""
        return "MSp" + join_url.rsplit("meeting_", 1)[-1].split("%40")[0] + "qMCoq"

    def chat_of(self, join_url: str) -> str:
        """The meeting chat's thread id, as in the join URL."""
        return "19:meeting_" + join_url.rsplit("meeting_", 1)[-1].split("%40")[0] + "@thread.v2"

    def add_report(self, join_url: str, start: str, end: str,
                   records: list[dict[str, Any]]) -> None:
        """Teams has made an attendance report for the meeting (records in Graph's shape)."""
        reports = self.reports.setdefault(self.meeting_id_of(join_url), [])
        reports.append({"id": f"c9b6db1c-d5eb-427d-a5c0-{len(reports) + 1:012d}",
                        "totalParticipantCount": len(records),
                        "meetingStartDateTime": start, "meetingEndDateTime": end,
                        "records": records})

    @property
    def url(self) -> str:
        """GRAPH_BASE_URL for the bot."""
        return f"http://127.0.0.1:{self.port}/v1.0"

    def fail(self, status: int, times: int = 1, retry_after: str | None = None,
             operation: str = "") -> None:
        """The next `times` calls (of `operation`) answer `status`."""
        self.faults.extend(Fault(status, retry_after, operation) for _ in range(times))

    def delete_by_hand(self, event_id: str) -> None:
        """Someone deletes the event in Outlook."""
        self.events.pop(event_id, None)

    def of(self, operation: str) -> list[GraphCall]:
        """Calls of one kind: create, update, cancel."""
        return [c for c in self.calls if _operation(c.method, c.path) == operation]

    async def __aenter__(self) -> FakeGraph:
        app = web.Application()
        base = "/v1.0/users/{user}/events"
        app.router.add_post(base, self._create)
        app.router.add_patch(base + "/{id}", self._update)
        app.router.add_post(base + "/{id}/cancel", self._cancel)
        app.router.add_get(base + "/{id}", self._get)
        meetings = "/v1.0/users/{user}/onlineMeetings"
        app.router.add_get(meetings, self._online_meetings)
        app.router.add_get(meetings + "/{mid}/attendanceReports", self._reports)
        app.router.add_get(meetings + "/{mid}/attendanceReports/{rid}/attendanceRecords",
                           self._records)
        app.router.add_get("/v1.0/appCatalogs/teamsApps", self._catalog)
        app.router.add_post("/v1.0/chats/{chat}/installedApps", self._install)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._closing.set()  # slow answers end now, or the runner's shutdown waits for them
        if self._runner:
            await self._runner.cleanup()

    async def _enter(self, request: web.Request) -> tuple[GraphCall, web.Response | None]:
        body = await request.json() if request.can_read_body else None
        call = GraphCall(request.method, request.path, body,
                         request.headers.get("Authorization", ""), at=time.monotonic())
        self.calls.append(call)
        operation = _operation(call.method, call.path)
        for fault in self.faults:
            if fault.operation in ("", operation):
                self.faults.remove(fault)
                name = {429: "error_throttled_429", 403: "error_access_denied_403",
                        404: "error_not_found_404", 409: "error_conflict_409",
                        }.get(fault.status, "error_unavailable_503")
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                call.status = fault.status
                return call, web.json_response(shape(name), status=fault.status,
                                               headers=headers)
        return call, None

    async def _answer(self, call: GraphCall, response: web.Response) -> web.Response:
        self.received.set()
        delay = self.slow_s.get(_operation(call.method, call.path), 0.0)
        if delay:  # Graph has acted; the answer is late
            try:
                await asyncio.wait_for(self._closing.wait(), delay)
            except TimeoutError:
                pass
        call.status = response.status
        return response

    async def _create(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        body = call.body or {}
        txid = body.get("transactionId")
        if txid and txid in self.by_transaction and self.by_transaction[txid] in self.events:
            # Graph's dedupe: the same transactionId gets the event it already made.
            return await self._answer(call, web.json_response(
                self.events[self.by_transaction[txid]], status=201))
        n = next(self._ids)
        event = shape("create_event_online_response")
        event_id = f"AAMkAGViNDU7zAAAAA7zAAAZe6Ck{n:04d}="
        online = bool(body.get("isOnlineMeeting"))
        event.update({k: copy.deepcopy(v) for k, v in body.items()})
        event.update({
            "id": event_id, "iCalUId": f"040000008200E00074C5B7101A82E008{n:08d}",
            "webLink": f"https://outlook.office365.com/owa/?itemid={event_id}&path=/calendar/item",
            "attendees": [{**a, "status": {"response": "none", "time": "0001-01-01T00:00:00Z"}}
                          for a in body.get("attendees", [])],
            "isCancelled": False,
            "onlineMeeting": {"joinUrl": "https://teams.microsoft.com/l/meetup-join/"
                                         f"19%3ameeting_fake{n:04d}%40thread.v2/0"}
            if online else None,
        })
        if not txid:
            event.pop("transactionId", None)
        self.events[event_id] = event
        if txid:
            self.by_transaction[txid] = event_id
        return await self._answer(call, web.json_response(event, status=201))

    async def _update(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        event = self.events.get(request.match_info["id"])
        if event is None:
            return await self._answer(call, web.json_response(
                shape("error_not_found_404"), status=404))
        event.update(copy.deepcopy(call.body or {}))
        return await self._answer(call, web.json_response(event, status=200))

    async def _cancel(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        event = self.events.get(request.match_info["id"])
        if event is None:
            return await self._answer(call, web.json_response(
                shape("error_not_found_404"), status=404))
        event["isCancelled"] = True
        event["cancelComment"] = (call.body or {}).get("comment", "")
        return await self._answer(call, web.Response(status=202))

    async def _get(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        event = self.events.get(request.match_info["id"])
        if event is None:
            return await self._answer(call, web.json_response(
                shape("error_not_found_404"), status=404))
        return await self._answer(call, web.json_response(event))


    async def _online_meetings(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        wanted = request.query.get("$filter", "")
        prefix = "JoinWebUrl eq '"
        if not (wanted.startswith(prefix) and wanted.endswith("'")):
            return await self._answer(call, web.json_response(
                shape("error_not_found_404"), status=400))
        url = wanted[len(prefix):-1].replace("''", "'")
        found = shape("online_meetings_by_join_url_response")
        known = any((e.get("onlineMeeting") or {}).get("joinUrl") == url
                    for e in self.events.values())
        template = found["value"][0]
        found["value"] = [{**template, "id": self.meeting_id_of(url), "joinWebUrl": url,
                           "chatInfo": {**template["chatInfo"], "threadId": self.chat_of(url)}}
                          ] if known else []
        return await self._answer(call, web.json_response(found))

    async def _reports(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        listed = shape("attendance_reports_response")
        listed["value"] = [{k: v for k, v in r.items() if k != "records"}
                           for r in self.reports.get(request.match_info["mid"], [])]
        return await self._answer(call, web.json_response(listed))

    async def _records(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        report = next((r for r in self.reports.get(request.match_info["mid"], [])
                       if r["id"] == request.match_info["rid"]), None)
        if report is None:
            return await self._answer(call, web.json_response(
                shape("error_not_found_404"), status=404))
        skip = int(request.query.get("$skip", "0"))
        page = shape("attendance_records_response")
        page["value"] = report["records"][skip:skip + self.page_size]
        if skip + self.page_size < len(report["records"]):
            page["@odata.nextLink"] = (f"{self.url}{request.path.removeprefix('/v1.0')}"
                                       f"?$skip={skip + self.page_size}")
        return await self._answer(call, web.json_response(page))

    async def _catalog(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        wanted = request.query.get("$filter", "")
        external = wanted.removeprefix("externalId eq '").removesuffix("'")
        found = shape("teams_apps_by_external_id_response")
        template = found["value"][0]
        found["value"] = [{**template, "id": self.catalog[external], "externalId": external}
                          ] if external in self.catalog else []
        return await self._answer(call, web.json_response(found))

    async def _install(self, request: web.Request) -> web.Response:
        call, fault = await self._enter(request)
        if fault is not None:
            return await self._answer(call, fault)
        bind = str((call.body or {}).get("teamsApp@odata.bind", ""))
        app_id = bind.rsplit("/", 1)[-1]
        chat = self.installed.setdefault(request.match_info["chat"], [])
        if app_id in chat:
            return await self._answer(call, web.json_response(shape("error_conflict_409"),
                                                              status=409))
        chat.append(app_id)
        return await self._answer(call, web.Response(status=201))


def _operation(method: str, path: str) -> str:
    if path.endswith("/cancel"):
        return "cancel"
    if path.endswith("/onlineMeetings"):
        return "meeting"
    if path.endswith("/attendanceReports"):
        return "report"
    if path.endswith("/attendanceRecords"):
        return "records"
    if path.endswith("/teamsApps"):
        return "catalog"
    if path.endswith("/installedApps"):
        return "install"
    if method == "POST":
        return "create"
    return {"PATCH": "update", "GET": "get"}.get(method, method.lower())

"""Microsoft Graph over aiohttp (MSAL tokens), and the worker that makes the recorded calls.

Each call is a graph_call row written before the request (storage/graph.py). The worker
claims due rows like the delivery worker, marks a row 'sending' right before its request and
records the outcome right after; a row a dead process left 'sending' is made again, which is
safe for a create because Graph dedupes it by transactionId.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import aiohttp
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import metrics
from core.clock import Clock, SystemClock
from core.i18n import t
from core.settings import Settings
from delivery import target
from delivery.connector import CachedTokens, parse_retry_after
from storage import graph as calls
from storage.db import session_scope
from storage.graph_models import GraphCall

log = logging.getLogger(__name__)
SCOPE = "https://graph.microsoft.com/.default"
LEASE = timedelta(seconds=90)  # longer than a request may take (TIMEOUT_S)
TIMEOUT_S = 30.0
MAX_ATTEMPTS = 8
RETRYABLE = frozenset({0, 429, 500, 502, 503, 504})  # 0: no answer (network, timeout)
BASE_DELAY_S, MAX_DELAY_S = 2.0, 600.0
# The manifest id looked up in the org catalog in local mode (no app id: tests, a fake Graph).
LOCAL_APP_ID = "00000000-0000-4000-8000-00000000fa99"


@dataclass
class GraphReply:
    """What Graph answered (status 0: no answer)."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    retry_after: float | None = None

    @property
    def code(self) -> str:
        return str((self.body.get("error") or {}).get("code", ""))


class _MsalApps:
    """One ConfidentialClientApplication per (authority, app id) in the process: its cache."""

    def __init__(self) -> None:
        self._apps: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def get(self, authority: str, app_id: str, secret: str) -> Any:
        import msal

        with self._lock:
            if (authority, app_id) not in self._apps:
                # No instance discovery: it would ask login.microsoftonline.com about the
                # authority; the configured tenant authority is trusted as it stands.
                self._apps[(authority, app_id)] = msal.ConfidentialClientApplication(
                    app_id, client_credential=secret, authority=authority,
                    instance_discovery=False)
            return self._apps[(authority, app_id)]


MSAL_APPS = _MsalApps()


class GraphTokens(CachedTokens):
    """Bearer tokens for Graph by client credentials; none in local mode (no app id)."""

    def _acquire(self) -> dict[str, Any]:
        app = MSAL_APPS.get(self.settings.resolved_graph_authority(), self.settings.app_id,
                            self.settings.app_password)
        return dict(app.acquire_token_for_client(scopes=[SCOPE]))

    def _refusal(self, result: dict[str, Any]) -> str:
        return str(result.get("error", "ukjent feil"))

    def acquire(self) -> dict[str, Any]:
        """One token request now, MSAL's answer as it is (for `system check`)."""
        return self._acquire()


class GraphClient:
    """The calendar calls the Outlook feature needs, for one organizer mailbox."""

    def __init__(self, http: aiohttp.ClientSession, tokens: GraphTokens, settings: Settings,
                 timeout_s: float = TIMEOUT_S) -> None:
        self.http, self.tokens = http, tokens
        self.base = settings.graph_base_url.rstrip("/")
        self.user = quote(settings.graph_organizer.strip(), safe="@.")
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def _call(self, method: str, path: str, body: dict[str, Any] | None) -> GraphReply:
        return await self._request(method, f"/users/{self.user}{path}", body)

    async def _request(self, method: str, path: str, body: dict[str, Any] | None) -> GraphReply:
        """One request to a path under GRAPH_BASE_URL (an @odata.nextLink only if under it)."""
        headers = await self.tokens.headers()
        if body is not None:
            headers["Content-Type"] = "application/json"
        url = path if path.startswith(self.base + "/") else f"{self.base}{path}"
        try:
            async with self.http.request(method, url,
                                         json=body, headers=headers,
                                         timeout=self.timeout) as resp:
                try:
                    data = await resp.json(content_type=None)
                except ValueError:
                    data = None
                if resp.status == 401:
                    self.tokens.invalidate()
                return GraphReply(resp.status, data if isinstance(data, dict) else {},
                                  parse_retry_after(resp.headers.get("Retry-After")))
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("Graph %s %s: ikke svar (%s)", method, path.split("/")[1][:40],
                        type(exc).__name__)
            return GraphReply(0)

    async def create_event(self, event: dict[str, Any], transaction_id: str) -> GraphReply:
        """POST /users/{organizer}/events; the transactionId makes a retry safe."""
        return await self._call("POST", "/events", {**event, "transactionId": transaction_id})

    async def update_event(self, event_id: str, fields: dict[str, Any]) -> GraphReply:
        """PATCH the changed fields (attendees replace the whole list)."""
        return await self._call("PATCH", f"/events/{quote(event_id, safe='')}", fields)

    async def attendees(self, event_id: str) -> GraphReply:
        """GET the event's attendees with their answers (status.response)."""
        return await self._call("GET", f"/events/{quote(event_id, safe='')}?$select=attendees",
                                None)

    async def cancel_event(self, event_id: str, comment: str) -> GraphReply:
        """POST …/cancel: Outlook sends the attendees a cancellation with this comment."""
        return await self._call("POST", f"/events/{quote(event_id, safe='')}/cancel",
                                {"comment": comment})


    async def online_meeting(self, join_url: str) -> GraphReply:
        """GET …/onlineMeetings?$filter=JoinWebUrl eq '…': the Teams meeting behind a link.

        Answers 200 with the meeting itself, or 404 «onlineMeetingNotFound» (not yet visible).
        """
        odata = "JoinWebUrl eq '" + join_url.replace("'", "''") + "'"
        reply = await self._call("GET", "/onlineMeetings?$filter=" + quote(odata, safe=""), None)
        if not 200 <= reply.status < 300:
            return reply
        found = [m for m in reply.body.get("value") or [] if isinstance(m, dict)]
        if not found:
            return GraphReply(404, {"error": {"code": NOT_YET}})
        return GraphReply(200, found[0])

    async def catalog_app(self, manifest_id: str) -> GraphReply:
        """GET /appCatalogs/teamsApps?$filter=externalId eq '…': the org catalog's id."""
        odata = "externalId eq '" + manifest_id.replace("'", "''") + "'"
        reply = await self._request(
            "GET", "/appCatalogs/teamsApps?$filter=" + quote(odata, safe=""), None)
        if not 200 <= reply.status < 300:
            return reply
        found = [a for a in reply.body.get("value") or [] if isinstance(a, dict) and a.get("id")]
        if not found:
            return GraphReply(404, {"error": {"code": NOT_IN_CATALOG}})
        return GraphReply(200, found[0])

    async def install_in_chat(self, join_url: str, manifest_id: str) -> GraphReply:
        """The bot into the meeting's chat: the meeting, the catalog id, then POST installedApps.

        Already installed (409) counts as done, so a repeat never installs twice.
        """
        meeting = await self.online_meeting(join_url)
        if meeting.status != 200:
            return meeting
        chat_id = str((meeting.body.get("chatInfo") or {}).get("threadId", "") or "")
        if not chat_id:
            return GraphReply(404, {"error": {"code": NOT_YET}})
        app = await self.catalog_app(manifest_id)
        if app.status != 200:
            return app
        bind = f"{self.base}/appCatalogs/teamsApps/{quote(str(app.body['id']), safe='')}"
        reply = await self._request("POST", f"/chats/{quote(chat_id, safe='')}/installedApps",
                                    {"teamsApp@odata.bind": bind})
        if reply.status in (200, 201, 204, 409):
            return GraphReply(200, {"onlineMeetingId": meeting.body.get("id", ""),
                                    "chatId": chat_id, "already": reply.status == 409})
        return reply

    async def _all(self, path: str) -> GraphReply:
        """Every page of a collection (@odata.nextLink followed, under GRAPH_BASE_URL only)."""
        items: list[Any] = []
        next_path: str | None = path
        for _page in range(50):
            if next_path is None:
                break
            reply = await self._request("GET", next_path, None)
            if not 200 <= reply.status < 300:
                return reply
            items += [i for i in reply.body.get("value") or [] if isinstance(i, dict)]
            link = reply.body.get("@odata.nextLink")
            next_path = link if isinstance(link, str) and link.startswith(self.base + "/") \
                else None
        return GraphReply(200, {"value": items})

    async def attendance(self, join_url: str, online_meeting_id: str) -> GraphReply:
        """The meeting's attendance reports with their records (404 «reportNotReady»: none yet)."""
        if not online_meeting_id:
            meeting = await self.online_meeting(join_url)
            if meeting.status != 200:
                return meeting
            online_meeting_id = str(meeting.body.get("id", ""))
        base = f"/users/{self.user}/onlineMeetings/{quote(online_meeting_id, safe='')}"
        listed = await self._all(f"{base}/attendanceReports")
        if listed.status != 200:
            return listed
        reports = []
        for report in listed.body["value"]:
            records = await self._all(
                f"{base}/attendanceReports/{quote(str(report.get('id', '')), safe='')}"
                "/attendanceRecords")
            if records.status != 200:
                return records
            reports.append({**report, "attendanceRecords": records.body["value"]})
        if not reports:
            return GraphReply(404, {"error": {"code": NOT_READY}})
        return GraphReply(200, {"onlineMeetingId": online_meeting_id, "reports": reports})


# Codes the client gives itself when Graph answered but the thing is not there (yet).
NOT_YET, NOT_READY, NOT_IN_CATALOG = "onlineMeetingNotFound", "reportNotReady", "appNotInCatalog"


@dataclass(frozen=True)
class Outcome:
    """What became of one attempt: done, pending again (retry), or failed for good."""

    status: str
    reply: GraphReply
    error: str = ""
    delay_s: float = 0.0
    # `error` is drawn once, in the worker's language, for the call's row; a notice about it
    # redraws it with `explain()` in each reader's language.
    explain: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    def said(self) -> str:
        """The error in the current language."""
        return self.explain() if self.explain is not None else self.error


def backoff(attempts: int, rng: random.Random | None = None) -> float:
    """Exponential back-off with jitter (between half and the whole step)."""
    step = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** max(0, attempts - 1))
    return step * (rng or random).uniform(0.5, 1.0)


PERMISSION = "Calendars.ReadWrite"
# What a 401/403 names, per operation of the Teams meeting (the calendar's is PERMISSION).
PERMISSIONS = {
    "chatinstall": "OnlineMeetings.Read.All, TeamsAppInstallation.ReadWriteSelfForChat.All",
    "attendance": "OnlineMeetings.Read.All, OnlineMeetingArtifact.Read.All"}
# Teams' attendance report appears minutes after the meeting: asked again after 2, 4, 8, …
# minutes (at most an hour apart), for about a day, then given up where the queue card shows it.
REPORT_FIRST_S, REPORT_MAX_S, REPORT_ATTEMPTS = 120.0, 3600.0, 30


def report_delay(attempts: int) -> float:
    """How long to wait before asking for the attendance report again."""
    return min(REPORT_MAX_S, REPORT_FIRST_S * 2 ** max(0, attempts - 1))


def decide(call: GraphCall, reply: GraphReply, attempts: int,
           rng: random.Random | None = None) -> Outcome:
    """Map Graph's answer and the attempt count to the next step (errors in Norwegian)."""
    outcome = _decide(call, reply, attempts, rng)
    # The redraw's own generator: the delay is thrown away, and the worker's rng stays put.
    return replace(outcome, explain=lambda: _decide(call, reply, attempts,
                                                    random.Random(0)).error)


def _decide(call: GraphCall, reply: GraphReply, attempts: int,
            rng: random.Random | None) -> Outcome:
    status = reply.status
    if 200 <= status < 300:
        return Outcome("done", reply)
    if status == 404 and reply.code in (NOT_READY, NOT_YET) and call.operation in PERMISSIONS:
        if attempts >= REPORT_ATTEMPTS:
            return Outcome("failed", reply, t("delivery.graph.kom_aldri", attempts=attempts))
        return Outcome("pending", reply, t("delivery.graph.ikke_klar_enna"),
                       report_delay(attempts))
    if status == 404 and reply.code == NOT_IN_CATALOG:
        return Outcome("failed", reply, t("delivery.graph.ikke_i_katalogen"))
    if status == 404 and call.operation == "cancel":
        return Outcome("done", reply, t("delivery.graph.allerede_slettet"))
    if status == 404:
        what = (t("delivery.graph.fant_ikke_postboksen") if call.operation == "create"
                else t("delivery.graph.hendelsen_er_slettet"))
        return Outcome("failed", reply, f"HTTP 404 {reply.code}: {what}".replace("  ", " "))
    if status == 401 and attempts < 2:
        return Outcome("pending", reply, t("delivery.graph.henter_nytt_token"),
                       backoff(attempts, rng))
    if status in (401, 403):
        return Outcome("failed", reply,
                       t("delivery.graph.mangler_tillatelse", status=status, code=reply.code,
                         permission=PERMISSIONS.get(call.operation, PERMISSION))
                       .replace("  ", " "))
    if status in RETRYABLE:
        if attempts >= MAX_ATTEMPTS:
            return Outcome("failed", reply,
                           t("delivery.graph.ga_opp_etter", attempts=attempts,
                             value3=status or t("delivery.graph.uten_svar")))
        # Never earlier than Graph asked for; jitter so instances do not come back in step.
        wait = (reply.retry_after or 0.0) * (rng or random).uniform(1.0, 1.2)
        delay = max(backoff(attempts, rng), wait)
        return Outcome("pending", reply,
                       t("delivery.graph.http_prover_igjen",
                         value1=status or t("delivery.graph.uten_svar")), delay)
    message = str((reply.body.get("error") or {}).get("message", ""))[:200]
    return Outcome("failed", reply, t("delivery.graph.avviste_kallet", status=status,
                                      code=reply.code, message=message).strip())


# Called in the transaction that records a final outcome (done or failed): the use case
# (services/outlook.py, passed in by app.py and the CLI) stores ids, releases cards, tells people.
Hook = Callable[[Session, GraphCall, Outcome, datetime], None]


def _no_hook(_s: Session, _c: GraphCall, _o: Outcome, _n: datetime) -> None:
    return None


class GraphWorker:
    """Claims due Graph calls and makes them; several may run (claims are atomic)."""

    def __init__(self, engine: Engine, settings: Settings, clock: Clock | None = None,
                 hook: Hook = _no_hook, *, meeting_id: int | None = None,
                 poll_s: float = 0.5, timeout_s: float = TIMEOUT_S) -> None:
        self.engine, self.settings, self.clock = engine, settings, clock or SystemClock()
        self.hook, self.meeting_id, self.poll_s = hook, meeting_id, poll_s
        self.timeout_s = timeout_s
        self.owner = target.owner_id()
        self.in_doubt = 0
        self._wake = asyncio.Event()
        self._stopping = False
        self._runner: asyncio.Task[None] | None = None
        self._checked_dead = 0.0

    def wake(self) -> None:
        """Look for work now."""
        self._wake.set()

    async def start(self) -> None:
        """Run in the background until stop()."""
        self._runner = asyncio.create_task(self.run(), name="graph-worker")

    async def stop(self) -> None:
        """Finish the call in flight, then stop."""
        self._stopping = True
        self._wake.set()
        if self._runner:
            await self._runner

    async def run(self, until_idle: bool = False, deadline: float | None = None) -> None:
        """Make calls until stopped (until_idle: until none is open; deadline: monotonic)."""
        async with aiohttp.ClientSession() as http:
            client = GraphClient(http, GraphTokens(self.settings), self.settings,
                                 self.timeout_s)
            try:
                while not self._stopping:
                    rows = await asyncio.to_thread(self._claim, 4)
                    for row in rows:
                        await self._make(client, row)
                    if rows:
                        continue
                    if until_idle and await asyncio.to_thread(self._idle):
                        break
                    if deadline is not None and time.monotonic() >= deadline:
                        break
                    self._wake.clear()
                    try:
                        await asyncio.wait_for(self._wake.wait(), self.poll_s)
                    except TimeoutError:
                        pass
            finally:
                target.release_owner(self.owner)

    def _claim(self, limit: int) -> list[GraphCall]:
        now = self.clock.now()
        with session_scope(self.engine) as session:
            dead: list[str] = []
            if time.monotonic() - self._checked_dead > 2.0:
                self._checked_dead = time.monotonic()
                dead = target.dead_local_owners(calls.leased_owners(session, now), self.owner)
            rows, doubt = calls.claim(session, self.owner, now, limit, LEASE,
                                      self.meeting_id, dead)
            for row in rows:
                session.expunge(row)
        self.in_doubt += doubt
        return rows

    def _idle(self) -> bool:
        with session_scope(self.engine) as session:
            return calls.next_due(session, self.meeting_id) is None

    def _mark(self, row: GraphCall) -> tuple[bool, str]:
        """Commit 'sending'; also the event id a PATCH or cancel needs (read as it is now)."""
        with session_scope(self.engine) as session:
            if not calls.mark_sending(session, row.id or 0, self.owner):
                return False, ""
            event = calls.event_for(session, row.meeting_id)
            return True, event.event_id if event else ""

    async def _make(self, client: GraphClient, row: GraphCall) -> None:
        try:
            marked, event_id = await asyncio.to_thread(self._mark, row)
            if not marked:
                return
            payload = json.loads(row.payload)
            if row.operation == "create":
                reply = await client.create_event(payload, row.transaction_id)
            elif row.operation == "chatinstall":
                reply = await client.install_in_chat(str(payload.get("join_url", "")),
                                                     self.settings.app_id or LOCAL_APP_ID)
            elif row.operation == "attendance":
                reply = await client.attendance(str(payload.get("join_url", "")),
                                                str(payload.get("online_meeting_id", "")))
            elif not event_id:
                reply = GraphReply(404, {"error": {"code": "ErrorItemNotFound"}})
            elif row.operation == "cancel":
                reply = await client.cancel_event(event_id, str(payload.get("comment", "")))
            elif row.operation == "answers":
                reply = await client.attendees(event_id)
            else:
                reply = await client.update_event(event_id, payload)
        except Exception:  # one bad row must not stop the worker
            log.exception("Graph-kall %s feilet uventet", row.id)
            reply = GraphReply(0)
        await asyncio.to_thread(self._record, row, reply)

    def _record(self, row: GraphCall, reply: GraphReply) -> None:
        outcome = decide(row, reply, row.attempts + 1)
        metrics.GRAPH_CALLS.labels(
            outcome="throttled" if reply.status == 429
            else "ok" if 200 <= (reply.status or 0) < 300 else "error").inc()
        now = self.clock.now()
        values: dict[str, Any] = {"status": outcome.status, "last_error": outcome.error,
                                  "last_http_status": reply.status or None}
        if reply.status == 429:
            values["throttled"] = row.throttled + 1
        if outcome.status == "pending":
            values["next_attempt_at"] = now + timedelta(seconds=outcome.delay_s)
        else:
            values["finished_at"] = now
        try:
            with session_scope(self.engine) as session:
                if calls.record(session, row.id or 0, self.owner, **values) \
                        and outcome.status != "pending":
                    fresh = session.get(GraphCall, row.id)
                    if fresh is not None:
                        self.hook(session, fresh, outcome, now)
        except Exception:
            # A failing hook must not leave the row 'sending' to be made again and again:
            # the outcome is recorded on its own, and the log says what went wrong.
            log.exception("Graph-kall %s: etterarbeidet feilet", row.id)
            values["last_error"] = (outcome.error + t("delivery.graph.intern_feil_etterpa")).strip()
            with session_scope(self.engine) as session:
                calls.record(session, row.id or 0, self.owner, **values)
        log.info("Graph-kall %s (%s, møte %s): %s %s", row.id, row.operation, row.meeting_id,
                 outcome.status, reply.status)


def attach(app: Any, settings: Settings, engine: Engine, clock: Clock, hook: Hook) -> None:
    """Run one Graph worker with the aiohttp app while GRAPH_ORGANIZER is set."""
    if not settings.graph_organizer.strip():
        return
    worker = GraphWorker(engine, settings, clock, hook)

    async def start(_app: Any) -> None:
        await worker.start()

    async def stop(_app: Any) -> None:
        await worker.stop()

    app.on_startup.append(start)
    app.on_cleanup.insert(0, stop)  # before the engine is disposed

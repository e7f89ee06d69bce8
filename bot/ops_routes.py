"""Operations endpoints: GET /readyz (may this instance take traffic?) and GET /metrics."""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine

from core import metrics
from core.clock import Clock
from core.settings import Settings
from storage.db import is_reachable, session_scope
from storage.delivery import queue_stats
from storage.migrate import current_revisions, head_revisions

log = logging.getLogger(__name__)
Probe = Callable[[], tuple[bool, str]]  # (ok, detail) of a background task, e.g. the scheduler
CHECK_TIMEOUT_S = 5.0  # a hung database must not hang the probe past the prober's timeout


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1 (also IPv4 mapped into IPv6); False for anything else."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool((mapped or ip).is_loopback)


def register(app: web.Application, settings: Settings, engine: Engine, clock: Clock,
             probes: Mapping[str, Probe]) -> None:
    """Add /readyz and /metrics to the app; `probes` report the background tasks."""
    heads = head_revisions()  # read once: the code does not change under a running process

    def database_checks() -> dict[str, dict[str, Any]]:
        if not is_reachable(engine):
            return {"database": _check(False, "databasen svarer ikke"),
                    "migrations": _check(False, "ukjent: databasen svarer ikke")}
        current = current_revisions(engine)
        at_head = current == heads
        detail = ("på siste versjon " if at_head else "database ") + ",".join(sorted(current))
        if not at_head:
            detail += f", koden {','.join(sorted(heads))}"
        return {"database": _check(True, engine.dialect.name),
                "migrations": _check(at_head, detail)}

    async def readyz(request: web.Request) -> web.Response:
        try:
            checks = await asyncio.wait_for(asyncio.to_thread(database_checks), CHECK_TIMEOUT_S)
        except TimeoutError:
            checks = {"database": _check(False, f"ingen svar innen {CHECK_TIMEOUT_S:.0f} s")}
        for name, probe in probes.items():
            checks[name] = _check(*probe())
        checks["openid_keys"] = _openid_check(settings, request.app.get("openid_keys"))
        ready = all(c["ok"] for c in checks.values())
        body = {"status": "ready" if ready else "not ready", "checks": checks,
                "unauthenticated": settings.allow_unauthenticated}
        return web.json_response(body, status=200 if ready else 503)

    async def metrics_endpoint(request: web.Request) -> web.Response:
        if settings.metrics_token:
            given = request.headers.get("Authorization", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode()):
                return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})
        elif not is_loopback(request.remote):
            # Behind App Service the peer is its front end, never loopback: a token is needed.
            return web.Response(status=403, text="metrics: bare fra 127.0.0.1 uten METRICS_TOKEN")
        try:
            await asyncio.wait_for(asyncio.to_thread(_refresh_queue_gauges, engine, clock),
                                   CHECK_TIMEOUT_S)
        except Exception as exc:  # the counters are still worth a scrape without the database
            log.warning("Metrics: køtallene kunne ikke leses (%s)", type(exc).__name__)
        body, content_type = metrics.render()
        return web.Response(body=body, headers={"Content-Type": content_type})

    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)


def _check(ok: bool, detail: str) -> dict[str, Any]:
    return {"ok": ok, "detail": detail}


def _openid_check(settings: Settings, keys: Any) -> dict[str, Any]:
    """Auth mode needs the Bot Framework's signing keys, loaded or at least fetchable."""
    if settings.local_mode:
        return _check(True, "not configured (local mode)")
    if keys is None or not hasattr(keys, "status"):
        return _check(True, "not configured")
    status = keys.status()
    if status.get("loaded"):
        return _check(True, f"loaded {status.get('fetched_at')}")
    error = status.get("last_error")
    return _check(not error,
                  f"not loaded: {error}" if error else "not loaded yet, no fetch has failed")


def _refresh_queue_gauges(engine: Engine, clock: Clock) -> None:
    with session_scope(engine) as session:
        depth, due, lateness = queue_stats(session, clock.now())
    metrics.QUEUE_DEPTH.set(depth)
    metrics.JOBS_DUE.set(due)
    metrics.OLDEST_DUE_LATENESS.set(lateness)

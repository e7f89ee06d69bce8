"""/metrics (Prometheus text, loopback or a bearer token) and /readyz (may it take traffic?)."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any
from unittest import mock

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from core.settings import Settings
from delivery.connector import BotConnector, TokenSource, new_http_session
from delivery.sendout import enqueue, notice_activity
from scheduler.store import schedule
from services.runtime import SCHEDULER_KEY, WORKER_KEY
from storage.db import session_scope
from tests.harness import ANNE_AAD, ANNE_ID, TENANT
from tests.ops_support import served
from tests.test_delivery_support import seed_group

PROFILE = {"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
           "email": "anne.feltman@asker.kommune.no", "tenantId": TENANT}


def _samples(body: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, parsed by prometheus-client's own parser."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body) for s in family.samples}


async def _scrape(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, \
            http.get(f"{url}/metrics", headers=headers or {}) as resp:
        return resp.status, await resp.text()


def _route(app: web.Application, path: str) -> Any:
    for resource in app.router.resources():
        if resource.canonical == path:
            for route in resource:
                if route.method == "GET":
                    return route.handler
    raise AssertionError(f"no GET {path}")


def _from(app: web.Application, peer: str, headers: dict[str, str] | None = None) -> web.Request:
    """A request as aiohttp builds it for a caller at `peer` (no real traffic leaves here)."""
    transport = mock.Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        (peer, 40000) if name == "peername" else default)
    return make_mocked_request("GET", "/metrics", headers=headers or {}, app=app,
                               transport=transport)


async def test_metrics_parse_and_count_turns_queue_and_lateness(bot):
    bot.connector.add_member(PROFILE)
    status, before = await _scrape(bot.url)
    assert status == 200
    await bot.send("personal_message")
    await bot.send("card_submit", value={"verb": "finnes.ikke"})
    [member] = seed_group(bot.engine, bot.connector.url, 1, group="Kø")
    bot.runner.app[SCHEDULER_KEY].stop()  # else it would run the due job we count below
    now = bot.clock.now()
    with session_scope(bot.engine) as session:
        # Due 90 s ago and still pending: the oldest due job is 90 s late.
        schedule(session, "test.none", "late", {}, now - timedelta(seconds=90),
                 now + timedelta(hours=1), now - timedelta(hours=1))
        schedule(session, "test.none", "later", {}, now + timedelta(hours=1),
                 now + timedelta(hours=2), now - timedelta(hours=1))
        enqueue(session, "notice", "x", member, notice_activity("T", ["l"]),
                now + timedelta(hours=1))
    status, after = await _scrape(bot.url)
    assert status == 200
    old, new = _samples(before), _samples(after)
    key = ("faggruppe_turns_total", (("kind", "message"), ("outcome", "ok")))
    assert new[key] - old.get(key, 0) == 2
    hist = ("faggruppe_turn_seconds_count", (("kind", "message"),))
    assert new[hist] - old.get(hist, 0) == 2
    assert new[("faggruppe_delivery_queue_depth", ())] == 1
    assert new[("faggruppe_scheduled_jobs_due", ())] == 1
    assert new[("faggruppe_scheduled_job_lateness_seconds", ())] == 90
    names = {family.name for family in text_string_to_metric_families(after)}
    assert {"faggruppe_deliveries", "faggruppe_teams_throttled", "faggruppe_graph_calls",
            "faggruppe_delivery_seconds", "faggruppe_scheduler_ticks"} <= names


async def test_metrics_refuse_a_non_loopback_caller_without_the_token(engine):
    from app import create_app

    app = create_app(Settings.model_validate({"MicrosoftAppId": "",
                                              "DATABASE_URL": str(engine.url)}), engine=engine)
    handler = _route(app, "/metrics")
    assert (await handler(_from(app, "203.0.113.9"))).status == 403
    assert (await handler(_from(app, "::ffff:10.0.0.4"))).status == 403
    assert (await handler(_from(app, "127.0.0.1"))).status == 200
    assert (await handler(_from(app, "::1"))).status == 200
    # A forwarded-for header from an outside caller must not pass as loopback.
    forged = _from(app, "203.0.113.9", {"X-Forwarded-For": "127.0.0.1"})
    assert (await handler(forged)).status == 403


async def test_metrics_with_a_token_need_the_bearer_token_from_anywhere(engine):
    from app import create_app

    app = create_app(Settings.model_validate({
        "MicrosoftAppId": "", "DATABASE_URL": str(engine.url), "METRICS_TOKEN": "s3cret"}),
        engine=engine)
    handler = _route(app, "/metrics")
    ok = await handler(_from(app, "203.0.113.9", {"Authorization": "Bearer s3cret"}))
    assert ok.status == 200
    assert "faggruppe_turns" in ok.body.decode()
    assert (await handler(_from(app, "203.0.113.9", {"Authorization": "Bearer x"}))).status == 401
    async with served(app) as url:
        assert (await _scrape(url))[0] == 401, "loopback too needs the token once one is set"
        assert (await _scrape(url, {"Authorization": "Bearer s3cret"}))[0] == 200


async def test_a_429_from_teams_is_counted():
    from core import metrics

    async def throttled(_request: web.Request) -> web.Response:
        return web.json_response({}, status=429, headers={"Retry-After": "1"})

    teams = web.Application()
    teams.router.add_post("/v3/conversations/{cid}/activities", throttled)
    before = metrics.THROTTLED._value.get()
    async with served(teams) as url, new_http_session() as http:
        connector = BotConnector(http, TokenSource(Settings.model_validate({"MicrosoftAppId": ""})))
        assert (await connector.send(f"{url}/", "a:1", {"type": "message"})).status == 429
    assert metrics.THROTTLED._value.get() - before == 1


async def _ready(url: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/readyz") as resp:
        return resp.status, json.loads(await resp.text())


async def _until_ticked(bot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(100):
        if bot.runner.app[SCHEDULER_KEY].ticking():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the scheduler never ticked")


async def test_readyz_is_200_with_every_check_ok(bot):
    await _until_ticked(bot)
    status, body = await _ready(bot.url)
    assert status == 200, body
    assert body["status"] == "ready" and body["unauthenticated"] is False
    assert set(body["checks"]) == {"database", "migrations", "scheduler", "delivery_worker",
                                   "openid_keys"}
    assert all(c["ok"] for c in body["checks"].values())
    assert body["checks"]["openid_keys"]["detail"] == "not configured (local mode)"


async def test_readyz_is_503_when_the_scheduler_or_the_worker_stops(bot):
    await _until_ticked(bot)
    bot.runner.app[SCHEDULER_KEY].stop()
    status, body = await _ready(bot.url)
    assert status == 503 and body["status"] == "not ready"
    assert [n for n, c in body["checks"].items() if not c["ok"]] == ["scheduler"]
    await bot.runner.app[WORKER_KEY].stop()
    status, body = await _ready(bot.url)
    assert [n for n, c in body["checks"].items() if not c["ok"]] == ["scheduler",
                                                                    "delivery_worker"]


async def test_readyz_is_503_when_the_schema_is_not_at_head(bot):
    await _until_ticked(bot)
    with bot.engine.begin() as conn:
        versions = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0008')"))
    try:
        status, body = await _ready(bot.url)
    finally:  # on PostgreSQL the database outlives this test
        with bot.engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version"))
            for version in versions:
                conn.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": version})
    assert status == 503
    assert body["checks"]["migrations"] == {"ok": False, "detail": "database 0008, koden "
                                            + ",".join(sorted(_heads()))}


def _heads() -> set[str]:
    from storage.migrate import head_revisions

    return head_revisions()


class FakeOpenIdKeys:
    """Stands in for the OpenID key cache (app["openid_keys"]) of the hostile-traffic work."""

    def __init__(self, loaded: bool, last_error: str | None) -> None:
        self.loaded, self.last_error = loaded, last_error

    def status(self) -> dict[str, Any]:
        return {"loaded": self.loaded, "fetched_at": "2026-11-20T08:00:00+00:00" if self.loaded
                else None, "last_error": self.last_error}


@pytest.mark.filterwarnings("ignore:It is recommended to use web.AppKey")
async def test_readyz_in_auth_mode_reports_the_openid_keys_and_unauthenticated(engine):
    from app import create_app

    settings = Settings.model_validate({
        "MicrosoftAppId": "00000000-0000-4000-8000-0000000000b0", "MicrosoftAppPassword": "x",
        "DATABASE_URL": str(engine.url), "ALLOW_UNAUTHENTICATED": "true"})
    for keys, ok in ((FakeOpenIdKeys(False, "ConnectionError: timeout"), False),
                     (FakeOpenIdKeys(True, None), True),
                     (FakeOpenIdKeys(False, None), True)):
        app = create_app(settings, engine=engine)
        app["openid_keys"] = keys
        async with served(app) as url:
            for _ in range(100):
                status, body = await _ready(url)
                if body["checks"]["scheduler"]["ok"]:
                    break
                await asyncio.sleep(0.05)
            assert body["checks"]["openid_keys"]["ok"] is ok, body
            assert status == (200 if ok else 503)
            assert body["unauthenticated"] is True

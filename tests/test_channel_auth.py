"""Channel auth against a local OpenID endpoint that refuses, hangs, then answers.

Tokens are signed here with our own RSA key; the app reads the keys from a loopback
endpoint (create_app's openid_keys, for tests only). Nothing leaves this machine: the
reply path's MSAL token is stubbed.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlmodel import Session, select

from bot.channel_auth import MAX_AGE_S, OpenIdKeys
from core.settings import Settings
from storage.models import AuditEntry
from tests.harness import BotServer, activity
from tests.serving import serve

APP_ID = "5d3f0c2e-8a41-4c5b-9e77-1f2a3b4c5d6e"
HOST_TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
OTHER_TENANT = "0f0e0d0c-0b0a-4999-8888-777766665555"
KID = "test-key-1"
PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = {**RSAAlgorithm.to_jwk(PRIVATE.public_key(), as_dict=True), "kid": KID,
       "use": "sig", "endorsements": ["msteams"]}


@dataclass
class OpenIdEndpoint:
    """mode: "up" answers, "down" 503, "hang" never answers."""

    mode: str = "down"
    hits: int = 0
    url: str = ""
    _runner: web.AppRunner | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> OpenIdEndpoint:
        app = web.Application()
        app.router.add_get("/meta", self._meta)
        app.router.add_get("/keys", self._keys)
        self._runner, base = await serve(app)
        self.url = f"{base}/meta"
        return self

    async def _meta(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.mode == "hang":
            await self.release.wait()
        if self.mode != "up":
            return web.Response(status=503)
        return web.json_response({"jwks_uri": self.url.replace("/meta", "/keys")})

    async def _keys(self, _request: web.Request) -> web.Response:
        return web.json_response({"keys": [JWK]})

    async def stop(self) -> None:
        self.release.set()
        if self._runner:
            await self._runner.cleanup()


def token(service_url: str, *, alg: str = "RS256", key: Any = PRIVATE, kid: str | None = KID,
          **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": "https://api.botframework.com", "aud": APP_ID, "exp": now + 3600,
            "nbf": now - 60, "serviceurl": service_url, **claims}
    body = {k: v for k, v in body.items() if v is not None}
    headers = {"kid": kid} if kid else {}
    return jwt.encode(body, key, algorithm=alg, headers=headers)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/meta"  # nothing listens: connection refused


class Clock:
    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
async def endpoint() -> AsyncIterator[OpenIdEndpoint]:
    ep = await OpenIdEndpoint().start()
    yield ep
    await ep.stop()


@pytest.fixture
def no_msal(monkeypatch):
    """The reply path's token: stubbed, so no test ever asks Entra."""
    from botframework.connector.auth import MicrosoftAppCredentials

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token",
                        lambda self, force_refresh=False: "test-token")


async def _auth_bot(engine: Any, clock: Any, connector: Any, keys: OpenIdKeys,
                    **settings: str) -> tuple[BotServer, web.AppRunner, aiohttp.ClientSession]:
    from app import LINKS_KEY, create_app

    config = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "hemmelig",
              "MicrosoftAppTenantId": HOST_TENANT, "DATABASE_URL": str(engine.url), **settings}
    app = create_app(Settings.model_validate(config), engine=engine, clock=clock,
                     openid_keys=keys)
    runner, url = await serve(app)
    http = aiohttp.ClientSession()
    return BotServer(url, engine, clock, connector, runner, http, app[LINKS_KEY]), runner, http


@pytest.fixture
def make_bot(engine, clock, connector, no_msal):
    """An app in auth mode; each test closes it in its finally."""
    async def make(keys: OpenIdKeys, **settings: str) -> BotServer:
        server, _runner, _http = await _auth_bot(engine, clock, connector, keys, **settings)
        return server

    return make


async def _post(bot: BotServer, body: dict[str, Any], tok: str | None) -> int:
    headers = {"Authorization": f"Bearer {tok}"} if tok else {}
    status, _ = await bot.post(body, headers=headers)
    return status


def _forged(url: str) -> dict[str, str | None]:
    unsigned = {"iss": "https://api.botframework.com", "aud": APP_ID,
                "exp": int(time.time()) + 600, "serviceurl": url}
    no_key: Any = None
    return {
        "alg none": jwt.encode(unsigned, no_key, algorithm="none", headers={"kid": KID}),
        "HS256": token(url, alg="HS256", key="hemmelig-nok-til-hmac-med-32-bytes!"),
        "expired": token(url, exp=int(time.time()) - 3600),
        "not yet valid": token(url, nbf=int(time.time()) + 3600),
        "wrong audience": token(url, aud="someone-else"),
        "wrong issuer": token(url, iss="https://sts.windows.net/evil/"),
        "no serviceurl claim": token(url, serviceurl=None),
        "serviceurl of another host": token(url, serviceurl="https://elsewhere.example/"),
        "no key id": token(url, kid=None),
        "malformed": "a.b.c",
        "not a jwt": "not-a-jwt",
        "no token": None,
    }


@pytest.mark.parametrize("kind", list(_forged("x")))
async def test_forged_token_is_401_before_any_key_fetch(make_bot, kind):
    keys = OpenIdKeys(closed_port_url(), total_timeout_s=2)
    bot = await make_bot(keys)
    try:
        body = activity("personal_message", bot.connector.url)
        assert await _post(bot, body, _forged(bot.connector.url)[kind]) == 401
        assert keys.fetches == 0, "refused without asking for keys"
        assert bot.connector.calls == [], "no handler ran"
    finally:
        await bot.http.close()
        await bot.runner.cleanup()


async def test_refusing_endpoint_one_fetch_for_many_requests_then_back_off(make_bot):
    keys = OpenIdKeys(closed_port_url(), total_timeout_s=2)
    bot = await make_bot(keys)
    try:
        body = activity("personal_message", bot.connector.url)
        statuses = await asyncio.gather(*[_post(bot, body, token(bot.connector.url))
                                          for _ in range(40)])
        assert set(statuses) == {503}
        assert keys.fetches == 1, "one fetch at a time; the rest wait for it or back off"
        assert await _post(bot, body, token(bot.connector.url)) == 503
        assert keys.fetches == 1, "backing off: no new fetch right after a failure"
        assert keys.status()["loaded"] is False and keys.status()["last_error"]
    finally:
        await bot.http.close()
        await bot.runner.cleanup()


async def test_hanging_endpoint_then_answering_endpoint(make_bot, endpoint):
    endpoint.mode = "hang"
    keys = OpenIdKeys(endpoint.url, total_timeout_s=1, connect_timeout_s=1)
    bot = await make_bot(keys)
    try:
        body = activity("personal_message", bot.connector.url)
        started = time.monotonic()
        statuses = await asyncio.wait_for(asyncio.gather(
            *[_post(bot, body, token(bot.connector.url)) for _ in range(20)]), 10)
        assert set(statuses) == {503} and time.monotonic() - started < 5
        assert endpoint.hits == 1
        endpoint.mode = "up"
        keys._next_try = 0.0  # the back-off has run out
        assert await _post(bot, body, token(bot.connector.url)) == 201
        assert bot.connector.sent(), "the turn ran and answered"
        status = keys.status()
        assert status["loaded"] is True and status["fetched_at"] and status["last_error"] is None
    finally:
        await bot.http.close()
        await bot.runner.cleanup()


async def test_stale_keys_are_served_while_a_refresh_fails(make_bot, endpoint):
    endpoint.mode = "up"
    clock = Clock()
    keys = OpenIdKeys(endpoint.url, now=clock, total_timeout_s=1)
    bot = await make_bot(keys)
    try:
        body = activity("personal_message", bot.connector.url)
        assert await _post(bot, body, token(bot.connector.url)) == 201
        endpoint.mode = "down"
        clock.offset = MAX_AGE_S + 60  # the keys are old now
        for _ in range(5):
            assert await _post(bot, body, token(bot.connector.url)) == 201
        await asyncio.sleep(0.2)
        assert keys.fetches == 2, "one refresh, then back-off; stale keys serve meanwhile"
        assert keys.status()["loaded"] is True and keys.status()["last_error"]
        # A token signed by a key we do not have is refused, not a reason to fetch again.
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        assert await _post(bot, body, token(bot.connector.url, key=other)) == 401
        assert await _post(bot, body, token(bot.connector.url, kid="unknown")) == 401
    finally:
        await bot.http.close()
        await bot.runner.cleanup()


async def test_key_fetch_does_not_need_the_default_thread_pool(endpoint):
    endpoint.mode = "up"
    keys = OpenIdKeys(endpoint.url.replace("127.0.0.1", "localhost"), total_timeout_s=3)
    loop = asyncio.get_running_loop()
    hold = threading.Event()
    blockers = [loop.run_in_executor(None, hold.wait) for _ in range(64)]  # the pool is full
    try:
        assert await asyncio.wait_for(keys.key(KID), 5) is not None
    finally:
        hold.set()
        await asyncio.gather(*blockers)
        await keys.close()


async def test_other_tenants_are_refused_and_audited_guests_pass(make_bot, endpoint):
    endpoint.mode = "up"
    bot = await make_bot(OpenIdKeys(endpoint.url))
    try:
        url = bot.connector.url
        foreign = activity("personal_message", url,
                           channelData={"tenant": {"id": OTHER_TENANT}},
                           conversation={"id": "a:foreign", "conversationType": "personal",
                                         "tenantId": OTHER_TENANT})
        assert await _post(bot, foreign, token(url)) == 403
        assert bot.connector.calls == []
        with Session(bot.engine) as s:
            (row,) = s.exec(select(AuditEntry)).all()
            assert (row.action, row.outcome, row.target) == ("tenant.refused", "refused",
                                                             OTHER_TENANT)
        # A guest from another organisation carries the host tenant in the activity.
        guest = activity("personal_message", url)
        guest["from"]["aadObjectId"] = "9f8e7d6c-0000-4000-8000-guestguest01"
        assert await _post(bot, guest, token(url)) == 201
    finally:
        await bot.http.close()
        await bot.runner.cleanup()


async def test_allowed_tenants_star_lets_every_tenant_in(make_bot, endpoint):
    endpoint.mode = "up"
    bot = await make_bot(OpenIdKeys(endpoint.url), ALLOWED_TENANTS="*",
                         MicrosoftAppTenantId="")
    try:
        url = bot.connector.url
        foreign = activity("personal_message", url, channelData={"tenant": {"id": OTHER_TENANT}})
        assert await _post(bot, foreign, token(url)) == 201
    finally:
        await bot.http.close()
        await bot.runner.cleanup()


async def test_tenants_are_not_checked_in_local_mode(bot):
    foreign = activity("personal_message", bot.connector.url,
                       channelData={"tenant": {"id": OTHER_TENANT}})
    status, _ = await bot.post(foreign)
    assert status == 201


# -- safe defaults at start -----------------------------------------------------------------

def test_local_mode_on_a_public_address_refuses_to_start(capsys, monkeypatch):
    import app
    from app import serve, start_warnings

    def no_server(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("started although the address is not loopback")

    monkeypatch.setattr(app, "create_app", no_server)  # never bind, even if broken
    for host in ("0.0.0.0", "10.1.2.3", "::"):
        settings = Settings.model_validate({"HOST": host})
        assert serve(settings) == 2
        assert "ALLOW_UNAUTHENTICATED=1" in capsys.readouterr().err
    forced = Settings.model_validate({"HOST": "0.0.0.0", "ALLOW_UNAUTHENTICATED": "1"})
    assert forced.start_problems() == [] and forced.allow_unauthenticated is True
    assert "uten autentisering" in start_warnings(forced)[0]
    for host in ("127.0.0.1", "localhost", "::1", "127.0.0.53"):
        loopback = Settings.model_validate({"HOST": host})
        assert loopback.start_problems() == [] and start_warnings(loopback) == []


def test_auth_mode_without_any_tenant_refuses_to_start_unless_star():
    bare = Settings.model_validate({"MicrosoftAppId": APP_ID, "HOST": "0.0.0.0"})
    (problem,) = bare.start_problems()
    assert "ALLOWED_TENANTS" in problem
    star = Settings.model_validate({"MicrosoftAppId": APP_ID, "ALLOWED_TENANTS": "*"})
    assert star.start_problems() == [] and star.tenant_allowlist() is None
    listed = Settings.model_validate({"MicrosoftAppId": APP_ID,
                                      "ALLOWED_TENANTS": f" {HOST_TENANT.upper()}, {OTHER_TENANT}"})
    assert listed.tenant_allowlist() == {HOST_TENANT, OTHER_TENANT}
    host = Settings.model_validate({"MicrosoftAppId": APP_ID, "MicrosoftAppTenantId": HOST_TENANT})
    assert host.tenant_allowlist() == {HOST_TENANT}

"""Bot Connector tokens: none in local mode; cached, refreshed before expiry, dropped on 401."""

from __future__ import annotations

import time
from typing import Any

import msal
import pytest
from aiohttp import web

from core.settings import Settings
from delivery.connector import REFRESH_MARGIN_S, SCOPE, BotConnector, TokenSource, new_http_session
from tests.serving import serve


class FakeMsalApp:
    """Stands in for msal.ConfidentialClientApplication: counts token requests."""

    made: list[FakeMsalApp] = []

    def __init__(self, client_id: str, *, client_credential: str, authority: str,
                 timeout: Any = None) -> None:
        self.client_id, self.secret, self.authority = client_id, client_credential, authority
        self.timeout = timeout
        self.calls: list[list[str]] = []
        self.expires_in = 3600
        FakeMsalApp.made.append(self)

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        self.calls.append(scopes)
        return {"access_token": f"token-{len(self.calls)}", "expires_in": self.expires_in}


@pytest.fixture
def fake_msal(monkeypatch):
    FakeMsalApp.made = []
    monkeypatch.setattr(msal, "ConfidentialClientApplication", FakeMsalApp)
    return FakeMsalApp


def _settings(**values: str) -> Settings:
    return Settings.model_validate({"MicrosoftAppId": "app-1", "MicrosoftAppPassword": "hemmelig",
                                    **values})


async def test_local_mode_sends_no_token(fake_msal):
    assert await TokenSource(Settings.model_validate({"MicrosoftAppId": ""})).headers() == {}
    assert fake_msal.made == []


async def test_token_is_cached_then_refreshed_before_it_runs_out(fake_msal):
    tokens = TokenSource(_settings(MicrosoftAppType="SingleTenant",
                                   MicrosoftAppTenantId="tenant-9"))
    first = await tokens.headers()
    assert first == {"Authorization": "Bearer token-1"}
    assert await tokens.headers() == first, "a valid token is reused"
    (app,) = fake_msal.made
    assert app.calls == [[SCOPE]] and app.authority.endswith("/tenant-9")
    assert app.timeout, "Entra may not hold a token fetch forever"
    tokens._expires = time.time() + REFRESH_MARGIN_S - 1  # inside the refresh margin
    assert await tokens.headers() == {"Authorization": "Bearer token-2"}
    tokens.invalidate()
    assert await tokens.headers() == {"Authorization": "Bearer token-3"}
    assert len(fake_msal.made) == 1, "one MSAL app (and its cache) per process"


async def test_multi_tenant_uses_the_bot_framework_authority(fake_msal):
    await TokenSource(_settings()).headers()
    assert fake_msal.made[0].authority == "https://login.microsoftonline.com/botframework.com"


async def test_a_401_from_teams_drops_the_token(fake_msal):
    seen: list[str] = []

    async def activities(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        return web.json_response({}, status=401 if len(seen) == 1 else 201)

    app = web.Application()
    app.router.add_post("/v3/conversations/{cid}/activities", activities)
    runner, base = await serve(app)
    url = f"{base}/"
    try:
        async with new_http_session() as http:
            connector = BotConnector(http, TokenSource(_settings()))
            assert (await connector.send(url, "a:1", {"type": "message"})).status == 401
            assert (await connector.send(url, "a:1", {"type": "message"})).status == 201
    finally:
        await runner.cleanup()
    assert seen == ["Bearer token-1", "Bearer token-2"]

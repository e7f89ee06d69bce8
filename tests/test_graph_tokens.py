"""Graph tokens: real MSAL against a token endpoint on loopback TLS (trustme's local CA)."""

from __future__ import annotations

import json
import ssl
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
import trustme
from aiohttp import web

from core.settings import Settings
from delivery.graph import MSAL_APPS, SCOPE, GraphClient, GraphTokens
from tests.fakes.graph import shape

TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"


@pytest.fixture
async def login(tmp_path, monkeypatch) -> Any:
    """An identity platform on https://127.0.0.1 (openid-configuration + token endpoint)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_ctx)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))  # MSAL talks through requests
    seen: dict[str, list[Any]] = {"token": [], "graph": []}
    state: dict[str, Any] = {}

    async def openid(request: web.Request) -> web.Response:
        base = state["base"]
        return web.json_response({
            "token_endpoint": f"{base}/{TENANT}/oauth2/v2.0/token",
            "authorization_endpoint": f"{base}/{TENANT}/oauth2/v2.0/authorize",
            "issuer": f"{base}/{TENANT}/v2.0"})

    async def token(request: web.Request) -> web.Response:
        seen["token"].append(parse_qs(await request.text()))
        answer = shape("token_response")
        answer["access_token"] = f"graph-token-{len(seen['token'])}"
        return web.json_response(answer)

    async def events(request: web.Request) -> web.Response:
        seen["graph"].append(request.headers.get("Authorization", ""))
        return web.json_response(shape("create_event_online_response"), status=201)

    app = web.Application()
    app.router.add_get(f"/{TENANT}/v2.0/.well-known/openid-configuration", openid)
    app.router.add_post(f"/{TENANT}/oauth2/v2.0/token", token)
    app.router.add_post("/v1.0/users/{user}/events", events)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_ctx)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state["base"] = f"https://127.0.0.1:{port}"
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    yield state["base"], seen, client_ctx
    await runner.cleanup()


async def test_msal_gets_a_graph_token_over_tls_caches_it_and_graph_gets_it(login) -> None:
    base, seen, client_ctx = login
    settings = Settings.model_validate({
        "MicrosoftAppId": "11111111-2222-3333-4444-555555555555",
        "MicrosoftAppPassword": "hemmelig", "GRAPH_ORGANIZER": "sekretariat@osloregionen.no",
        "GRAPH_AUTHORITY": f"{base}/{TENANT}", "GRAPH_BASE_URL": f"{base}/v1.0"})
    settings.check()
    tokens = GraphTokens(settings)
    assert await tokens.headers() == {"Authorization": "Bearer graph-token-1"}
    assert await tokens.headers() == {"Authorization": "Bearer graph-token-1"}, "cached"
    (form,) = seen["token"]
    assert form["grant_type"] == ["client_credentials"] and form["scope"] == [SCOPE]
    assert form["client_id"] == [settings.app_id] and form["client_secret"] == ["hemmelig"]
    again = GraphTokens(settings)  # a second worker in the process shares the MSAL app
    assert await again.headers() == {"Authorization": "Bearer graph-token-1"}
    assert len(seen["token"]) == 1, "MSAL's cache in the one app per authority answered"
    assert sum(1 for key in MSAL_APPS._apps if key[0] == f"{base}/{TENANT}") == 1
    tokens.invalidate()  # after a 401: MSAL still holds a valid token in its cache
    assert (await tokens.headers())["Authorization"].startswith("Bearer graph-token-")

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=client_ctx)) as http:
        reply = await GraphClient(http, tokens, settings).create_event(
            json.loads('{"subject": "Faggruppemøte"}'), "tx-1")
    assert reply.status == 201 and reply.body["onlineMeeting"]["joinUrl"]
    assert seen["graph"] == ["Bearer graph-token-1"]


def test_auth_mode_refuses_graph_without_a_tenant_authority() -> None:
    multi = Settings.model_validate({"MicrosoftAppId": "app", "MicrosoftAppPassword": "x",
                                     "GRAPH_ORGANIZER": "sekretariat@osloregionen.no"})
    with pytest.raises(ValueError, match="verken GRAPH_AUTHORITY eller MicrosoftAppTenantId"):
        multi.check()
    single = multi.model_copy(update={"app_tenant_id": TENANT})
    single.check()
    assert single.resolved_graph_authority() == f"https://login.microsoftonline.com/{TENANT}"
    plain_http = single.model_copy(update={"graph_base_url": "http://127.0.0.1:9/v1.0"})
    with pytest.raises(ValueError, match="GRAPH_BASE_URL må være https"):
        plain_http.check()
    local = Settings.model_validate({"MicrosoftAppId": "", "GRAPH_ORGANIZER": "x@y.no",
                                     "GRAPH_BASE_URL": "http://127.0.0.1:9/v1.0"})
    local.check()  # loopback http only in local mode
    with pytest.raises(ValueError, match="ukjente funksjoner: kalender"):
        local.model_copy(update={"graph_features": "calendar,kalender"}).check()
    off = Settings.model_validate({"MicrosoftAppId": "app", "GRAPH_ORGANIZER": ""})
    off.check()  # Graph off: nothing to check
    assert not off.graph_feature("calendar")


async def test_local_mode_sends_no_graph_token() -> None:
    settings = Settings.model_validate({"MicrosoftAppId": "", "GRAPH_ORGANIZER": "x@y.no"})
    assert await GraphTokens(settings).headers() == {}

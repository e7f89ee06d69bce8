"""Each botbuilder 4.17.1 workaround, exercised over real HTTP on loopback."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse
from botframework.connector.auth import jwt_token_extractor
from msrest.universal_http import requests as msrest_requests

from bot.sdk_fixes import FixedCloudAdapter, apply_sdk_fixes, tenant_channel_data, tenant_id_of

CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Takk"}]}
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
APP_ID = "11111111-2222-3333-4444-555555555555"


class _Config:
    def __init__(self, app_id: str = "") -> None:
        self.APP_ID = app_id
        self.APP_PASSWORD = "hemmelig" if app_id else ""
        self.APP_TYPE = "MultiTenant"
        self.APP_TENANTID = ""


class _Bot(ActivityHandler):
    """Action.Execute: a card (dict body); task/fetch: a msrest Model body; messages: silence."""

    async def on_adaptive_card_invoke(self, turn_context: TurnContext, invoke_value: Any) -> Any:
        return AdaptiveCardInvokeResponse(status_code=200, type=CARD_TYPE, value=CARD)

    async def on_invoke_activity(self, turn_context: TurnContext) -> Any:
        if turn_context.activity.name == "task/fetch":
            model = AdaptiveCardInvokeResponse(status_code=200, type=CARD_TYPE, value=CARD)
            return InvokeResponse(status=200, body=model)
        return await super().on_invoke_activity(turn_context)


def _activity(**fields: Any) -> dict[str, Any]:
    base = {
        "type": "message",
        "id": "a1",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:9/",
        "from": {"id": "29:u1"},
        "recipient": {"id": "28:bot"},
        "conversation": {"id": "a:c1", "conversationType": "personal"},
        "channelData": {"tenant": {"id": "t-1"}},
    }
    return base | fields


async def _client(app_id: str = "") -> TestClient:
    adapter = FixedCloudAdapter(ConfigurationBotFrameworkAuthentication(_Config(app_id)))
    bot = _Bot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return TestClient(TestServer(app, host="127.0.0.1"))


@pytest.fixture
async def client() -> AsyncIterator[TestClient]:
    async with await _client() as test_client:
        yield test_client


async def test_message_keeps_the_happy_path(client: TestClient) -> None:
    response = await client.post("/api/messages", json=_activity(text="hei"))
    assert response.status == 201


@pytest.mark.parametrize("name", ["adaptiveCard/action", "task/fetch"])
async def test_invoke_body_is_serialized_once(client: TestClient, name: str) -> None:
    value = {"action": {"type": "Action.Execute", "verb": "svar", "data": {}}}
    response = await client.post(
        "/api/messages", json=_activity(type="invoke", name=name, value=value)
    )
    assert response.status == 200
    assert await response.json() == {"statusCode": 200, "type": CARD_TYPE, "value": CARD}


@pytest.mark.parametrize(
    "value", [None, "tekst", [1, 2], {}, {"action": "Action.Execute"}, {"action": None}]
)
async def test_malformed_adaptive_card_action_is_400(client: TestClient, value: Any) -> None:
    fields = {"type": "invoke", "name": "adaptiveCard/action", "value": value}
    response = await client.post("/api/messages", json=_activity(**fields))
    assert response.status == 400
    body = await response.json()
    assert body["statusCode"] == 400 and body["value"]["code"] == "BadRequest"


async def test_sdk_error_response_with_exception_value_serializes(client: TestClient) -> None:
    value = {"action": {"type": "Action.Submit"}}
    fields = {"type": "invoke", "name": "adaptiveCard/action", "value": value}
    response = await client.post("/api/messages", json=_activity(**fields))
    assert response.status == 400
    body = await response.json()
    assert body["value"]["code"] == "NotSupported"
    assert "Action.Submit" in body["value"]["message"]


@pytest.mark.parametrize("header", ["Bearer not-a-jwt", "Bearer a.b.c", None, "Basic abc"])
async def test_bad_or_missing_token_is_401_when_app_id_is_set(header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    async with await _client(APP_ID) as test_client:
        response = await test_client.post("/api/messages", json=_activity(), headers=headers)
        assert response.status == 401


@pytest.mark.parametrize(
    "data", [b"{ikke json", b"\xff\xfe", b"[1, 2]", b'"tekst"', b'{"text": "ingen type"}']
)
async def test_body_that_is_not_an_activity_is_400(client: TestClient, data: bytes) -> None:
    headers = {"Content-Type": "application/json"}
    response = await client.post("/api/messages", data=data, headers=headers)
    assert response.status == 400


async def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = await client.post(
        "/api/messages", data=b"hei", headers={"Content-Type": "text/plain"}
    )
    assert response.status == 415


def test_tenant_is_read_from_channel_data_then_conversation() -> None:
    from_channel = Activity().deserialize(_activity(conversation={"id": "c", "tenantId": "t-2"}))
    assert tenant_id_of(from_channel) == "t-1"
    fallback = Activity().deserialize(
        _activity(channelData={}, conversation={"id": "c", "tenantId": "t-2"})
    )
    assert tenant_id_of(fallback) == "t-2"
    assert tenant_id_of(Activity().deserialize(_activity(channelData=None))) is None
    assert tenant_channel_data("t-3") == {"tenant": {"id": "t-3"}}


def _pristine_retry_policy() -> Any:
    """msrest's ClientRetryPolicy loaded afresh from its file, untouched by apply_sdk_fixes."""
    path = msrest_requests.__file__
    spec = importlib.util.spec_from_file_location("msrest.universal_http._pristine", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ClientRetryPolicy


def test_retry_policy_scan_is_constant_time_with_identical_policy() -> None:
    apply_sdk_fixes()
    apply_sdk_fixes()  # idempotent
    patched, original = msrest_requests.ClientRetryPolicy, _pristine_retry_policy()
    assert isinstance(patched.safe_codes, frozenset)
    assert isinstance(original.safe_codes, list)
    new, old = patched().policy, original().policy
    assert new.status_forcelist == old.status_forcelist
    assert vars(new) == vars(old)


async def test_openid_metadata_is_fetched_off_the_event_loop(monkeypatch: Any) -> None:
    threads: list[threading.Thread] = []

    class _Reply:
        def __init__(self, url: str) -> None:
            self.url = url

        def raise_for_status(self) -> None:
            threads.append(threading.current_thread())

        def json(self) -> dict[str, Any]:
            return {"jwks_uri": self.url + "/keys", "keys": [{"kid": "k1"}]}

    monkeypatch.setattr(jwt_token_extractor.requests, "get", lambda url, **_: _Reply(url))
    apply_sdk_fixes()
    metadata = jwt_token_extractor._OpenIdMetadata("http://127.0.0.1:9/meta")
    await metadata._refresh()
    assert metadata.keys == [{"kid": "k1"}]
    assert threads and threading.main_thread() not in threads

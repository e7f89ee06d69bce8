"""What the RSVP speed-ups must keep: last answer wins, no stale answer, clients reused safely."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botframework.connector.auth import _connector_factory_impl

from bot import sdk_clients
from bot.sdk_fixes import FixedCloudAdapter
from storage import meetings as meeting_repo
from storage.db import session_scope
from storage.groups import get_or_create_group
from storage.meeting_models import RsvpAnswer
from storage.rsvp import AnswerInput, get_answer, save_answer
from tests.test_delivery_support import seed_group

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def test_answer_upsert_last_wins_and_refreshes_a_loaded_answer(engine) -> None:
    (member,) = seed_group(engine, "http://127.0.0.1:9/", 1, group="Faggruppe")
    with session_scope(engine) as s:
        group = get_or_create_group(s, "Faggruppe")
        mid = meeting_repo.create_meeting(s, [group], NOW, title="Møte",
                                          starts_at=NOW + timedelta(days=9)).id or 0
    with session_scope(engine) as s:
        save_answer(s, mid, member, AnswerInput(RsvpAnswer.physical, "kommer"), NOW)
        loaded = get_answer(s, mid, member)  # held in the identity map, as cancel_late does
        assert loaded is not None and loaded.answer == RsvpAnswer.physical
        later = NOW + timedelta(minutes=1)
        save_answer(s, mid, member, AnswerInput(RsvpAnswer.no), later, late=True)
        again = get_answer(s, mid, member)
        assert again is not None and again.answer == RsvpAnswer.no and again.late_cancellation
        assert again.comment == "" and again.answered_at == later
    with session_scope(engine) as s:
        stored = get_answer(s, mid, member)
        assert stored is not None and stored.answer == RsvpAnswer.no  # one row, the last answer


async def test_clients_are_built_once_per_service_url(monkeypatch: Any) -> None:
    made: list[str] = []
    original = _connector_factory_impl._ConnectorFactoryImpl.create

    async def counting(self: Any, service_url: str, audience: str | None = None) -> Any:
        made.append(service_url)
        return await original(self, service_url, audience)

    monkeypatch.setattr(_connector_factory_impl._ConnectorFactoryImpl, "create", counting)

    class Config:
        APP_ID, APP_PASSWORD, APP_TYPE, APP_TENANTID = "", "", "MultiTenant", ""

    adapter = FixedCloudAdapter(ConfigurationBotFrameworkAuthentication(Config()))
    seen: list[Any] = []

    class Bot:
        async def on_turn(self, context: TurnContext) -> None:
            seen.append(context.turn_state[adapter.BOT_CONNECTOR_CLIENT_KEY])

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, Bot())  # type: ignore[arg-type]

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        for url in ("http://127.0.0.1:9/", "http://127.0.0.1:9/", "http://127.0.0.1:8/"):
            body = {"type": "event", "channelId": "msteams", "serviceUrl": url,
                    "conversation": {"id": "a:c1"}, "from": {"id": "29:u"}}
            assert (await client.post("/api/messages", json=body)).status == 201
    assert made == ["http://127.0.0.1:9/", "http://127.0.0.1:8/"]
    assert seen[0] is seen[1] and seen[2] is not seen[0]


async def test_client_cache_is_bounded() -> None:
    cache = sdk_clients.ClientCache(max_clients=2)

    async def make() -> object:
        return object()

    first = await cache.get(("a",), make)
    await cache.get(("b",), make)
    assert await cache.get(("a",), make) is first  # used again: now the most recent
    await cache.get(("c",), make)  # drops b, the least recently used
    assert await cache.get(("a",), make) is first
    assert len(cache._clients) == 2 and ("b",) not in cache._clients

"""Hostile input over HTTP in local mode: linear patterns, the envelope, limits, where we call."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func
from sqlmodel import Session, select

from bot.gate import service_url_allowed
from core.settings import Settings
from delivery.connector import BotConnector, TokenSource
from delivery.target import resolve
from storage.models import AuditEntry, ConversationRef, Member
from tests.fakes.connector import FakeConnector
from tests.harness import ANNE_AAD, ANNE_ID, TENANT, activity, card_of, card_text

PROFILE = {"id": ANNE_ID, "aadObjectId": ANNE_AAD, "name": "Anne Feltman",
           "email": "anne.feltman@asker.kommune.no", "tenantId": TENANT}
HANG_GUARD_S = 10.0


def _rows(bot) -> dict[str, int]:
    with Session(bot.engine) as s:
        return {name: s.exec(select(func.count()).select_from(table)).one()
                for name, table in (("member", Member), ("ref", ConversationRef),
                                    ("audit", AuditEntry))}


@pytest.fixture
def alarm():
    """A hang guard that also stops a pattern running on the event loop itself (the loop
    cannot run asyncio's timeouts while a regex holds it; SIGALRM interrupts the regex)."""
    def ring(*_args: Any) -> None:
        raise TimeoutError("hang guard")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(int(HANG_GUARD_S))
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


async def test_mention_flood_is_refused_and_never_blocks_healthz(bot, alarm):
    hostile = activity("channel_message", bot.connector.url, text="<at>" * 60_000)  # 240 KB
    post = asyncio.ensure_future(bot.post(hostile))
    await asyncio.sleep(0)  # the post is on its way
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with bot.http.get(f"{bot.url}/healthz") as resp:
        assert resp.status == 200
    assert loop.time() - started < 2.0, "/healthz answered while the flood is handled"
    status, _ = await asyncio.wait_for(post, HANG_GUARD_S)
    assert status == 201
    assert "for lang" in bot.connector.sent()[-1]["text"]


async def test_many_unclosed_mentions_inside_the_limit_are_quick(bot):
    text = "<at x" * 800 + "hjelp"  # 4,005 characters: under the raw limit, still stripped
    status, _ = await asyncio.wait_for(
        bot.post(activity("channel_message", bot.connector.url, text=text)), HANG_GUARD_S)
    assert status == 201


def test_agenda_patterns_are_linear():
    # In a child process: a pattern that backtracks would never end, and a thread cannot
    # be stopped; the child is killed at the hang guard.
    script = (
        "from domain.meetings import parse_agenda\n"
        "lines = ['1. a' + ' ' * 20_000 + 'x', '-' * 5_000 + 'x', ' ' * 50_000,"
        " '- ' + ' ' * 50_000]\n"
        "print([i.number for i in parse_agenda(chr(10).join(lines))])\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=HANG_GUARD_S, cwd=Path(__file__).parent.parent)
    assert done.stdout.strip() == "[1]", done.stderr


async def test_body_over_256_kb_is_refused_before_parsing_and_under_it_is_served(bot):
    bot.connector.add_member(PROFILE)
    limit = 256 * 1024
    under = activity("personal_message", bot.connector.url, text="hjelp")
    raw = json.dumps(under).encode()
    padded = raw[:-1] + b',"pad":"' + b"x" * (limit - len(raw) - 20) + b'"}'
    assert len(padded) < limit
    status, _ = await bot.post(None, raw=padded, headers={"Content-Type": "application/json"})
    assert status == 201
    over = raw[:-1] + b',"pad":"' + b"x" * (limit - len(raw)) + b'"}'
    assert len(over) > limit
    status, body = await bot.post(None, raw=over, headers={"Content-Type": "application/json"})
    assert status == 413 and body["value"]["code"] == "PayloadTooLarge"


def _broken_envelopes(url: str) -> list[tuple[str, dict[str, Any]]]:
    base = activity("personal_message", url)
    cases: list[tuple[str, dict[str, Any]]] = []

    def case(name: str, **changes: Any) -> None:
        data = copy.deepcopy(base)
        for key, value in changes.items():
            if value is _DROP:
                data.pop(key, None)
            else:
                data[key] = value
        cases.append((name, data))

    case("no serviceUrl", serviceUrl=_DROP)
    case("serviceUrl not a URL", serviceUrl="ikke en url")
    case("serviceUrl a number", serviceUrl=42)
    case("serviceUrl ftp", serviceUrl="ftp://127.0.0.1/")
    case("serviceUrl bad port", serviceUrl="http://127.0.0.1:99999/")
    case("conversation null", conversation=None)
    case("conversation without id", conversation={"conversationType": "personal"})
    case("conversation id a number", conversation={"id": 7})
    case("from a number", **{"from": 12})
    case("from without id", **{"from": {"name": "x"}})
    case("from.aadObjectId a list", **{"from": {"id": "29:x", "aadObjectId": ["a"]}})
    case("recipient a string", recipient="28:bot")
    case("channelData a list", channelData=[1, 2])
    case("channelData.tenant a string", channelData={"tenant": "t"})
    case("channelData.team.id a number", channelData={"team": {"id": 5}})
    case("entities an object", entities={"type": "mention"})
    case("text an object", text={"a": 1})
    case("membersAdded with a number", type="conversationUpdate", membersAdded=[{"id": 3}])
    return cases


_DROP = object()


@pytest.mark.parametrize("name", [n for n, _ in _broken_envelopes("http://127.0.0.1:1/")])
async def test_broken_envelope_is_400_bad_argument_and_nothing_changes(bot, name, caplog):
    bot.connector.add_member(PROFILE)
    await bot.send("personal_message")
    before, calls = _rows(bot), len(bot.connector.calls)
    body = dict(_broken_envelopes(bot.connector.url))[name]
    with caplog.at_level(logging.INFO):
        status, answer = await asyncio.wait_for(bot.post(body), HANG_GUARD_S)
    assert status == 400, answer
    assert answer["error"]["code"] == "BadArgument" and answer["error"]["message"]
    assert _rows(bot) == before
    assert len(bot.connector.calls) == calls, "rejected input never calls out"
    assert not [r for r in caplog.records if r.exc_info], "no traceback"


@pytest.mark.parametrize("data", [
    {"verb": "meeting.checkin", "meeting_id": 10**30},
    {"verb": "round.update", "round_id": -(10**20), "slot_id": 1},
    {"verb": "rsvp.answer", "meeting_id": 10**30, "item_99999999999999999999": "true"},
    {"verb": "rsvp.answer", "meeting_id": 1, "card_version": 10**30},
    {"verb": "innspill.live", "session": 10**30},
])
async def test_huge_numbers_in_card_data_are_refused_without_a_traceback(bot, data, caplog):
    bot.connector.add_member(PROFILE)
    await bot.send("personal_message")
    before = _rows(bot)
    with caplog.at_level(logging.INFO):
        status, _ = await bot.send("card_submit", value=data)
        invoke = activity("adaptive_card_action", bot.connector.url)
        invoke["value"]["action"].update(verb=data["verb"], data=data)
        status_invoke, body = await bot.post(invoke)
    assert status in (200, 201) and status_invoke == 200
    assert "noe gikk galt" not in json.dumps(body) + bot.connector.sent()[-1].get("text", "")
    assert not [r for r in caplog.records if r.exc_info], "no traceback"
    assert _rows(bot)["member"] == before["member"]


async def test_typed_ids_with_unicode_digits_or_overflow_are_not_a_traceback(bot, caplog):
    bot.connector.add_member(PROFILE)
    with caplog.at_level(logging.INFO):
        for text in ("status ²", "status " + "9" * 40, "oppmøte ³ Kari; Follo"):
            status, _ = await bot.send("personal_message", text=text)
            assert status == 201
    assert not [r for r in caplog.records if r.exc_info], "no traceback"


# -- where the bot may call ---------------------------------------------------------------

def test_local_mode_calls_only_loopback_service_urls():
    for url in ("http://127.0.0.1:3978/", "http://127.8.9.10/", "http://[::1]:80/x",
                "http://localhost:56150/_connector"):
        assert service_url_allowed(url, local_mode=True), url
    for url in ("http://169.254.169.254/latest/meta-data/", "https://smba.trafficmanager.net/x",
                "http://10.0.0.1/", "http://localhost.evil.example/", "http://[::ffff:a00:1]/"):
        assert not service_url_allowed(url, local_mode=True), url
    assert service_url_allowed("https://smba.trafficmanager.net/emea/", local_mode=False)


@pytest.fixture
def resolve_to(monkeypatch):
    """Make one non-loopback name resolve to a loopback port, so a broken check is seen
    at a local server and nothing outside this machine is ever contacted."""
    real = socket.getaddrinfo

    def point(name: str, port: int) -> None:
        def fake(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host == name:
                return real("127.0.0.1", port, *args[1:], **kwargs)
            return real(host, *args, **kwargs)
        monkeypatch.setattr(socket, "getaddrinfo", fake)
    return point


async def test_local_mode_refuses_a_non_loopback_service_url_before_the_turn(bot, resolve_to):
    async with FakeConnector() as outside:
        resolve_to("metadata.invalid", outside.port)
        body = activity("personal_message", f"http://metadata.invalid:{outside.port}/")
        status, answer = await bot.post(body)
        assert status == 403 and answer["error"]["code"] == "Forbidden"
        assert outside.calls == [] and bot.connector.calls == []


async def test_delivery_in_local_mode_never_posts_to_a_non_loopback_url(resolve_to):
    import aiohttp

    async with FakeConnector() as outside, aiohttp.ClientSession() as http:
        resolve_to("metadata.invalid", outside.port)
        connector = BotConnector(http, TokenSource(Settings.model_validate({})))
        reply = await connector.send(f"http://metadata.invalid:{outside.port}/", "a:1",
                                     {"type": "message", "text": "x"})
        assert reply.status == 403 and outside.calls == []
        ok = await connector.send(outside.url, "a:1", {"type": "message", "text": "x"})
        assert ok.status == 200 and len(outside.calls) == 1


# -- the stored serviceUrl follows ----------------------------------------------------------

async def test_stored_service_url_follows_every_activity(bot):
    bot.connector.add_member(PROFILE)
    await bot.send("personal_install")
    async with FakeConnector() as moved:
        moved.add_member(PROFILE)
        status, _ = await bot.post(activity("personal_message", moved.url))
        assert status == 201 and moved.sent(), "answered where the activity came from"
        with Session(bot.engine) as s:
            ref = s.exec(select(ConversationRef)).one()
            assert ref.service_url == moved.url
            member = s.exec(select(Member).where(Member.aad_object_id == ANNE_AAD)).one()
            target = resolve(s, member.id or 0, "")
            assert target is not None and target.service_url == moved.url
        # A lifecycle activity from yet another URL moves it too (no welcome again).
        async with FakeConnector() as again:
            await bot.post(activity("personal_install", again.url))
            with Session(bot.engine) as s:
                assert s.exec(select(ConversationRef)).one().service_url == again.url


# -- limits ---------------------------------------------------------------------------------

async def test_chat_messages_are_limited_per_user_per_minute_card_actions_are_not(bot):
    bot.connector.add_member(PROFILE)
    for _ in range(30):
        await bot.send("personal_message", text="hjelp")
    assert len(bot.connector.sent()) == 30
    await bot.send("personal_message", text="hjelp")
    await bot.send("personal_message", text="hjelp")
    refusals = [a for a in bot.connector.sent() if "mange meldinger" in (a.get("text") or "")]
    assert len(refusals) == 1, "one Norwegian line, at most once a minute"
    assert len(bot.connector.sent()) == 31
    await bot.send("card_submit")  # a card action is not a chat message
    assert "Hjelp" in card_text(card_of(bot.connector.sent()[-1]))
    bot.clock.advance(seconds=61)
    await bot.send("personal_message", text="hjelp")
    assert "Hjelp" in card_text(card_of(bot.connector.sent()[-1]))


# -- slow work and outbound time limits -----------------------------------------------------

async def _connector_serving(handler: Any) -> tuple[web.AppRunner, str]:
    """A Bot Connector on loopback answering every request with `handler`."""
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    # Not tests.serving.serve: cleanup must not wait the default minute for the held handler.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/"


async def _hanging_connector() -> tuple[web.AppRunner, str]:
    async def hang(_request: web.Request) -> web.Response:
        await asyncio.sleep(3600)
        return web.Response()

    return await _connector_serving(hang)


async def _message_ends_within(bot: Any, url: str, runner: web.AppRunner, limit_s: float,
                               why: str) -> None:
    """A message posted with this connector as serviceUrl: its turn ends inside `limit_s`."""
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        status, _ = await asyncio.wait_for(bot.post(activity("personal_message", url)),
                                           HANG_GUARD_S)  # settles: the turn itself ended
        assert status == 201 and loop.time() - started < limit_s, why
    finally:
        await runner.cleanup()


# A 30 s read timeout: the deadline must do it.
@pytest.mark.parametrize("bot", [{"reply_timeouts": (5.0, 30.0)}], indirect=True)
async def test_invoke_is_answered_inside_5_s_when_the_connector_never_answers(bot):
    runner, url = await _hanging_connector()
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        status, body = await asyncio.wait_for(
            bot.post(activity("adaptive_card_action", url), settle=False), HANG_GUARD_S)
        assert status == 200 and loop.time() - started < 5.0, "inside Teams' 5 s"
        assert body["type"] == "application/vnd.microsoft.activity.message"
        assert "jobber fortsatt" in body["value"]
    finally:
        await runner.cleanup()  # drops the held connection: the late turn ends
    await asyncio.wait_for(bot.idle(), HANG_GUARD_S)


@pytest.mark.parametrize("bot", [{"reply_timeouts": (5.0, 1.0)}], indirect=True)
async def test_replies_have_connect_and_read_timeouts(bot):
    from app import ADAPTER_KEY
    runner, url = await _hanging_connector()
    await _message_ends_within(bot, url, runner, 4.0, "the read timeout ended it")
    clients = bot.runner.app[ADAPTER_KEY].clients._clients  # type: ignore[attr-defined]
    connectors = [c for key, c in clients.items() if key[0] == "connector"]
    assert connectors and all(c.config.connection.timeout == (5.0, 1.0)
                              and c.config.retry_policy.policy.read == 0 for c in connectors)


async def _trickling_connector() -> tuple[web.AppRunner, str]:
    """A connector that answers at once, then sends its body a byte every 0.3 s: no single
    read waits long enough for a read timeout."""
    async def trickle(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(status=200, headers={"Content-Type": "application/json",
                                                       "Content-Length": "100000"})
        await resp.prepare(request)
        for _ in range(100000):
            await resp.write(b" ")
            await asyncio.sleep(0.3)
        return resp

    return await _connector_serving(trickle)


@pytest.mark.parametrize("bot", [{"reply_timeouts": (5.0, 1.0), "reply_total_s": 2.0}],
                         indirect=True)
async def test_a_reply_has_a_total_timeout_when_the_connector_trickles(bot, caplog):
    runner, url = await _trickling_connector()
    await _message_ends_within(bot, url, runner, 5.0, "the total timeout ended it")
    assert "reply not sent" in caplog.text


async def test_team_roster_sync_leaves_the_install_request(bot):
    from tests.harness import TEAM_ID

    for i in range(40):
        bot.connector.add_member({"id": f"29:u{i}", "aadObjectId": f"aad-{i}",
                                  "name": f"Person {i}"}, TEAM_ID)
    bot.connector.page_size = 2  # 20 pages
    loaded = asyncio.Event()  # the roster answers only when the test says so
    original = bot.connector._handle

    async def slow_roster(request: web.Request) -> web.StreamResponse:
        if "pagedmembers" in request.path:
            await loaded.wait()
        return await original(request)

    bot.connector._handle = slow_roster  # type: ignore[method-assign]
    bot.connector.port = 0
    await bot.connector.stop()
    await bot.connector.start()  # serve through the slowed handler
    status, _ = await asyncio.wait_for(
        bot.post(activity("team_install", bot.connector.url), settle=False), 5.0)
    assert status in (200, 201), "answered while the roster is still loading"
    assert "Velkommen" in bot.connector.sent()[0]["text"], "the welcome is in the request"
    loaded.set()
    await asyncio.wait_for(bot.idle(), HANG_GUARD_S)
    with Session(bot.engine) as s:
        linked = s.exec(select(Member).where(Member.aad_object_id != None)).all()  # noqa: E711
        assert len(linked) == 40


def test_msal_token_fetches_have_a_timeout(monkeypatch):
    import msal

    from bot.sdk_fixes import apply_sdk_fixes

    made: list[dict[str, Any]] = []

    class Recorder:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            made.append(kwargs)

        def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
            return {"access_token": "t", "expires_in": 3600}

        def acquire_token_silent(self, scopes: list[str], account: Any) -> None:
            return None

    monkeypatch.setattr(msal, "ConfidentialClientApplication", Recorder)
    settings = Settings.model_validate({"MicrosoftAppId": "a", "MicrosoftAppPassword": "p"})
    TokenSource(settings)._acquire()  # the delivery path
    apply_sdk_fixes()
    from botframework.connector.auth import MicrosoftAppCredentials

    MicrosoftAppCredentials("a", "p").get_access_token()  # the reply path
    assert len(made) == 2 and all(m.get("timeout") for m in made)

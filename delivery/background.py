"""A background poller tied to the app's lifetime: the shape every sender here shares."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web

from core.settings import Settings
from delivery.connector import BotConnector, TokenSource, new_http_session

log = logging.getLogger(__name__)
Step = Callable[[BotConnector], Awaitable[None]]


async def poll(settings: Settings, stop: asyncio.Event, step: Step, what: str,
               every_s: float) -> None:
    """Run `step` every `every_s` until stopped; a failure is logged and the loop goes on."""
    async with new_http_session() as http:
        connector = BotConnector(http, TokenSource(settings))
        while not stop.is_set():
            try:
                await step(connector)
            except Exception:
                log.exception("%s feilet", what)
            try:
                await asyncio.wait_for(stop.wait(), every_s)
            except TimeoutError:
                pass


def attach(app: web.Application,
           loop: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
    """Start `loop` with the app and stop it before the engine is disposed."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start(_app: web.Application) -> None:
        tasks.append(asyncio.create_task(loop(stop)))

    async def finish(_app: web.Application) -> None:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)

    app.on_startup.append(start)
    app.on_cleanup.insert(0, finish)

"""GET /mydata/{token}: a member's own data as a UTF-8 JSON file behind a signed 1-hour link."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import Clock
from core.links import LinkSigner
from services.privacy import mydata_json
from storage.db import session_scope


def answer(engine: Engine, links: LinkSigner, clock: Clock, token: str) -> tuple[int, bytes]:
    """(HTTP status, body): the JSON, or a Norwegian sentence saying why not."""
    with session_scope(engine) as session:
        return mydata_json(session, links, token, clock.now())


def register(app: web.Application, links: LinkSigner, engine: Engine, clock: Clock) -> None:
    """Add the route; the database work runs in a thread, off the event loop."""
    async def get_mydata(request: web.Request) -> web.Response:
        token = request.match_info["token"][:300]
        status, body = await asyncio.to_thread(answer, engine, links, clock, token)
        if status != 200:
            return web.Response(status=status, body=body, content_type="text/plain",
                                charset="utf-8")
        return web.Response(body=body, content_type="application/json", charset="utf-8",
                            headers={"Content-Disposition":
                                     'attachment; filename="mine-data.json"'})

    app.router.add_get("/mydata/{token}", get_mydata)

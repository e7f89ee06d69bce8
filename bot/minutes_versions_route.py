"""GET /minutes/{token}: one frozen version of a referat behind a signed, recipient-bound
link (`?format=md` for Markdown, else the Word file)."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import Clock
from core.links import LinkSigner
from services.minutes_review import Served, serve
from storage.db import session_scope


def answer(engine: Engine, links: LinkSigner, clock: Clock, token: str, fmt: str) -> Served:
    """What the link answers, from the database."""
    with session_scope(engine) as session:
        return serve(session, links, token, clock.now(), fmt)


def register(app: web.Application, links: LinkSigner, engine: Engine, clock: Clock) -> None:
    """Add the route; the database work runs in a thread, off the event loop."""
    async def get_minutes(request: web.Request) -> web.Response:
        token = request.match_info["token"][:300]
        fmt = request.query.get("format", "docx")[:10]
        served = await asyncio.to_thread(answer, engine, links, clock, token, fmt)
        headers = ({"Content-Disposition": f'attachment; filename="{served.filename}"'}
                   if served.filename else {})
        return web.Response(status=served.status, body=served.body, headers=headers,
                            content_type=served.content_type.split(";")[0],
                            charset="utf-8" if "charset" in served.content_type else None)

    app.router.add_get("/minutes/{token}", get_minutes)

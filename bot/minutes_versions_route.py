"""GET /minutes/{token}/{fmt}: a referat behind a signed, recipient-bound link. Version 0 is
the draft as recorded now (issue 16's download, for the secretariat); a stored version's
link always serves that frozen version (docx or md)."""

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
        return serve(session, links, token, clock, fmt)


def register(app: web.Application, links: LinkSigner, engine: Engine, clock: Clock) -> None:
    """Add the route; the database work runs in a thread, off the event loop."""
    async def get_minutes(request: web.Request) -> web.Response:
        token = request.match_info["token"][:300]
        fmt = request.match_info["fmt"][:10]
        served = await asyncio.to_thread(answer, engine, links, clock, token, fmt)
        headers = ({"Content-Disposition": f'attachment; filename="{served.filename}"'}
                   if served.filename else {})
        kind, _, params = served.content_type.partition(";")
        return web.Response(status=served.status, body=served.body, headers=headers,
                            content_type=kind, charset="utf-8" if "charset" in params else None)

    app.router.add_get("/minutes/{token}/{fmt}", get_minutes)

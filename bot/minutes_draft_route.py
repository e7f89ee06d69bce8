"""GET /minutes/{token}/{md|docx}: the referat draft behind a signed, expiring link made for
one meeting, one version and one secretariat member."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import Clock
from core.links import LinkSigner
from services.minutes_draft import Download, download
from storage.db import session_scope


def answer(engine: Engine, links: LinkSigner, clock: Clock, token: str, fmt: str) -> Download:
    """The file, or a Norwegian sentence and its status; the download is audited."""
    with session_scope(engine) as session:
        return download(session, links, token, fmt, clock)


def register(app: web.Application, links: LinkSigner, engine: Engine, clock: Clock) -> None:
    """Add the route; the database work and the rendering run in a thread."""
    async def get_minutes(request: web.Request) -> web.Response:
        token = request.match_info["token"][:300]
        got = await asyncio.to_thread(answer, engine, links, clock, token,
                                      request.match_info["fmt"][:10])
        if got.status != 200:
            return web.Response(status=got.status, body=got.body, content_type="text/plain",
                                charset="utf-8")
        ascii_name = got.filename.encode("ascii", "replace").decode().replace("?", "o")
        disposition = (f'attachment; filename="{ascii_name}"; '
                       f"filename*=UTF-8''{quote(got.filename)}")
        return web.Response(body=got.body, content_type=got.media_type,
                            charset="utf-8" if got.media_type.startswith("text/") else None,
                            headers={"Content-Disposition": disposition,
                                     "Cache-Control": "no-store"})

    app.router.add_get("/minutes/{token}/{fmt}", get_minutes)

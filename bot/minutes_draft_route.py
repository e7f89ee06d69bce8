"""GET /minutes/{token}/{md|docx}: a referat behind a signed link made for one meeting, one
version and one recipient. Version 0 is the draft as recorded now (issue 16: the active
secretariat, a day); a stored version (issue 17) is served frozen, as it was made."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import Clock
from core.links import LinkSigner
from services.minutes_review import Served, serve
from storage.db import session_scope


def answer(engine: Engine, links: LinkSigner, clock: Clock, token: str, fmt: str) -> Served:
    """The file, a short page, or a Norwegian sentence and its status (the live draft's
    download is audited by issue 16's `download`, which `serve` hands version 0 to)."""
    with session_scope(engine) as session:
        return serve(session, links, token, clock, fmt)


def register(app: web.Application, links: LinkSigner, engine: Engine, clock: Clock) -> None:
    """Add the route; the database work and the rendering run in a thread."""
    async def get_minutes(request: web.Request) -> web.Response:
        token = request.match_info["token"][:300]
        got = await asyncio.to_thread(answer, engine, links, clock, token,
                                      request.match_info["fmt"][:10])
        text = got.content_type.startswith("text/")
        if got.status != 200 or not got.filename:  # a refusal, or the superseded page
            return web.Response(status=got.status, body=got.body, content_type=got.content_type,
                                charset="utf-8" if text else None,
                                headers={"Cache-Control": "no-store"})
        ascii_name = got.filename.encode("ascii", "replace").decode().replace("?", "o")
        disposition = (f'attachment; filename="{ascii_name}"; '
                       f"filename*=UTF-8''{quote(got.filename)}")
        return web.Response(body=got.body, content_type=got.content_type,
                            charset="utf-8" if text else None,
                            headers={"Content-Disposition": disposition,
                                     "Cache-Control": "no-store"})

    app.router.add_get("/minutes/{token}/{fmt}", get_minutes)

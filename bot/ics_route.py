"""GET /ics/{token}: a meeting's calendar file behind a signed, expiring link."""

from __future__ import annotations

import asyncio

from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import Clock
from core.links import LinkError, LinkSigner
from services import ics
from services.meetings import group_names
from storage import graph as outlook_repo
from storage import meetings as repo
from storage.db import session_scope


def answer(engine: Engine, links: LinkSigner, clock: Clock, token: str) -> tuple[int, bytes]:
    """(HTTP status, body): the .ics, or a Norwegian sentence saying why not."""
    try:
        meeting_id = links.check("ics", token, clock.now()).subject
    except LinkError as exc:
        return 403, str(exc).encode()
    with session_scope(engine) as session:
        meeting = repo.get_meeting(session, meeting_id)
        if meeting is None:
            return 404, "Fant ikke møtet; det kan være slettet.".encode()
        agenda = [(a.number, a.title) for a in repo.agenda_items(session, meeting_id)]
        event = outlook_repo.event_for(session, meeting_id)
        uid = event.ical_uid if event and event.event_id else ""
        join = event.join_url if event and event.event_id and event.problem != "deleted" else ""
        return 200, ics.calendar_bytes(meeting, group_names(session, meeting_id), agenda,
                                       uid=uid, join_url=join)


def register(app: web.Application, links: LinkSigner, engine: Engine, clock: Clock) -> None:
    """Add the route; the database work runs in a thread, off the event loop."""
    async def get_ics(request: web.Request) -> web.Response:
        token = request.match_info["token"][:200]
        status, body = await asyncio.to_thread(answer, engine, links, clock, token)
        if status != 200:
            return web.Response(status=status, body=body, content_type="text/plain",
                                charset="utf-8")
        return web.Response(body=body, content_type="text/calendar", charset="utf-8",
                            headers={"Content-Disposition": 'attachment; filename="mote.ics"'})

    app.router.add_get("/ics/{token}", get_ics)

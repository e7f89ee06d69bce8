"""Cross-cutting work around every turn, in this order:

1. errors   – any failure becomes a Norwegian reply (or a clean invoke answer), never a 500;
2. session  – one DB session per turn, committed on success, rolled back on failure; it
               also commits before every network call (Turn.release_db), so no lock is
               held while the turn waits on Teams;
3. mentions – the bot's @mention is stripped, so commands read the same everywhere;
4. identity – the sender is linked to a member (first contact fetches the Teams profile).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable

from botbuilder.core import InvokeResponse
from botbuilder.schema import ActivityTypes

from bot import identity
from bot.turn import Turn
from core import metrics
from core.i18n import t
from core.logs import bind_correlation_id
from storage.db import session_scope

log = logging.getLogger(__name__)
Next = Callable[[], Awaitable[None]]
Middleware = Callable[[Turn, Next], Awaitable[None]]
_AT = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
MAX_TEXT = 4000


async def errors(turn: Turn, next_: Next) -> None:
    # The id goes into every log line of this turn and into the user's error message, so the
    # secretariat can find the line a member reports.
    cid = bind_correlation_id()
    kind = metrics.kind_label(turn.activity.type, turn.activity.name)
    started = time.perf_counter()
    outcome = "ok"
    try:
        await next_()
    except Exception:
        outcome = "error"
        log.exception("Tur feilet: type=%s name=%s", turn.activity.type, turn.activity.name)
        if turn.activity.type == ActivityTypes.invoke:
            turn.invoke_response = InvokeResponse(
                status=200,
                body={"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                      "value": t("error", turn.lang, ref=cid)},
            )
        elif turn.activity.type == ActivityTypes.message:
            try:
                await turn.say(t("error", turn.lang, ref=cid))
            except Exception:
                log.exception("Kunne ikke sende feilmeldingen til brukeren")
    finally:
        response = turn.invoke_response
        if outcome == "ok" and response is not None and response.status >= 400:
            outcome = "rejected"
        metrics.TURNS.labels(kind, outcome).inc()
        metrics.TURN_SECONDS.labels(kind).observe(time.perf_counter() - started)


async def session(turn: Turn, next_: Next) -> None:
    with session_scope(turn.deps.engine) as s:
        turn.session = s
        await next_()


async def mentions(turn: Turn, next_: Next) -> None:
    text = turn.activity.text or ""
    if "<at" in text:
        bot_names = {
            (e.additional_properties or {}).get("text", "")
            for e in turn.activity.entities or []
            if e.type == "mention"
            and ((e.additional_properties or {}).get("mentioned") or {}).get("id")
            == (turn.activity.recipient.id if turn.activity.recipient else None)
        }
        text = _AT.sub(lambda m: "" if m.group(0) in bot_names or not bot_names else m.group(1),
                       text)
    turn.text = " ".join(text.replace("&nbsp;", " ").split())
    await next_()


async def link_identity(turn: Turn, next_: Next) -> None:
    await identity.resolve(turn)
    await next_()


PIPELINE: tuple[Middleware, ...] = (errors, session, mentions, link_identity)


async def run(turn: Turn, final: Callable[[Turn], Awaitable[None]]) -> None:
    """Run the pipeline, then `final` (the dispatcher)."""
    async def step(i: int) -> None:
        if i == len(PIPELINE):
            await final(turn)
        else:
            await PIPELINE[i](turn, lambda: step(i + 1))
    await step(0)

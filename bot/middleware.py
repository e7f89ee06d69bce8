"""Cross-cutting work around every turn, in this order:

1. errors   – any failure becomes a Norwegian reply (or a clean invoke answer), never a 500;
   throttle – chat messages per user per minute (no look-up, no database when over it);
2. profile  – a first contact's Teams profile is fetched before the turn's transaction opens;
3. session  – one unit of work: one DB session, committed when the handler returns (rolled
               back on failure), then the queued replies are sent; ids that must be kept
               (tracked cards) are stored after the send in a second short transaction;
4. mentions – the bot's @mention is stripped, so commands read the same everywhere;
5. identity – the sender is linked to a member (a first contact by the fetched profile).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable

from botbuilder.core import InvokeResponse, MessageFactory
from botbuilder.schema import ActivityTypes

from bot import identity
from bot.turn import Outgoing, Turn
from core import metrics
from core.i18n import pick_language, t, use_language
from core.logs import bind_correlation_id
from storage.db import session_scope

log = logging.getLogger(__name__)
Next = Callable[[], Awaitable[None]]
Middleware = Callable[[Turn, Next], Awaitable[None]]
# Linear: neither part can run past the next "<", so each start scans a bounded stretch. The
# old `<at[^>]*>(.*?)</at>` rescanned to the end of the text from every "<at": 240 KB of
# "<at>" froze the event loop (and /healthz) for a minute.
_AT = re.compile(r"<at(?:\s[^<>]*)?>([^<]*)</at>", re.IGNORECASE)
MAX_TEXT = 4000
# Teams adds the mention markup around what the user typed; room for a few mentions.
MAX_RAW_TEXT = MAX_TEXT + 1000


async def errors(turn: Turn, next_: Next) -> None:
    # A keep-alive connection runs its requests in one task: each turn starts afresh in the
    # default language; a command may pick another (bot/dispatch.py).
    with use_language(pick_language(None)):
        await _errors(turn, next_)


async def _errors(turn: Turn, next_: Next) -> None:
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
        turn.outbox.clear()  # replies to work that was rolled back
        if turn.is_invoke:
            turn.invoke_response = InvokeResponse(
                status=200,
                body={"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                      "value": t("error", turn.lang, ref=cid)},
            )
        elif turn.activity.type == ActivityTypes.message:
            try:
                await asyncio.wait_for(turn.context.send_activity(
                    MessageFactory.text(t("error", turn.lang, ref=cid))), turn.deps.reply_total_s)
            except Exception:
                log.exception("Kunne ikke sende feilmeldingen til brukeren")
    finally:
        response = turn.invoke_response
        if outcome == "ok" and response is not None and response.status >= 400:
            outcome = "rejected"
        metrics.TURNS.labels(kind, outcome).inc()
        metrics.TURN_SECONDS.labels(kind).observe(time.perf_counter() - started)


async def profile(turn: Turn, next_: Next) -> None:
    a = turn.activity
    sender = a.from_property.aad_object_id if a.from_property else None
    if sender and sender not in turn.deps.known_senders:  # known: no look-up, no query
        await identity.prefetch_profile(turn)
    for fetch in turn.deps.router.prefetch.get(a.type or "", ()):
        await fetch(turn)
    await next_()


async def session(turn: Turn, next_: Next) -> None:
    with session_scope(turn.deps.engine) as s:
        turn.session = s
        await next_()
    if turn.outbox:
        await send_outbox(turn)


async def send_outbox(turn: Turn) -> None:
    """After the commit: post or PUT each queued reply, then store the ids they need kept.

    A failed send is logged, not raised: the turn's work is committed, and a card whose post
    failed is left to its owner (`on_sent(session, None)`: e.g. the live-card sender posts it).
    """
    kept: list[tuple[Outgoing, str | None]] = []
    total = turn.deps.reply_total_s
    for item in turn.outbox:
        try:
            if item.update:
                await asyncio.wait_for(turn.context.update_activity(item.activity), total)
                continue
            response = await asyncio.wait_for(turn.context.send_activity(item.activity), total)
            kept.append((item, response.id if response else None))
        except Exception:
            log.exception("reply not sent: type=%s name=%s", turn.activity.type,
                          turn.activity.name)
            kept.append((item, None))
    turn.outbox.clear()
    if any(item.on_sent for item, _ in kept):
        with session_scope(turn.deps.engine) as s:
            for item, sent_id in kept:
                if item.on_sent:
                    item.on_sent(s, sent_id)


async def mentions(turn: Turn, next_: Next) -> None:
    text = turn.activity.text or ""
    if len(text) > MAX_RAW_TEXT:
        # The limit comes before any pattern: the command check refuses it by its length.
        turn.text = text
        await next_()
        return
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


async def throttle(turn: Turn, next_: Next) -> None:
    """Chat messages per user per minute; card actions (value, invokes) are not counted."""
    a = turn.activity
    if a.type != ActivityTypes.message or not a.text or a.from_property is None:
        await next_()
        return
    user = a.from_property.aad_object_id or a.from_property.id or ""
    now = turn.deps.clock.now()
    if turn.deps.throttle.allow(user, now):
        await next_()
        return
    log.info("message limit reached for %s", user)
    if turn.deps.throttle.should_tell(user, now):
        await turn.context.send_activity(MessageFactory.text(t(
            "too_many_messages", turn.lang, limit=turn.deps.throttle.per_minute)))


async def link_identity(turn: Turn, next_: Next) -> None:
    await identity.resolve(turn)
    await next_()


PIPELINE: tuple[Middleware, ...] = (errors, throttle, profile, session, mentions,
                                    link_identity)


async def run(turn: Turn, final: Callable[[Turn], Awaitable[None]]) -> None:
    """Run the pipeline, then `final` (the dispatcher)."""
    async def step(i: int) -> None:
        if i == len(PIPELINE):
            await final(turn)
        else:
            await PIPELINE[i](turn, lambda: step(i + 1))
    await step(0)

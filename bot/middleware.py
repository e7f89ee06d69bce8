"""Cross-cutting work around every turn, in this order:

1. errors   – any failure becomes a Norwegian reply (or a clean invoke answer), never a 500;
2. profile  – a first contact's Teams profile is fetched before the turn's transaction opens;
3. session  – one unit of work: one DB session, committed when the handler returns (rolled
               back on failure), then the queued replies are sent; ids that must be kept
               (tracked cards) are stored after the send in a second short transaction;
4. mentions – the bot's @mention is stripped, so commands read the same everywhere;
5. identity – the sender is linked to a member (a first contact by the fetched profile).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from botbuilder.core import InvokeResponse, MessageFactory
from botbuilder.schema import ActivityTypes

from bot import identity
from bot.turn import Outgoing, Turn
from core.i18n import t
from storage.db import session_scope

log = logging.getLogger(__name__)
Next = Callable[[], Awaitable[None]]
Middleware = Callable[[Turn, Next], Awaitable[None]]
_AT = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
MAX_TEXT = 4000


async def errors(turn: Turn, next_: Next) -> None:
    try:
        await next_()
    except Exception:
        log.exception("turn failed: type=%s name=%s", turn.activity.type, turn.activity.name)
        turn.outbox.clear()  # replies to work that was rolled back
        if turn.is_invoke:
            turn.invoke_response = InvokeResponse(
                status=200,
                body={"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                      "value": t("error", turn.lang)},
            )
        elif turn.activity.type == ActivityTypes.message:
            try:
                await turn.context.send_activity(MessageFactory.text(t("error", turn.lang)))
            except Exception:
                log.exception("could not send the error reply")


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
    for item in turn.outbox:
        try:
            if item.update:
                await turn.context.update_activity(item.activity)
                continue
            response = await turn.context.send_activity(item.activity)
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


PIPELINE: tuple[Middleware, ...] = (errors, profile, session, mentions, link_identity)


async def run(turn: Turn, final: Callable[[Turn], Awaitable[None]]) -> None:
    """Run the pipeline, then `final` (the dispatcher)."""
    async def step(i: int) -> None:
        if i == len(PIPELINE):
            await final(turn)
        else:
            await PIPELINE[i](turn, lambda: step(i + 1))
    await step(0)

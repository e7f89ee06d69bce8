"""From activity to route: commands, card actions (Submit and Execute), lifecycle events."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import InvokeResponse
from botbuilder.schema import ActivityTypes
from pydantic import ValidationError

from bot.router import ActionRoute, CardReply, Guard, Router, Shown
from bot.turn import Turn
from cards.actions import CardAction
from cards.common import CONTENT_TYPE
from core.i18n import Lang, pick_language, t
from domain.bounds import out_of_range
from storage import audit

log = logging.getLogger(__name__)
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
# Teams meeting events, routed to router.events under these names.
EVENT_NAMES = {"application/vnd.microsoft.meetingStart": "meeting.start",
               "application/vnd.microsoft.meetingEnd": "meeting.end",
               "application/vnd.microsoft.meetingParticipantJoin": "meeting.participant_join",
               "application/vnd.microsoft.meetingParticipantLeave": "meeting.participant_leave"}


async def dispatch(turn: Turn) -> None:
    """Hand the turn to the route its activity names."""
    router: Router = turn.deps.router
    a = turn.activity
    turn.lang = turn_language(turn)
    if a.type == ActivityTypes.message:
        if isinstance(a.value, dict) and "verb" in a.value and not turn.text:
            await run_action(turn, a.value)
        else:
            await run_command(turn)
    elif a.type == ActivityTypes.invoke and a.name == "adaptiveCard/action":
        action = a.value.get("action") if isinstance(a.value, dict) else None
        if not isinstance(action, dict):
            turn.invoke_response = InvokeResponse(status=400, body={"error": "ingen handling"})
            return
        data = action.get("data")
        fields: dict[str, Any] = data if isinstance(data, dict) else {}
        await run_action(turn, {**fields, "verb": action.get("verb")})
    elif a.type == ActivityTypes.event and a.name in EVENT_NAMES:
        for handler in router.events.get(EVENT_NAMES[a.name], []):
            await handler(turn)
    elif a.type in (ActivityTypes.conversation_update, ActivityTypes.installation_update):
        for event in lifecycle_events(turn):
            for handler in router.events.get(event, []):
                await handler(turn)


def turn_language(turn: Turn) -> Lang:
    """The sender's stored choice, else «help» typed, else their Teams locale, else bokmål."""
    a = turn.activity
    return pick_language(turn.text if a.type == ActivityTypes.message else None,
                         stored=turn.member.language if turn.member else None,
                         locale=a.locale)


def lifecycle_events(turn: Turn) -> list[str]:
    """Name what a conversationUpdate / installationUpdate means for the bot."""
    a = turn.activity
    bot_id = a.recipient.id if a.recipient else None
    if a.type == ActivityTypes.installation_update:
        return ["uninstalled"] if (a.action or "").startswith("remove") else ["installed"]
    events = []
    added = [m for m in a.members_added or [] if m.id != bot_id]
    if any(m.id == bot_id for m in a.members_added or []):
        events.append("installed")
    if added:
        events.append("members_added")
    if any(m.id == bot_id for m in a.members_removed or []):
        events.append("uninstalled")
    return events


async def run_command(turn: Turn) -> None:
    """A chat message: the first word picks the command; its routers' guards run first."""
    if len(turn.text) > 4000:
        await turn.say(t("too_long", turn.lang, length=len(turn.text), limit=4000))
        return
    word = turn.text.split(" ", 1)[0].casefold() if turn.text else "hjelp"
    if turn.fetched.get("erased") and word != "registrer":
        await turn.say(t("dispatch.reply.dataene_dine_er"))
        return
    route = turn.deps.router.commands.get(word)
    if route is None:
        await turn.say(t("unknown_command", turn.lang, command=word[:40]))
        return
    if await _refused(turn, route.guards, route.names[0], None):
        return
    await route.handler(turn)


async def run_action(turn: Turn, raw: dict[str, Any]) -> None:
    """A card action: parse its data with the verb's typed class, run the guards, run."""
    route = turn.deps.router.actions.get(str(raw.get("verb")))
    action = _parse(route, raw)
    if route is None or action is None:
        # The verb and field names only: the values may be anything a person typed.
        log.warning("Avvist korthandling: verb=%.60s %s, felt=%s", raw.get("verb"),
                    "ukjent" if route is None else "ugyldige data",
                    ",".join(sorted(str(k)[:40] for k in raw)[:20]))
        await respond(turn, None, t("bad_action", turn.lang))
        return
    if await _refused(turn, route.guards, route.verb, action):
        return
    await respond(turn, await route.handler(turn, action))


def _parse(route: ActionRoute | None, raw: dict[str, Any]) -> CardAction | None:
    if route is None:
        return None
    try:
        action = route.action.model_validate(raw)
    except ValidationError:
        return None
    # Bound every number of every action model in one place: 10**30 overflowed a column.
    if out_of_range(action.model_dump()) or out_of_range(action.model_extra or {}):
        return None
    return action


async def _refused(turn: Turn, guards: tuple[Guard, ...], what: str,
                   action: CardAction | None) -> bool:
    """Checked on every call against the stored member; refusals are answered and audited."""
    for guard in guards:
        if guard.allows(turn, action):
            continue
        audit.record(turn.session, action=what, outcome="refused",
                     actor_member_id=turn.member.id if turn.member else None,
                     actor_aad_object_id=turn.activity.from_property.aad_object_id)
        shown = guard.answer(turn, action) if guard.answer and action is not None else None
        await respond(turn, shown, guard.refusal(what))
        return True
    return False


async def respond(turn: Turn, shown: Shown, text: str = "") -> None:
    """The one place that knows Execute from Submit.

    Execute (an invoke): the card replaces the clicked one, else the text is shown.
    Submit (a message): the card is posted as a new message, else the text is said.
    """
    reply = CardReply(shown) if isinstance(shown, dict) else shown
    if turn.is_invoke:
        body = ({"statusCode": 200, "type": CONTENT_TYPE, "value": reply.card} if reply
                else {"statusCode": 200, "type": MESSAGE_TYPE, "value": text or "OK"})
        turn.invoke_response = InvokeResponse(status=200, body=body)
    elif reply is not None:
        await turn.send_card(reply.card, reply.text or text)
    elif text:
        await turn.say(text)

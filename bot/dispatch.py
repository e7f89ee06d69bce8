"""From activity to route: commands, card actions (Submit and Execute), lifecycle events."""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import InvokeResponse
from botbuilder.schema import ActivityTypes
from pydantic import ValidationError

from bot.router import ActionRoute, Router
from bot.turn import Turn
from cards.common import CONTENT_TYPE
from core.i18n import t
from storage import audit

log = logging.getLogger(__name__)
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
# Teams meeting events, routed to router.events under these names.
EVENT_NAMES = {"application/vnd.microsoft.meetingParticipantJoin": "meeting.participant_join",
               "application/vnd.microsoft.meetingParticipantLeave": "meeting.participant_leave"}


async def dispatch(turn: Turn) -> None:
    """Hand the turn to the route its activity names."""
    router: Router = turn.deps.router
    a = turn.activity
    if a.type == ActivityTypes.message:
        if isinstance(a.value, dict) and "verb" in a.value and not turn.text:
            await run_action(turn, a.value, invoke=False)
        else:
            await run_command(turn)
    elif a.type == ActivityTypes.invoke and a.name == "adaptiveCard/action":
        action = a.value.get("action") if isinstance(a.value, dict) else None
        if not isinstance(action, dict):
            turn.invoke_response = InvokeResponse(status=400, body={"error": "ingen handling"})
            return
        data = action.get("data")
        fields: dict[str, Any] = data if isinstance(data, dict) else {}
        await run_action(turn, {**fields, "verb": action.get("verb")}, invoke=True)
    elif a.type == ActivityTypes.event and a.name in EVENT_NAMES:
        for handler in router.events.get(EVENT_NAMES[a.name], []):
            await handler(turn)
    elif a.type in (ActivityTypes.conversation_update, ActivityTypes.installation_update):
        for event in lifecycle_events(turn):
            for handler in router.events.get(event, []):
                await handler(turn)


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
    """A chat message: the first word picks the command."""
    if len(turn.text) > 4000:
        await turn.say(t("too_long", turn.lang, length=len(turn.text), limit=4000))
        return
    word = turn.text.split(" ", 1)[0].casefold() if turn.text else "hjelp"
    if word == "help":
        turn.lang = "en"
    route = turn.deps.router.commands.get(word)
    if route is None:
        await turn.say(t("unknown_command", turn.lang, command=word[:40]))
        return
    if route.secretariat and not await _allowed(turn, route.names[0]):
        return
    await route.handler(turn)


async def run_action(turn: Turn, raw: dict[str, Any], *, invoke: bool) -> None:
    """A card action: validate its data against the verb's model, check the role, run."""
    route = turn.deps.router.actions.get(str(raw.get("verb")))
    model = _validate(route, raw)
    if route is None or model is None:
        # The verb and field names only: the values may be anything a person typed.
        log.warning("Avvist korthandling: verb=%.60s %s, felt=%s", raw.get("verb"),
                    "ukjent" if route is None else "ugyldige data",
                    ",".join(sorted(str(k)[:40] for k in raw)[:20]))
        await _answer(turn, None, t("bad_action", turn.lang), invoke)
        return
    if route.secretariat and not await _allowed(turn, route.verb, reply=not invoke):
        if invoke:
            await _answer(turn, None, t("secretariat_only", turn.lang, command=route.verb), True)
        return
    card = await route.handler(turn, model)
    await _answer(turn, card, "OK", invoke)


def _validate(route: ActionRoute | None, raw: dict[str, Any]) -> Any:
    if route is None:
        return None
    try:
        return route.model.model_validate(raw)
    except ValidationError:
        return None


async def _allowed(turn: Turn, what: str, reply: bool = True) -> bool:
    """The role is read from the database on every call; refusals are audited."""
    if turn.is_secretariat:
        return True
    audit.record(turn.session, action=what, outcome="refused",
                 actor_member_id=turn.member.id if turn.member else None,
                 actor_aad_object_id=turn.activity.from_property.aad_object_id)
    if reply:
        await turn.say(t("secretariat_only", turn.lang, command=what))
    return False


async def _answer(turn: Turn, card: dict[str, Any] | None, text: str, invoke: bool) -> None:
    if not invoke:
        if card is None and text != "OK":
            await turn.say(text)
        return
    body = ({"statusCode": 200, "type": CONTENT_TYPE, "value": card} if card is not None
            else {"statusCode": 200, "type": MESSAGE_TYPE, "value": text})
    turn.invoke_response = InvokeResponse(status=200, body=body)

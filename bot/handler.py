"""The one thin bot: every activity goes through the middleware to the router."""

from __future__ import annotations

from botbuilder.core import Bot, InvokeResponse, TurnContext
from botbuilder.schema import ActivityTypes

from bot import middleware
from bot.dispatch import dispatch
from bot.sdk_clients import INVOKE_RESPONSE
from bot.turn import Deps, Turn

# What the bot handles; other activity types (typing, reactions, …) are acknowledged only.
HANDLED = (ActivityTypes.message, ActivityTypes.conversation_update,
           ActivityTypes.installation_update, ActivityTypes.event, ActivityTypes.invoke)


class FaggruppeBot(Bot):
    """Hands message, invoke, event and lifecycle activities to the route table."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def on_turn(self, context: TurnContext) -> None:
        """Run the turn; an invoke's answer is left where the adapter reads it."""
        if context.activity.type not in HANDLED:
            return
        turn = Turn(context=context, deps=self.deps)
        await middleware.run(turn, dispatch)
        if context.activity.type == ActivityTypes.invoke:
            # Not sent as an activity (ActivityHandler's way): TurnContext deep-copies every
            # sent activity, the whole card, ~0.3 ms per click.
            context.turn_state[INVOKE_RESPONSE] = turn.invoke_response or InvokeResponse(
                status=501, body={"error": f"ukjent invoke {context.activity.name}"})

"""Microsoft's echo bot sample on botbuilder 4.17.1: the stock baseline for bench/turns.py."""

from __future__ import annotations

import argparse

from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication


class _Config:
    """No app id: anonymous channel auth, as in the sample run locally."""

    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


class EchoBot(ActivityHandler):
    """Replies to every message with its text, through the Bot Connector at serviceUrl."""

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Echo the text back."""
        text = turn_context.activity.text
        await turn_context.send_activity(MessageFactory.text(f"Echo: {text}"))


def build_app(fixed: bool) -> web.Application:
    """The sample's aiohttp app; with `fixed`, our SDK workarounds are applied first."""
    adapter_class: type[CloudAdapter] = CloudAdapter
    if fixed:
        from bot.sdk_fixes import FixedCloudAdapter, apply_sdk_fixes

        apply_sdk_fixes()
        adapter_class = FixedCloudAdapter
    adapter = adapter_class(ConfigurationBotFrameworkAuthentication(_Config()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


def main() -> None:
    """Run the echo bot on 127.0.0.1."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=3979)
    parser.add_argument("--fixed", action="store_true", help="apply bot.sdk_fixes first")
    args = parser.parse_args()
    web.run_app(build_app(args.fixed), host="127.0.0.1", port=args.port, print=None)


if __name__ == "__main__":
    main()

"""Faggruppe-bot: `python app.py` serves the bot; `python app.py <noun> <verb>` is the CLI."""

from __future__ import annotations

import logging
import sys
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine

from core.clock import Clock, SystemClock
from core.links import LinkSigner
from core.settings import Settings, load_settings

log = logging.getLogger("faggruppe")
ENGINE_KEY = web.AppKey("engine", Engine)
LINKS_KEY = web.AppKey("links", LinkSigner)


def _adapter(settings: Settings) -> Any:
    from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication

    from bot.sdk_fixes import FixedCloudAdapter

    class _Config:
        APP_ID = settings.app_id
        APP_PASSWORD = settings.app_password
        APP_TYPE = settings.app_type
        APP_TENANTID = settings.app_tenant_id

    return FixedCloudAdapter(ConfigurationBotFrameworkAuthentication(_Config()))


def create_app(settings: Settings, engine: Engine | None = None,
               clock: Clock | None = None) -> web.Application:
    """The aiohttp application: POST /api/messages and GET /healthz."""
    from bot import build_router
    from bot.handler import FaggruppeBot
    from bot.sdk_fixes import apply_sdk_fixes
    from bot.turn import Deps
    from storage.db import is_reachable, make_engine
    from storage.migrate import upgrade

    apply_sdk_fixes()
    if engine is None:
        engine = make_engine(settings.resolved_database_url())
    upgrade(engine)
    from services.ics import link_signer

    deps = Deps(settings=settings, engine=engine, clock=clock or SystemClock(),
                router=build_router(), links=link_signer(engine, settings))
    bot = FaggruppeBot(deps)
    adapter = _adapter(settings)

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    async def healthz(request: web.Request) -> web.Response:
        ok = is_reachable(engine)
        return web.json_response({"status": "ok" if ok else "database unreachable"},
                                 status=200 if ok else 503)

    async def dispose(_app: web.Application) -> None:
        engine.dispose()

    app = web.Application(client_max_size=256 * 1024)  # Teams activities are far smaller
    app[ENGINE_KEY] = engine
    app[LINKS_KEY] = deps.links
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.on_cleanup.append(dispose)
    from bot import ics_route, mydata_route
    from services import runtime

    # The delivery worker, the scheduler and the card senders, stopped before dispose.
    runtime.attach(app, settings, engine, deps.clock, deps.links)
    ics_route.register(app, deps.links, engine, deps.clock)
    mydata_route.register(app, deps.links, engine, deps.clock)
    return app


def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT; aiohttp shuts down gracefully on both."""
    app = create_app(settings)
    mode = "lokal modus (uten autentisering)" if settings.local_mode else "Azure-autentisering"
    log.info("Faggruppe-bot lytter på http://%s:%s/api/messages – %s",
             settings.host, settings.port, mode)
    web.run_app(app, host=settings.host, port=settings.port, print=None,
                shutdown_timeout=10, handle_signals=True)


def main(argv: list[str]) -> int:
    """Entry point: no arguments serves the bot, anything else is a CLI command."""
    # The CLI's stderr is for Norwegian messages: only warnings from libraries get through.
    logging.basicConfig(level=logging.WARNING if argv else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faggruppe").setLevel(logging.INFO)
    if argv:
        from cli import main as cli_main

        return cli_main(argv)
    serve(load_settings())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

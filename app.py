"""Faggruppe-bot: `python app.py` serves the bot; `python app.py <noun> <verb>` is the CLI."""

from __future__ import annotations

import errno
import logging
import socket
import sys
from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from core.clock import Clock, SystemClock
from core.links import LinkSigner
from core.os_errors import os_error_text
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
    from storage.db import is_reachable, open_database, prepare_schema

    apply_sdk_fixes()
    if engine is None:
        engine = open_database(settings.resolved_database_url(), notify=log.info)
    else:
        prepare_schema(engine)
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


class StartError(Exception):
    """The service cannot start; str() is a Norwegian sentence."""


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything says «lytter på»."""
    try:
        return socket.create_server((host, port), family=_family(host))
    except OSError as exc:
        hint = " (kjører boten allerede? Sett PORT til en ledig port)" \
            if exc.errno == errno.EADDRINUSE else ""
        raise StartError(f"kan ikke lytte på {host}:{port}: {os_error_text(exc)}{hint}") from None


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT; aiohttp shuts down gracefully on both."""
    from storage.db import open_database

    sock = bind(settings.host, settings.port)
    try:
        engine = open_database(settings.resolved_database_url(),
                               wait_s=settings.db_start_timeout_s, notify=log.info)
        app = create_app(settings, engine)
    except BaseException:
        sock.close()
        raise
    mode = "lokal modus (uten autentisering)" if settings.local_mode else "Azure-autentisering"
    log.info("Faggruppe-bot lytter på http://%s:%s/api/messages – %s",
             settings.host, settings.port, mode)
    web.run_app(app, sock=sock, print=None, shutdown_timeout=10, handle_signals=True)


def settings_problem(exc: ValidationError) -> str:
    """A malformed setting (environment or .env) as one Norwegian sentence per value."""
    kinds = {"int": "et heltall", "float": "et tall", "bool": "ja/nei (true/false)"}
    parts = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"])
        kind = next((v for k, v in kinds.items() if error["type"].startswith(k)), "")
        secret = any(w in name.lower() for w in ("password", "secret"))
        value = "" if secret else f", ikke «{error.get('input')}»"
        parts.append(f"{name} må være {kind}{value}" if kind else f"{name} er ugyldig{value}")
    return "; ".join(parts) + " (fra miljøet eller .env-filen)"


def main(argv: list[str]) -> int:
    """Entry point: no arguments serves the bot, anything else is a CLI command."""
    # The CLI's stderr is for Norwegian messages: only warnings from libraries get through.
    logging.basicConfig(level=logging.WARNING if argv else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faggruppe").setLevel(logging.INFO)
    from storage.db import DatabaseStartError

    try:
        if argv:
            from cli import main as cli_main

            return cli_main(argv)
        serve(load_settings())
    except ValidationError as exc:
        sys.stderr.write(f"Feil i innstillingene: {settings_problem(exc)}\n")
        return 1
    except (StartError, DatabaseStartError) as exc:
        sys.stderr.write(f"Feil: {exc}\n")
        return 1
    except OSError as exc:
        sys.stderr.write(f"Feil: {os_error_text(exc)}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Avbrutt.\n")
        return 130
    except Exception as exc:  # the last guard: a user never reads a traceback
        log.debug("uventet feil", exc_info=True)
        sys.stderr.write(f"Feil: noe uventet gikk galt ({type(exc).__name__}: {exc}). Ingenting "
                         "er lagret fra denne kommandoen; meld gjerne fra til utviklerne.\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

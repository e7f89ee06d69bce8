"""Faggruppe-bot: `python app.py` serves the bot; `python app.py <noun> <verb>` is the CLI."""

from __future__ import annotations

import errno
import logging
import socket
import sys
import warnings
from typing import Any

from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.engine import Engine

from core.clock import Clock, SystemClock
from core.i18n import t
from core.links import LinkSigner
from core.os_errors import os_error_text
from core.settings import ConfigError, Settings, load_settings

log = logging.getLogger("faggruppe")
ENGINE_KEY = web.AppKey("engine", Engine)
LINKS_KEY = web.AppKey("links", LinkSigner)
ADAPTER_KEY = web.AppKey("adapter", object)  # FixedCloudAdapter: late turns, drain()
BACKGROUND_KEY = web.AppKey("background", object)  # bot.turn.BackgroundTasks


def _adapter(settings: Settings, gate: Any, reply_timeouts: tuple[float, float] | None) -> Any:
    from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication

    from bot.sdk_clients import TIMEOUTS_S, ClientCache
    from bot.sdk_fixes import FixedCloudAdapter

    class _Config:
        APP_ID = settings.app_id
        APP_PASSWORD = settings.app_password
        APP_TYPE = settings.app_type
        APP_TENANTID = settings.app_tenant_id

    adapter = FixedCloudAdapter(ConfigurationBotFrameworkAuthentication(_Config()))
    adapter.gate = gate
    adapter.clients = ClientCache(timeouts=reply_timeouts or TIMEOUTS_S)
    return adapter


def create_app(settings: Settings, engine: Engine | None = None,
               clock: Clock | None = None, openid_keys: Any = None,
               reply_timeouts: tuple[float, float] | None = None,
               reply_total_s: float | None = None) -> web.Application:
    """The aiohttp application: POST /api/messages and GET /healthz.

    `openid_keys` is for tests (a local OpenID endpoint); the app makes Microsoft's otherwise.
    `reply_timeouts` (connect, read) for the Bot Connector clients; default
    `bot.sdk_clients.TIMEOUTS_S`; `reply_total_s` for each reply as a whole, default
    `bot.sdk_clients.TOTAL_TIMEOUT_S`.
    """
    from bot import build_router
    from bot.channel_auth import OpenIdKeys
    from bot.gate import Gate
    from bot.handler import FaggruppeBot
    from bot.sdk_clients import TOTAL_TIMEOUT_S
    from bot.sdk_fixes import apply_sdk_fixes
    from bot.turn import Deps
    from storage.db import is_reachable, open_database, prepare_schema

    settings.check()  # settings that cannot work stop the start, in Norwegian
    apply_sdk_fixes()
    if engine is None:
        engine = open_database(settings.resolved_database_url(), notify=log.info)
    else:
        prepare_schema(engine)
    from services.ics import link_signer

    deps = Deps(settings=settings, engine=engine, clock=clock or SystemClock(),
                router=build_router(), links=link_signer(engine, settings),
                reply_total_s=reply_total_s or TOTAL_TIMEOUT_S)
    deps.throttle.per_minute = settings.user_messages_per_minute
    bot = FaggruppeBot(deps)
    keys = openid_keys if openid_keys is not None else OpenIdKeys()
    adapter = _adapter(settings, Gate(settings, engine, keys), reply_timeouts)

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    async def healthz(request: web.Request) -> web.Response:
        ok = is_reachable(engine)
        return web.json_response({"status": "ok" if ok else "database unreachable"},
                                 status=200 if ok else 503)

    from storage.backup import hold_app_lock

    app_lock = hold_app_lock(engine)  # `db restore` refuses while this is held

    async def dispose(_app: web.Application) -> None:
        engine.dispose()
        app_lock.release()

    async def finish_turns(_app: web.Application) -> None:
        await adapter.drain()
        await deps.background.drain()
        await keys.close()

    app = web.Application(client_max_size=256 * 1024)  # Teams activities are far smaller
    app[ENGINE_KEY] = engine
    app[LINKS_KEY] = deps.links
    with warnings.catch_warnings():  # a plain key by agreement: /readyz reads it by name
        warnings.simplefilter("ignore")
        app["openid_keys"] = keys  # one cache per app; /readyz reports keys.status()
    app[ADAPTER_KEY] = adapter
    app[BACKGROUND_KEY] = deps.background
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.on_cleanup.append(finish_turns)
    app.on_cleanup.append(dispose)
    from bot import ics_route, minutes_draft_route, mydata_route, ops_routes
    from services import runtime

    # The delivery worker, the scheduler and the card senders, stopped before dispose.
    runtime.attach(app, settings, engine, deps.clock, deps.links)
    ics_route.register(app, deps.links, engine, deps.clock)
    mydata_route.register(app, deps.links, engine, deps.clock)
    minutes_draft_route.register(app, deps.links, engine, deps.clock)
    ops_routes.register(app, settings, engine, deps.clock, runtime.probes(app))
    return app


class StartError(Exception):
    """The service cannot start; str() is a Norwegian sentence."""


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything says «lytter på»."""
    try:
        return socket.create_server((host, port), family=_family(host))
    except OSError as exc:
        hint = t("app.kjorer_boten_allerede") \
            if exc.errno == errno.EADDRINUSE else ""
        raise StartError(t("app.kan_ikke_lytte", host=host, port=port,
                           os_error_text=os_error_text(exc), hint=hint)) from None


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def start_warnings(settings: Settings) -> list[str]:
    """What an operator must hear at start about a configuration that serves anyway."""
    from core.settings import is_loopback_host

    if settings.local_mode and not is_loopback_host(settings.host):
        return [t("app.advarsel_lokal_modus", host=settings.host)]
    return []


def serve(settings: Settings) -> int:
    """Run until SIGTERM or SIGINT; aiohttp shuts down gracefully on both."""
    from storage.db import describe_url, open_database

    try:
        settings.check()
    except ConfigError as exc:
        sys.stderr.write(t("app.feil_innstillingene", exc=exc))
        return 2
    problems = settings.start_problems()
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    for warning in start_warnings(settings):
        log.warning("%s", warning)
    sock = bind(settings.host, settings.port)
    try:
        engine = open_database(settings.resolved_database_url(),
                               wait_s=settings.db_start_timeout_s, notify=log.info)
        app = create_app(settings, engine)
    except BaseException:
        sock.close()
        raise
    mode = "lokal modus (uten autentisering)" if settings.local_mode else "Azure-autentisering"
    log.info("Faggruppe-bot lytter på http://%s:%s/api/messages – %s – database %s",
             settings.host, settings.port, mode, describe_url(engine.url))
    web.run_app(app, sock=sock, print=None, shutdown_timeout=10, handle_signals=True)
    log.info("Faggruppe-bot stoppet")
    return 0


def settings_problem(exc: ValidationError) -> str:
    """A malformed setting (environment or .env) as one Norwegian sentence per value."""
    kinds = {"int": "et heltall", "float": "et tall", "bool": t("app.ja_nei_true")}
    parts = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"])
        kind = next((v for k, v in kinds.items() if error["type"].startswith(k)), "")
        secret = any(w in name.lower() for w in ("password", "secret"))
        value = "" if secret else t("app.ikke", get=error.get('input'))
        parts.append(t("app.ma_vaere", name=name, kind=kind,
                       value=value) if kind else t("app.er_ugyldig", name=name, value=value))
    return "; ".join(parts) + t("app.fra_miljoet_eller")


def main(argv: list[str]) -> int:
    """Entry point: no arguments serves the bot, anything else is a CLI command."""
    from core.logs import configure_logging
    from storage.db import DatabaseStartError

    try:
        if argv:
            # The CLI's stderr is for Norwegian messages: only warnings get through.
            configure_logging(level=logging.WARNING)
            from cli import main as cli_main

            return cli_main(argv)
        configure_logging(level=logging.INFO)  # a settings error is then said in this format
        settings = load_settings()
        configure_logging(settings.log_format, level=logging.INFO)
        return serve(settings)
    except ValidationError as exc:
        sys.stderr.write(t("app.feil_innstillingene", exc=settings_problem(exc)))
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
        sys.stderr.write(t("app.feil_noe_uventet", __name__=type(exc).__name__, exc=exc))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

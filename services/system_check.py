"""`system check`: is this installation configured to work? One Norwegian line per check."""

from __future__ import annotations

import asyncio
import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from core.i18n import t
from core.settings import Settings
from delivery.connector import TokenSource
from services.manifest import ManifestError, build_package, fill_manifest, is_guid
from services.manifest import load_template as load_manifest_template
from storage.db import describe_url, is_reachable
from storage.migrate import current_revisions, head_revisions, known_revisions

Level = Literal["OK", "ADVARSEL", "FEIL"]
APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
PLACEHOLDER_APP_ID = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Line:
    """One result: OK, a warning (the bot still works) or a failure (it will not)."""

    level: Level
    text: str

    def render(self) -> str:
        """As printed: the level padded, then the sentence."""
        return f"{self.level:<9}{self.text}"


@dataclass(frozen=True)
class GraphCheck:
    """What the Graph check needs: a token getter and the permissions each feature needs."""

    acquire: Callable[[], Mapping[str, Any]]  # MSAL's acquire_token_for_client result
    needed: Mapping[str, str]  # application permission -> the feature that needs it


def run_checks(settings: Settings, engine: Engine, *,
               fetch: Callable[[str], int] | None = None,
               graph: GraphCheck | None = None) -> list[Line]:
    """Every check, in the order an administrator would fix them."""
    lines = settings_lines(settings)
    lines += database_lines(engine)
    # No token request with credentials already known to be wrong: the sentences above say it.
    credentials_ok = not any(line.level == "FEIL" and line.text.startswith("Microsoft")
                             for line in lines)
    lines += bot_connector_lines(settings) if credentials_ok else [
        Line("FEIL", t("system_check.service.token_fra_entra"))]
    if graph is not None and credentials_ok:
        lines += graph_lines(graph)
    lines += public_url_lines(settings, fetch or http_status)
    lines += manifest_lines(settings)
    return lines


def failed(lines: list[Line]) -> bool:
    """True when any line is a failure (the command then exits non-zero)."""
    return any(line.level == "FEIL" for line in lines)


def settings_lines(settings: Settings) -> list[Line]:
    """Settings that are wrong on their face, each with its own sentence."""
    lines: list[Line] = []
    if settings.app_type not in APP_TYPES:
        lines.append(Line("FEIL",
                          t("system_check.service.microsoftapptype_er_ukjent",
                            app_type=settings.app_type)))
    if not settings.local_mode:
        if not is_guid(settings.app_id):
            lines.append(Line("FEIL",
                              t("system_check.service.microsoftappid_er_ikke",
                                app_id=settings.app_id)))
        if not settings.app_password:
            lines.append(Line("FEIL", t("system_check.service.microsoftapppassword_er_tom")))
        if settings.app_type == "SingleTenant" and not settings.app_tenant_id:
            lines.append(Line("FEIL", "MicrosoftAppType=SingleTenant krever "
                                      "MicrosoftAppTenantId (tenant-id-en i Entra)."))
        if settings.host in ("127.0.0.1", "localhost", "::1"):
            lines.append(Line("ADVARSEL",
                              t("system_check.service.host_boten_svarer", host=settings.host)))
    elif settings.host not in ("127.0.0.1", "localhost", "::1"):
        if settings.allow_unauthenticated:
            lines.append(Line("ADVARSEL",
                              t("system_check.service.lokal_modus_uten", host=settings.host)))
        else:
            lines.append(Line("FEIL",
                              t("system_check.service.lokal_modus_tom", host=settings.host)))
    if settings.log_format.strip().lower() not in ("text", "json"):
        lines.append(Line("FEIL",
                          t("system_check.service.log_format_er", log_format=settings.log_format)))
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            lines.append(Line("FEIL",
                              t("system_check.service.public_url_er",
                                public_url=settings.public_url)))
        elif parts.scheme != "https" and not settings.local_mode:
            lines.append(Line("FEIL", t("system_check.service.public_url_ma")))
    if not lines:
        lines.append(Line("OK", "Innstillingene henger sammen"
                                + (" (lokal modus, uten autentisering)"
                                   if settings.local_mode else "")))
    return lines


def database_lines(engine: Engine) -> list[Line]:
    """Reachable, and at the schema this code expects."""
    where = describe_url(engine.url)
    if not is_reachable(engine):
        return [Line("FEIL", t("system_check.service.databasen_svarer_ikke", where=where))]
    lines = [Line("OK", f"Databasen svarer ({where})")]
    current, heads = current_revisions(engine), head_revisions()
    shown = ", ".join(sorted(current)) or "tom"
    if current == heads:
        lines.append(Line("OK", t("system_check.service.skjemaet_er_pa", shown=shown)))
    elif current - known_revisions():
        lines.append(Line("FEIL",
                          t("system_check.service.databasen_har_skjemaversjon", shown=shown,
                            sorted=', '.join(sorted(heads)))))
    else:
        lines.append(Line("FEIL",
                          t("system_check.service.databasen_har_skjemaversjon_2", shown=shown,
                            sorted=', '.join(sorted(heads)))))
    return lines


def bot_connector_lines(settings: Settings) -> list[Line]:
    """In auth mode: can we get a token from Entra for the Bot Connector?"""
    if settings.local_mode:
        return [Line("OK", t("system_check.service.lokal_modus_ingen"))]
    try:
        asyncio.run(TokenSource(settings).headers())
    except Exception as exc:  # MSAL's error text, or no network to Entra
        return [Line("FEIL", t("system_check.service.fikk_ikke_token", short=_short(exc)))]
    return [Line("OK", t("system_check.service.token_fra_entra_2"))]


def graph_lines(graph: GraphCheck) -> list[Line]:
    """A Graph token, and the application permissions it carries against those needed."""
    try:
        result = graph.acquire()
    except Exception as exc:
        return [Line("FEIL", t("system_check.service.fikk_ikke_token_2", short=_short(exc)))]
    token = result.get("access_token")
    if not token:
        return [Line("FEIL",
                     t("system_check.service.fikk_ikke_token_3",
                       value1=result.get('error_description') or result.get('error')))]
    granted = set(token_roles(str(token)))
    lines = [Line("OK", t("system_check.service.token_fra_entra_3")
                        + (", ".join(sorted(granted)) or t("system_check.service.ingen")))]
    for permission, feature in sorted(graph.needed.items()):
        if permission not in granted:
            lines.append(Line("FEIL",
                              t("system_check.service.graph_tillatelsen_mangler",
                                permission=permission, feature=feature)))
    return lines


def token_roles(token: str) -> list[str]:
    """The `roles` claim of a JWT access token (read only: Graph checks the signature)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return []
    roles = claims.get("roles") if isinstance(claims, dict) else None
    return [str(r) for r in roles] if isinstance(roles, list) else []


def public_url_lines(settings: Settings, fetch: Callable[[str], int]) -> list[Line]:
    """PUBLIC_URL from this machine: only a warning, hairpin requests often fail in Azure."""
    if not settings.public_url:
        if settings.local_mode:
            return [Line("OK", t("system_check.service.public_url_er_2"))]
        return [Line("ADVARSEL", t("system_check.service.public_url_er_3"))]
    if urlsplit(settings.public_url).scheme not in ("http", "https"):
        return []  # already a failure among the settings
    url = settings.public_url.rstrip("/") + "/healthz"
    try:
        status = fetch(url)
    except Exception as exc:
        return [Line("ADVARSEL",
                     t("system_check.service.svarte_ikke_herfra", url=url, short=_short(exc)))]
    if status != 200:
        return [Line("ADVARSEL",
                     t("system_check.service.svarte_http_herfra", url=url, status=status))]
    return [Line("OK", f"{url} svarer")]


def manifest_lines(settings: Settings) -> list[Line]:
    """The Teams app package can be built from the template and these settings."""
    app_id = settings.app_id if is_guid(settings.app_id) else PLACEHOLDER_APP_ID
    try:
        build_package(fill_manifest(load_manifest_template(), app_id, settings.public_url))
    except (ManifestError, OSError) as exc:
        return [Line("FEIL", t("system_check.service.teams_apppakken_kan", short=_short(exc)))]
    if app_id == PLACEHOLDER_APP_ID:
        return [Line("OK", t("system_check.service.teams_apppakken_kan_2"))]
    return [Line("OK", t("system_check.service.teams_apppakken_kan_3"))]


def http_status(url: str) -> int:
    """GET a URL with a short timeout; its HTTP status."""
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - the admin's own URL
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__

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
        Line("FEIL", "Token fra Entra ikke prøvd: rett Microsoft-innstillingene over først.")]
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
        lines.append(Line("FEIL", f"MicrosoftAppType=«{settings.app_type}» er ukjent; bruk "
                                  "SingleTenant (nye Azure Bot-registreringer) eller MultiTenant."))
    if not settings.local_mode:
        if not is_guid(settings.app_id):
            lines.append(Line("FEIL", f"MicrosoftAppId=«{settings.app_id}» er ikke en GUID; "
                                      "kopier app-id-en fra Azure Bot-ressursen."))
        if not settings.app_password:
            lines.append(Line("FEIL", "MicrosoftAppPassword er tom; lag en klienthemmelighet i "
                                      "appregistreringen og sett den her."))
        if settings.app_type == "SingleTenant" and not settings.app_tenant_id:
            lines.append(Line("FEIL", "MicrosoftAppType=SingleTenant krever "
                                      "MicrosoftAppTenantId (tenant-id-en i Entra)."))
        if settings.host in ("127.0.0.1", "localhost", "::1"):
            lines.append(Line("ADVARSEL", f"HOST={settings.host}: boten svarer bare på denne "
                                          "maskinen; sett HOST=0.0.0.0 bak App Service eller "
                                          "en omvendt proxy."))
    elif settings.host not in ("127.0.0.1", "localhost", "::1"):
        if settings.allow_unauthenticated:
            lines.append(Line("ADVARSEL", f"Lokal modus uten autentisering på HOST="
                                          f"{settings.host} (ALLOW_UNAUTHENTICATED): alle som når "
                                          "porten kan opptre som en hvilken som helst bruker."))
        else:
            lines.append(Line("FEIL", f"Lokal modus (tom MicrosoftAppId) på HOST={settings.host}: "
                                      "boten er uten autentisering for alle som når porten. "
                                      "Sett MicrosoftAppId, eller HOST=127.0.0.1."))
    if settings.log_format.strip().lower() not in ("text", "json"):
        lines.append(Line("FEIL", f"LOG_FORMAT=«{settings.log_format}» er ukjent; bruk text "
                                  "eller json."))
    if settings.public_url:
        parts = urlsplit(settings.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            lines.append(Line("FEIL", f"PUBLIC_URL=«{settings.public_url}» er ingen gyldig "
                                      "adresse; bruk formen https://bot.example.no."))
        elif parts.scheme != "https" and not settings.local_mode:
            lines.append(Line("FEIL", "PUBLIC_URL må begynne med https:// (Teams når bare "
                                      "boter over https)."))
    if not lines:
        lines.append(Line("OK", "Innstillingene henger sammen"
                                + (" (lokal modus, uten autentisering)"
                                   if settings.local_mode else "")))
    return lines


def database_lines(engine: Engine) -> list[Line]:
    """Reachable, and at the schema this code expects."""
    where = describe_url(engine.url)
    if not is_reachable(engine):
        return [Line("FEIL", f"Databasen svarer ikke ({where}). Sjekk DATABASE_URL, at "
                             "serveren kjører og at brukeren har tilgang.")]
    lines = [Line("OK", f"Databasen svarer ({where})")]
    current, heads = current_revisions(engine), head_revisions()
    shown = ", ".join(sorted(current)) or "tom"
    if current == heads:
        lines.append(Line("OK", f"Skjemaet er på siste versjon ({shown})"))
    elif current - known_revisions():
        lines.append(Line("FEIL", f"Databasen har skjemaversjon {shown}, nyere enn denne koden "
                                  f"({', '.join(sorted(heads))}). Oppgrader boten."))
    else:
        lines.append(Line("FEIL", f"Databasen har skjemaversjon {shown}, koden "
                                  f"{', '.join(sorted(heads))}. Kjør `python app.py db upgrade` "
                                  "(eller start appen: den migrerer selv)."))
    return lines


def bot_connector_lines(settings: Settings) -> list[Line]:
    """In auth mode: can we get a token from Entra for the Bot Connector?"""
    if settings.local_mode:
        return [Line("OK", "Lokal modus: ingen token fra Entra trengs (Agents Playground)")]
    try:
        asyncio.run(TokenSource(settings).headers())
    except Exception as exc:  # MSAL's error text, or no network to Entra
        return [Line("FEIL", "Fikk ikke token fra Entra for Bot Connector: "
                             f"{_short(exc)}. Sjekk MicrosoftAppId, MicrosoftAppPassword "
                             "(utløpt hemmelighet?) og MicrosoftAppTenantId.")]
    return [Line("OK", "Token fra Entra for Bot Connector")]


def graph_lines(graph: GraphCheck) -> list[Line]:
    """A Graph token, and the application permissions it carries against those needed."""
    try:
        result = graph.acquire()
    except Exception as exc:
        return [Line("FEIL", f"Fikk ikke token fra Entra for Microsoft Graph: {_short(exc)}.")]
    token = result.get("access_token")
    if not token:
        return [Line("FEIL", "Fikk ikke token fra Entra for Microsoft Graph: "
                             f"{result.get('error_description') or result.get('error')}.")]
    granted = set(token_roles(str(token)))
    lines = [Line("OK", "Token fra Entra for Microsoft Graph; tillatelser: "
                        + (", ".join(sorted(granted)) or "ingen"))]
    for permission, feature in sorted(graph.needed.items()):
        if permission not in granted:
            lines.append(Line("FEIL", f"Graph-tillatelsen {permission} mangler (trengs for "
                                      f"{feature}); gi den som applikasjonstillatelse med "
                                      "administratorsamtykke."))
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
            return [Line("OK", "PUBLIC_URL er ikke satt (trengs ikke i lokal modus)")]
        return [Line("ADVARSEL", "PUBLIC_URL er ikke satt; manifestet får da ikke botens "
                                 "domene i validDomains.")]
    if urlsplit(settings.public_url).scheme not in ("http", "https"):
        return []  # already a failure among the settings
    url = settings.public_url.rstrip("/") + "/healthz"
    try:
        status = fetch(url)
    except Exception as exc:
        return [Line("ADVARSEL", f"{url} svarte ikke herfra ({_short(exc)}). Det er vanlig bak "
                                 "App Service (hairpin); sjekk den utenfra.")]
    if status != 200:
        return [Line("ADVARSEL", f"{url} svarte HTTP {status} herfra; sjekk den utenfra.")]
    return [Line("OK", f"{url} svarer")]


def manifest_lines(settings: Settings) -> list[Line]:
    """The Teams app package can be built from the template and these settings."""
    app_id = settings.app_id if is_guid(settings.app_id) else PLACEHOLDER_APP_ID
    try:
        build_package(fill_manifest(load_manifest_template(), app_id, settings.public_url))
    except (ManifestError, OSError) as exc:
        return [Line("FEIL", f"Teams-apppakken kan ikke bygges: {_short(exc)}")]
    if app_id == PLACEHOLDER_APP_ID:
        return [Line("OK", "Teams-apppakken kan bygges (med en plassholder-id: sett "
                           "MicrosoftAppId før opplasting)")]
    return [Line("OK", "Teams-apppakken kan bygges")]


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

"""What every request must pass before a turn runs: envelope, caller, service URL, tenant.

Refusals are answered here with a status and a short JSON error; nothing is stored (but the
audit line for a foreign tenant) and nothing is sent, so rejected input never calls out.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.auth import AuthenticateRequestResult, ClaimsIdentity
from sqlalchemy.engine import Engine

from bot import channel_auth
from bot.channel_auth import KeysUnavailable, OpenIdKeys, Rejected
from core.settings import Settings, is_loopback_host
from domain import envelope
from storage import audit
from storage.db import session_scope

log = logging.getLogger(__name__)
AUDIT_EVERY_S = 60.0  # one audit row per foreign tenant per minute: a flood is not a DB flood


def error(status: int, code: str, message: str) -> web.Response:
    """The Bot Framework's error shape: {"error": {"code", "message"}}."""
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def service_url_allowed(url: str | None, *, local_mode: bool) -> bool:
    """Local mode calls loopback only (127.0.0.0/8, ::1, localhost): never 169.254.169.254."""
    if not local_mode:
        return True  # in auth mode the token's serviceurl claim has been matched already
    try:
        host = urlsplit(url or "").hostname
    except ValueError:
        return False
    return bool(host) and is_loopback_host(host or "")


def tenant_of(body: dict[str, Any]) -> str | None:
    """channelData.tenant.id, else conversation.tenantId (raw JSON, already validated)."""
    tenant = (body.get("channelData") or {}).get("tenant") or {}
    found = tenant.get("id") or (body.get("conversation") or {}).get("tenantId")
    return found.lower() if isinstance(found, str) and found else None


@dataclass
class Gate:
    """Checks in the order that costs least first; `admit` gives a refusal or the auth."""

    settings: Settings
    engine: Engine
    keys: OpenIdKeys
    _audited: OrderedDict[str, float] = field(default_factory=OrderedDict)

    def envelope_problem(self, body: dict[str, Any]) -> web.Response | None:
        """400 BadArgument for an activity the turn could not handle."""
        problem = envelope.problem(body)
        if problem:
            return error(400, "BadArgument", problem)
        if not service_url_allowed(body.get("serviceUrl"), local_mode=self.settings.local_mode):
            return error(403, "Forbidden", "serviceUrl must be a loopback address in local mode")
        return None

    async def authenticate(self, activity: Activity, auth_header: str,
                           bfa: Any) -> AuthenticateRequestResult | web.Response:
        """Auth mode: our channel-token check (401 before any key fetch when it can)."""
        app_id = self.settings.app_id
        try:
            claims = await channel_auth.authenticate(
                auth_header, app_id=app_id, service_url=activity.service_url,
                channel_id=activity.channel_id, keys=self.keys)
        except Rejected as exc:
            log.info("Avviste token: %s", exc)
            return web.Response(status=401)
        except KeysUnavailable as exc:
            log.warning("OpenID-nøkler mangler: %s", exc)
            return error(503, "ServiceUnavailable", "signing keys unavailable; try again")
        identity = ClaimsIdentity(claims, True)
        result = AuthenticateRequestResult()
        result.claims_identity = identity
        result.audience = "https://api.botframework.com"
        result.caller_id = CallerIdConstants.public_azure_channel
        result.connector_factory = bfa.create_connector_factory(identity)
        return result

    def tenant_refusal(self, body: dict[str, Any]) -> web.Response | None:
        """Auth mode: other tenants are refused before the turn, and audited."""
        if self.settings.local_mode:
            return None
        allowed = self.settings.tenant_allowlist()
        if allowed is None:
            return None
        tenant = tenant_of(body)
        if tenant in allowed:
            return None
        self._audit(tenant or "-", (body.get("from") or {}).get("aadObjectId"))
        return error(403, "Forbidden", "tenant not allowed")

    def _audit(self, tenant: str, aad: Any) -> None:
        now = time.monotonic()
        last = self._audited.get(tenant)
        if last is not None and now - last < AUDIT_EVERY_S:
            return
        self._audited[tenant] = now
        self._audited.move_to_end(tenant)
        while len(self._audited) > 1000:
            self._audited.popitem(last=False)
        try:
            with session_scope(self.engine) as s:
                audit.record(s, action="tenant.refused", outcome="refused", target=tenant,
                             actor_aad_object_id=aad if isinstance(aad, str) else None)
        except Exception:  # the refusal stands without its audit line
            log.exception("could not audit a refused tenant")

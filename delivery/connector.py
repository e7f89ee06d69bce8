"""Bot Connector REST calls over one keep-alive aiohttp session, with cached MSAL tokens."""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from core import metrics
from core.settings import Settings, is_loopback_host

SCOPE = "https://api.botframework.com/.default"
REFRESH_MARGIN_S = 300  # renew five minutes before expiry, never mid-request
MSAL_TIMEOUT_S = (5.0, 10.0)  # (connect, read) for Entra's token endpoint
CONNECT_TIMEOUT_S, TOTAL_TIMEOUT_S = 5.0, 20.0  # every Bot Connector call


@dataclass
class Reply:
    """What one call to the Bot Connector gave back."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)
    retry_after: float | None = None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


class CachedTokens:
    """A bearer token from MSAL, kept until shortly before it runs out; none in local mode.

    Subclasses say how a token is asked for (`_acquire`) and what a refusal is called."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._token = ""
        self._expires = 0.0
        self._lock = asyncio.Lock()

    def _acquire(self) -> dict[str, Any]:
        raise NotImplementedError

    def _refusal(self, result: dict[str, Any]) -> str:
        """What MSAL's answer without a token says, for the error raised."""
        return str(result.get("error_description", result))

    async def headers(self) -> dict[str, str]:
        """The Authorization header, refreshed before it runs out."""
        if self.settings.local_mode:
            return {}
        async with self._lock:
            if not self._token or time.time() > self._expires - REFRESH_MARGIN_S:
                result = await asyncio.to_thread(self._acquire)
                if "access_token" not in result:
                    raise RuntimeError(f"MSAL: {self._refusal(result)}")
                self._token = result["access_token"]
                self._expires = time.time() + float(result.get("expires_in", 3600))
        return {"Authorization": f"Bearer {self._token}"}

    def invalidate(self) -> None:
        """Forget the token after a 401 so the next call fetches a new one."""
        self._token = ""


class TokenSource(CachedTokens):
    """Bearer tokens for the Bot Connector; none in local mode (empty MicrosoftAppId)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self._app: Any = None

    def _authority(self) -> str:
        single = self.settings.app_type.lower() == "singletenant" and self.settings.app_tenant_id
        tenant = self.settings.app_tenant_id if single else "botframework.com"
        return f"https://login.microsoftonline.com/{tenant}"

    def _acquire(self) -> dict[str, Any]:
        import msal

        if self._app is None:
            # MSAL keeps its own in-memory token cache inside this one object.
            self._app = msal.ConfidentialClientApplication(
                self.settings.app_id, client_credential=self.settings.app_password,
                authority=self._authority(), timeout=MSAL_TIMEOUT_S)
        return dict(self._app.acquire_token_for_client(scopes=[SCOPE]))


class BotConnector:
    """The three calls proactive messages need: create a 1:1 chat, send, update."""

    def __init__(self, http: aiohttp.ClientSession, tokens: TokenSource) -> None:
        self.http, self.tokens = http, tokens

    async def _call(self, method: str, url: str, body: dict[str, Any]) -> Reply:
        if self.tokens.settings.local_mode and not _loopback(url):
            # Local mode has no signed serviceUrl: only this machine may be called.
            return Reply(403, {"error": {"code": "ServiceUrlNotAllowed",
                                         "message": "local mode calls loopback only"}})
        headers = await self.tokens.headers()
        async with self.http.request(method, url, json=body, headers=headers) as resp:
            try:
                data = await resp.json(content_type=None)
            except ValueError:
                data = None
            if resp.status == 401:
                self.tokens.invalidate()
            elif resp.status == 429:
                metrics.THROTTLED.inc()
            return Reply(resp.status, data if isinstance(data, dict) else {},
                         parse_retry_after(resp.headers.get("Retry-After")))

    async def create_conversation(self, service_url: str, bot_id: str, user_id: str,
                                  tenant_id: str | None) -> Reply:
        """POST /v3/conversations for a 1:1 chat with one user."""
        body: dict[str, Any] = {"bot": {"id": bot_id}, "members": [{"id": user_id}],
                                "isGroup": False}
        if tenant_id:
            body["tenantId"] = tenant_id
            body["channelData"] = {"tenant": {"id": tenant_id}}
        return await self._call("POST", f"{_base(service_url)}v3/conversations", body)

    async def send(self, service_url: str, conversation_id: str,
                   activity: dict[str, Any]) -> Reply:
        """POST an activity into a conversation."""
        url = f"{_base(service_url)}v3/conversations/{conversation_id}/activities"
        return await self._call("POST", url, activity)

    async def update(self, service_url: str, conversation_id: str, activity_id: str,
                     activity: dict[str, Any]) -> Reply:
        """PUT a new version of an activity already sent."""
        url = f"{_base(service_url)}v3/conversations/{conversation_id}/activities/{activity_id}"
        return await self._call("PUT", url, activity)


def _loopback(url: str) -> bool:
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return bool(host) and is_loopback_host(host or "")


def _base(service_url: str) -> str:
    return service_url if service_url.endswith("/") else service_url + "/"


def new_http_session() -> aiohttp.ClientSession:
    """One keep-alive session per process; bounded so a burst cannot open hundreds of sockets."""
    connector = aiohttp.TCPConnector(limit=64, keepalive_timeout=60)
    return aiohttp.ClientSession(connector=connector,
                                 timeout=aiohttp.ClientTimeout(total=TOTAL_TIMEOUT_S,
                                                               connect=CONNECT_TIMEOUT_S))

"""Channel tokens checked by us: cheap refusals first, signing keys cached and shared.

The SDK fetched Microsoft's OpenID metadata for a token before looking at anything else,
a new fetch per request while the endpoint was down, on the thread pool the delivery worker
also uses. Here a token that can be refused without a key (malformed, wrong algorithm,
expired, not yet valid, wrong audience or issuer, no serviceurl claim) is refused before any
fetch; the keys are fetched with aiohttp on the event loop (no thread), one fetch at a time,
with back-off after a failure, and stale keys are served while a refresh fails.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import aiohttp
import jwt
from aiohttp.abc import AbstractResolver, ResolveResult
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)

BOT_OPENID_METADATA = "https://login.botframework.com/v1/.well-known/openidconfiguration"
CHANNEL_ISSUER = "https://api.botframework.com"
ALGORITHMS = ("RS256", "RS384", "RS512")
LEEWAY_S = 300  # the SDK's clock tolerance
MAX_AGE_S = 24 * 3600  # keys older than this are refreshed (and served while that fails)
UNKNOWN_KID_REFETCH_S = 300  # a key id we do not know: ask again at most this often
BACKOFF_MIN_S, BACKOFF_MAX_S = 1.0, 300.0
CONNECT_TIMEOUT_S, TOTAL_TIMEOUT_S = 5.0, 10.0
MAX_TOKEN_CHARS = 16_000


class Rejected(Exception):
    """The token is not acceptable: answer 401."""


class KeysUnavailable(Exception):
    """The token may be fine, but no signing key can be had now: answer 503."""


class _OwnPoolResolver(AbstractResolver):
    """DNS for the key fetch on its own thread: never the default pool the delivery uses."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="openid-dns")

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        infos = await asyncio.get_running_loop().run_in_executor(
            self._pool, socket.getaddrinfo, host, port, family, socket.SOCK_STREAM)
        return [ResolveResult(hostname=host, host=str(addr[0]), port=int(addr[1]),
                              family=fam, proto=proto, flags=socket.AI_NUMERICHOST)
                for fam, _type, proto, _name, addr in infos]

    async def close(self) -> None:
        self._pool.shutdown(wait=False)


class OpenIdKeys:
    """Microsoft's signing keys for channel tokens, cached in the app as app["openid_keys"]."""

    def __init__(self, metadata_url: str = BOT_OPENID_METADATA, *,
                 now: Callable[[], float] = time.time,
                 connect_timeout_s: float = CONNECT_TIMEOUT_S,
                 total_timeout_s: float = TOTAL_TIMEOUT_S) -> None:
        self.metadata_url = metadata_url
        self._now = now
        self._timeout = aiohttp.ClientTimeout(total=total_timeout_s, connect=connect_timeout_s)
        self._keys: dict[str, dict[str, Any]] | None = None
        self._fetched_at: float | None = None
        self._last_error: str | None = None
        self._failures = 0
        self._next_try = 0.0
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None
        self._resolver: _OwnPoolResolver | None = None
        self.fetches = 0  # attempts started, for tests and /readyz

    def status(self) -> dict[str, Any]:
        """Loaded or not, when last fetched, the last error: for /readyz."""
        fetched = (datetime.fromtimestamp(self._fetched_at, UTC).isoformat()
                   if self._fetched_at is not None else None)
        return {"loaded": self._keys is not None, "fetched_at": fetched,
                "last_error": self._last_error}

    async def key(self, kid: str) -> dict[str, Any] | None:
        """The JWK for this key id (None: no such key); KeysUnavailable when none are loaded."""
        now = self._now()
        if self._keys is None:
            await self._refresh_shared(now)
            if self._keys is None:
                raise KeysUnavailable(self._last_error or "ingen nøkler")
            return self._keys.get(kid)
        if self._fetched_at is not None and now - self._fetched_at > MAX_AGE_S:
            self._start_refresh(now)  # in the background: the stale keys serve meanwhile
        found = self._keys.get(kid)
        if found is None and self._fetched_at is not None \
                and now - self._fetched_at > UNKNOWN_KID_REFETCH_S:
            # Microsoft rotates keys: a new key id is worth one fetch, not one per request.
            await self._refresh_shared(now)
            found = self._keys.get(kid)
        return found

    async def _refresh_shared(self, now: float) -> None:
        task = self._start_refresh(now)
        if task is not None:
            await asyncio.shield(task)

    def _start_refresh(self, now: float) -> asyncio.Task[None] | None:
        if self._task is not None and not self._task.done():
            return self._task
        if now < self._next_try:
            return None  # backing off after a failure
        self._task = asyncio.get_running_loop().create_task(self._refresh())
        return self._task

    async def _refresh(self) -> None:
        self.fetches += 1
        try:
            if self._http is None or self._http.closed:
                self._resolver = _OwnPoolResolver()
                self._http = aiohttp.ClientSession(
                    timeout=self._timeout,
                    connector=aiohttp.TCPConnector(resolver=self._resolver, limit=4))
            async with self._http.get(self.metadata_url) as resp:
                resp.raise_for_status()
                jwks_uri = (await resp.json(content_type=None))["jwks_uri"]
            async with self._http.get(jwks_uri) as resp:
                resp.raise_for_status()
                keys = (await resp.json(content_type=None))["keys"]
            by_kid = {k["kid"]: k for k in keys if isinstance(k, dict) and isinstance(
                k.get("kid"), str)}
        except Exception as exc:  # any network, HTTP or shape failure: back off, keep old keys
            self._failures += 1
            delay = min(BACKOFF_MAX_S, BACKOFF_MIN_S * 2 ** (self._failures - 1))
            self._next_try = self._now() + delay
            self._last_error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("OpenID-nøkler kunne ikke hentes (%s); nytt forsøk om %.0f s",
                        self._last_error, delay)
            return
        self._keys, self._fetched_at = by_kid, self._now()
        self._failures, self._next_try, self._last_error = 0, 0.0, None

    async def close(self) -> None:
        """Close the HTTP session (app cleanup)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._http is not None:
            await self._http.close()
        if self._resolver is not None:
            await self._resolver.close()


def precheck(auth_header: str, *, app_id: str, service_url: str | None,
             now: float) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a token that passes every check needing no key; else Rejected."""
    scheme, _, token = auth_header.partition(" ")
    token = token.strip()
    if scheme != "Bearer" or not token or len(token) > MAX_TOKEN_CHARS:
        raise Rejected("no bearer token")
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise Rejected(f"malformed: {exc}") from exc
    if header.get("alg") not in ALGORITHMS:
        raise Rejected(f"algorithm {header.get('alg')!r}")
    if not isinstance(header.get("kid"), str):
        raise Rejected("no key id")
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if not isinstance(exp, int | float) or exp + LEEWAY_S < now:
        raise Rejected("expired or no exp")
    if nbf is not None and (not isinstance(nbf, int | float) or nbf - LEEWAY_S > now):
        raise Rejected("not yet valid")
    if claims.get("iss") != CHANNEL_ISSUER:
        raise Rejected("issuer")
    aud = claims.get("aud")
    if aud != app_id and not (isinstance(aud, list) and app_id in aud):
        raise Rejected("audience")
    claimed = claims.get("serviceurl")
    if not isinstance(claimed, str) or not claimed or claimed != service_url:
        raise Rejected("serviceurl claim missing or not the activity's")
    return header, claims


async def authenticate(auth_header: str, *, app_id: str, service_url: str | None,
                       channel_id: str | None, keys: OpenIdKeys) -> dict[str, Any]:
    """The verified claims of a channel token; Rejected (401) or KeysUnavailable (503)."""
    header, _ = precheck(auth_header, app_id=app_id, service_url=service_url, now=time.time())
    jwk = await keys.key(header["kid"])
    if jwk is None:
        raise Rejected("unknown key id")
    endorsements = jwk.get("endorsements")
    if isinstance(endorsements, list) and endorsements and channel_id not in endorsements:
        raise Rejected("key not endorsed for this channel")
    try:
        public_key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        token = auth_header.partition(" ")[2].strip()
        return dict(jwt.decode(token, public_key, algorithms=[header["alg"]],  # type: ignore[arg-type]
                               audience=app_id, issuer=CHANNEL_ISSUER, leeway=LEEWAY_S,
                               options={"require": ["exp"]}))
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise Rejected(f"signature: {exc}") from exc

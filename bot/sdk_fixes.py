"""Workarounds for botbuilder 4.17.1, the last release of an archived SDK (no upstream fixes).

Every private SDK member the bot touches, and why (nothing else in bot/ or app.py uses one;
bench/rsvp_path.py lists them):

- `jwt_token_extractor._OpenIdMetadata._refresh` (here): the SDK fetches signing keys with a
  blocking `requests.get` on the event loop and no timeout; ours runs in a thread.
- msrest `Model._attribute_map` (here, `_plain`): the only way to find SDK Exception values
  inside an invoke body that msrest cannot serialize.
- `CloudAdapterBase._create_turn_context` (bot/sdk_clients.py): builds the TurnContext with
  the reused connector and token clients; the public `process_activity` builds both for
  every activity (~370 µs a turn).
- `_BuiltinBotFrameworkAuthentication.get_app_id` and the connector factory's `_app_id`,
  `_to_channel_from_bot_oauth_scope`, `_login_endpoint`, `_validate_authority`,
  `_credential_factory`, `_connector_client_configuration` (bot/sdk_clients.py): what the
  reused clients depend on, so the cache key is exactly the SDK's own inputs.

An invoke's answer no longer goes through `_INVOKE_RESPONSE_KEY` / `_process_turn_results`:
FaggruppeBot leaves it under our own key and `sdk_clients.run_turn` returns it; only a stock
ActivityHandler bot (bench/echo_bot.py, tests/test_sdk_fixes.py) still falls back to
`CloudAdapterBase._process_turn_results`.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from datetime import datetime
from typing import Any

import requests
from aiohttp import web
from botbuilder.core import Bot, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.auth import MicrosoftAppCredentials, jwt_token_extractor
from msrest.serialization import Model
from msrest.universal_http import requests as msrest_requests

from bot.sdk_clients import ClientCache, run_turn
from core.i18n import t

_LOG = logging.getLogger(__name__)
_ERROR_TYPE = "application/vnd.microsoft.error"
_OPENID_TIMEOUT_S = 10


def _error_json(status: int, code: str, message: str) -> web.Response:
    # The shape Teams expects for an adaptiveCard/action error; harmless for other callers.
    body = {"statusCode": status, "type": _ERROR_TYPE, "value": {"code": code, "message": message}}
    return web.json_response(body, status=status)


def _plain(value: Any) -> Any:
    """Turn an invoke body (JSON data, msrest Model, the SDK's Exception values) into JSON."""
    if isinstance(value, BaseException):
        # The SDK puts Exception(code, message) into error responses; msrest cannot serialize it.
        args = [str(arg) for arg in value.args] + ["", ""]
        return {"code": args[0] or type(value).__name__, "message": args[1]}
    if isinstance(value, Model):
        model = copy.copy(value)
        for name in model._attribute_map:
            if isinstance(getattr(model, name, None), BaseException):
                setattr(model, name, _plain(getattr(model, name)))
        return serializer_helper(model)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _json_default(value: Any) -> Any:
    """json.dumps fallback: only SDK objects reach it; the plain card stays on the C encoder."""
    if isinstance(value, BaseException | Model):
        return _plain(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _adaptive_card_action_problem(activity: Activity) -> str | None:
    """Why an adaptiveCard/action invoke is malformed, or None when the SDK can handle it."""
    if activity.type != ActivityTypes.invoke or activity.name != "adaptiveCard/action":
        return None
    if not isinstance(activity.value, dict):
        return "Value property is missing or not an object"
    if not isinstance(activity.value.get("action"), dict):
        return "Missing action property"
    return None


class FixedCloudAdapter(CloudAdapter):
    """CloudAdapter whose HTTP entry point never answers 500 to bad input (HTTP POST only).

    With a `gate` (the app always passes one) the envelope, the caller's token, the service
    URL and the tenant are checked before the turn, and the turn gets a deadline: an invoke
    is answered within Teams' 5 s, other activities before the Bot Service's 10–15 s retry;
    a turn past its deadline goes on in the background and is awaited at shutdown.
    """

    gate: Any = None
    clients: ClientCache | None = None  # create_app passes one with its reply timeouts
    invoke_deadline_s = 4.5
    activity_deadline_s = 8.0

    async def process(  # type: ignore[override]
        self, request: web.Request, bot: Bot, ws_response: Any = None
    ) -> web.Response:
        """Handle one POST from the channel and answer with the right status and body."""
        if request.method != "POST":
            return web.Response(status=405)
        if "application/json" not in request.headers.get("Content-Type", ""):
            _LOG.warning("Avvist forespørsel: 415, Content-Type er ikke JSON")
            return web.Response(status=415)
        try:
            body = await request.json()
        except web.HTTPRequestEntityTooLarge:
            _LOG.warning("Avvist forespørsel: 413, for stor")
            return _error_json(413, "PayloadTooLarge", "Body is larger than the bot accepts")
        except Exception:  # invalid JSON or UTF-8
            body = None
        gate = self.gate
        if gate is not None and isinstance(body, dict):
            refused = gate.envelope_problem(body)
            if refused is not None:
                return refused
        try:
            activity = Activity().deserialize(body) if isinstance(body, dict) else None
        except Exception:  # msrest's DeserializationError (a timestamp that is no date, …)
            activity = None
        if activity is None or not activity.type or not isinstance(activity.type, str):
            _LOG.warning("Avvist forespørsel: 400, ikke en Bot Framework-aktivitet")
            return _error_json(400, "BadRequest", "Body is not a Bot Framework activity")

        auth_header = request.headers.get("Authorization", "")
        if gate is not None and not gate.settings.local_mode:
            auth = await gate.authenticate(activity, auth_header, self.bot_framework_authentication)
            if isinstance(auth, web.Response):
                return auth
        else:
            try:
                auth = await self.bot_framework_authentication.authenticate_request(
                    activity, auth_header
                )
            except PermissionError:
                _LOG.warning("Avvist forespørsel: 401, ukjent eller manglende token")
                return web.Response(status=401)
            except OSError as error:
                # requests' errors are OSErrors: the OpenID metadata could not be fetched.
                _LOG.warning("Kunne ikke hente OpenID-metadata: %s", error)
                return web.Response(status=503)
            except Exception as error:  # the SDK raises bare Exceptions, IndexError, JWT errors
                _LOG.warning("Avvist forespørsel: 401, %s: %.200s", type(error).__name__, error)
                return web.Response(status=401)
        if gate is not None:
            refused = gate.tenant_refusal(body)
            if refused is not None:
                return refused

        problem = _adaptive_card_action_problem(activity)
        if problem:
            _LOG.warning("Avvist forespørsel: 400, %s", problem)
            return _error_json(400, "BadRequest", problem)

        if self.clients is None:
            self.clients = ClientCache()
        turn = asyncio.ensure_future(run_turn(self, self.clients, auth, activity, bot.on_turn))
        if gate is None:
            invoke_response = await turn
        else:
            invoke = activity.type == ActivityTypes.invoke
            deadline = self.invoke_deadline_s if invoke else self.activity_deadline_s
            done, _ = await asyncio.wait({turn}, timeout=deadline)
            if not done:
                _LOG.warning("turn over %.1f s (%s %s): continues in the background",
                             deadline, activity.type, activity.name or "")
                self.keep(turn)
                if invoke:
                    return web.json_response(_still_working())
                return web.Response(status=201)
            invoke_response = turn.result()
        if invoke_response is None:
            return web.Response(status=201)
        status = int(invoke_response.status or 200)
        if invoke_response.body is None:
            return web.Response(status=status)
        # The body was already serialized by ActivityHandler; serialize it once, not twice.
        text = json.dumps(invoke_response.body, default=_json_default)
        return web.Response(text=text, status=status, content_type="application/json")

    def keep(self, task: asyncio.Future[Any]) -> None:
        """Hold a turn that outlived its request until it ends (and log how it ended)."""
        if not hasattr(self, "_late"):
            self._late: set[asyncio.Future[Any]] = set()
        self._late.add(task)

        def finished(t: asyncio.Future[Any]) -> None:
            self._late.discard(t)
            if not t.cancelled() and t.exception() is not None:
                _LOG.error("late turn failed: %s", type(t.exception()).__name__)

        task.add_done_callback(finished)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait for turns that outlived their requests (app shutdown, tests)."""
        late = set(getattr(self, "_late", ()))
        if late:
            await asyncio.wait(late, timeout=timeout)


# An invoke whose turn is not done within Teams' 5 s: a message, not Teams' "Unable to reach".
def _still_working() -> dict[str, object]:
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
            "value": t("sdk_fixes.reply.jeg_jobber_fortsatt")}


async def _refresh_off_loop(self: Any) -> None:
    """Fetch OpenID signing keys in a worker thread, with a timeout, instead of on the loop."""

    def fetch() -> list[dict[str, Any]]:
        response = requests.get(self.url, timeout=_OPENID_TIMEOUT_S)
        response.raise_for_status()
        keys = requests.get(response.json()["jwks_uri"], timeout=_OPENID_TIMEOUT_S)
        keys.raise_for_status()
        return list(keys.json()["keys"])

    self.keys = await asyncio.to_thread(fetch)
    self.last_updated = datetime.now()


def apply_sdk_fixes() -> None:
    """Patch msrest and the SDK's auth once per process (idempotent); call at start-up."""
    policy: Any = msrest_requests.ClientRetryPolicy
    if not isinstance(policy.safe_codes, frozenset):
        # `i not in safe_codes` over a 502-item list, 999 times, twice per turn, was ~85 % of
        # a turn's CPU. Same members, same resulting status_forcelist.
        policy.safe_codes = frozenset(policy.safe_codes)
    jwt_token_extractor._OpenIdMetadata._refresh = _refresh_off_loop
    credentials: Any = MicrosoftAppCredentials
    if not getattr(credentials, "_faggruppe_timeout", False):
        credentials._MicrosoftAppCredentials__get_msal_app = _msal_app_with_timeout
        credentials._faggruppe_timeout = True


MSAL_TIMEOUT_S = (5.0, 10.0)  # (connect, read) for the reply path's token fetches


def _msal_app_with_timeout(self: Any) -> Any:
    """The SDK's MSAL app for reply tokens, with a timeout (it had none)."""
    if not self.app:
        from msal import ConfidentialClientApplication

        self.app = ConfidentialClientApplication(
            client_id=self.microsoft_app_id, client_credential=self.microsoft_app_password,
            authority=self.oauth_endpoint, timeout=MSAL_TIMEOUT_S)
    return self.app


def tenant_id_of(activity: Activity) -> str | None:
    """The tenant id of an incoming activity (the SDK drops Teams' conversation.tenantId)."""
    channel_data = activity.channel_data
    tenant = (
        channel_data.get("tenant")
        if isinstance(channel_data, dict)
        else getattr(channel_data, "tenant", None)
    )
    tenant_id = tenant.get("id") if isinstance(tenant, dict) else getattr(tenant, "id", None)
    if isinstance(tenant_id, str) and tenant_id:
        return tenant_id
    conversation = activity.conversation
    if conversation is None:
        return None
    extra = getattr(conversation, "additional_properties", None) or {}
    fallback = conversation.tenant_id or extra.get("tenantId")
    return fallback if isinstance(fallback, str) and fallback else None


def tenant_channel_data(tenant_id: str) -> dict[str, Any]:
    """channel_data for ConversationParameters so Teams knows the tenant of a new chat."""
    return {"tenant": {"id": tenant_id}}

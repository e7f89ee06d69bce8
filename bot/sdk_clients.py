"""Connector and user-token clients reused across turns instead of built for every turn.

CloudAdapter.process_activity builds a ConnectorClient (credentials, msrest pipeline, retry
policy) and a UserTokenClient for every activity: ~370 µs of CPU per turn, even for invokes
that answer in the HTTP body and never call out. The older BotFrameworkAdapter kept such a
cache itself. Authentication is untouched: every request is still validated before a turn
runs; only the outbound clients, which depend on nothing but the key below, are shared.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.cloud_adapter_base import CloudAdapterBase
from botbuilder.schema import Activity, DeliveryModes
from botframework.connector.auth import AuthenticateRequestResult
from botframework.connector.auth._built_in_bot_framework_authentication import (
    _BuiltinBotFrameworkAuthentication as _Builtin,
)

# Where FaggruppeBot leaves an invoke's answer (our key, not the SDK's private one).
INVOKE_RESPONSE = "faggruppe.invoke_response"
MAX_CLIENTS = 64  # in local mode serviceUrl is whatever the caller sends: keep the cache bounded
# msrest's default is a 100 s read timeout per try: a connector that accepts and never
# answers held a turn 200 s. (connect, read) for requests; the turn deadline does the rest.
CONNECT_TIMEOUT_S, READ_TIMEOUT_S = 5.0, 10.0
TIMEOUTS_S = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)
# The read timeout is per read: a connector that trickles a byte now and then never trips
# it. Each reply (post or PUT) as a whole gets this long (bot/middleware.py).
TOTAL_TIMEOUT_S = 20.0


def with_timeouts(client: Any, timeouts: tuple[float, float] = TIMEOUTS_S) -> Any:
    """(connect, read) timeouts on a botbuilder ConnectorClient (replies, TeamsInfo)."""
    client.config.connection.timeout = timeouts
    # A read timeout is not retried (a GET was, 3 times): one slow answer, not four.
    client.config.retry_policy.policy.read = 0
    return client


class ClientCache:
    """At most MAX_CLIENTS clients, least recently used dropped first.

    `timeouts` (connect, read) are set on every connector client made through it.
    """

    def __init__(self, max_clients: int = MAX_CLIENTS,
                 timeouts: tuple[float, float] = TIMEOUTS_S) -> None:
        self.max_clients = max_clients
        self.timeouts = timeouts
        self._clients: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    async def get(self, key: tuple[Any, ...], make: Callable[[], Awaitable[Any]]) -> Any:
        client = self._clients.get(key)
        if client is None:
            client = await make()
            self._clients[key] = client
            while len(self._clients) > self.max_clients:
                self._clients.popitem(last=False)
        self._clients.move_to_end(key)
        return client


def _factory_key(factory: Any) -> tuple[Any, ...] | None:
    """What a connector factory's clients depend on; None for factories we do not know."""
    names = ("_app_id", "_to_channel_from_bot_oauth_scope", "_login_endpoint",
             "_validate_authority", "_credential_factory", "_connector_client_configuration")
    if not all(hasattr(factory, name) for name in names):
        return None
    # The credential factory and configuration live as long as the adapter: id() is stable.
    return tuple(getattr(factory, n) if n.startswith(("_app", "_to", "_login", "_valid"))
                 else id(getattr(factory, n)) for n in names)


async def run_turn(adapter: CloudAdapterBase, cache: ClientCache, auth: AuthenticateRequestResult,
                   activity: Activity, logic: Callable[[TurnContext], Awaitable[Any]]) -> Any:
    """CloudAdapterBase.process_activity for an authenticated request, with reused clients."""
    activity.caller_id = auth.caller_id
    factory = auth.connector_factory
    if factory is None:
        raise RuntimeError("Unable to extract ConnectorClient from turn context.")
    key = _factory_key(factory)
    async def make() -> Any:
        return with_timeouts(await factory.create(activity.service_url, auth.audience),
                             cache.timeouts)

    connector = await (cache.get(("connector", *key, activity.service_url, auth.audience), make)
                       if key is not None else make())
    bfa = adapter.bot_framework_authentication
    identity = auth.claims_identity
    # The SDK's own UserTokenClient depends only on the app id (and the adapter's settings).
    user_tokens = await cache.get(("user_token", _Builtin.get_app_id(identity)),
                                  lambda: bfa.create_user_token_client(identity))
    context = adapter._create_turn_context(activity, identity, auth.audience, connector,
                                           user_tokens, logic, factory)
    await adapter.run_pipeline(context, logic)
    ours = context.turn_state.get(INVOKE_RESPONSE)
    if ours is not None and activity.delivery_mode != DeliveryModes.expect_replies:
        return ours
    # A stock ActivityHandler bot (the bench's echo bot, the SDK tests) answers the SDK's way.
    return adapter._process_turn_results(context)

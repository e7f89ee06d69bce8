"""What an activity's envelope must look like before a turn may run on it.

The SDK deserialises whatever arrives and the handlers then read `conversation.id`,
`from.aadObjectId` or `channelData.tenant.id` as if they were there: a null conversation, a
number as `from`, a list as `channelData` ended in tracebacks deep in a turn. Checked here
on the raw JSON, answered 400 BadArgument, and nothing is stored or sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

MAX_ID = 1024  # Teams ids are < 200 characters; generous, but bounded
MAX_URL = 2048
_ACCOUNT_FIELDS = ("id", "name", "aadObjectId", "role")
_OPTIONAL_STRINGS = ("id", "name", "text", "textFormat", "locale", "replyToId", "action",
                     "channelId", "summary", "inputHint", "timestamp", "localTimestamp")


def _account_problem(where: str, value: Any, *, required: bool) -> str | None:
    if value is None:
        return f"{where} is missing" if required else None
    if not isinstance(value, dict):
        return f"{where} must be an object"
    for name in _ACCOUNT_FIELDS:
        item = value.get(name)
        if item is not None and not isinstance(item, str):
            return f"{where}.{name} must be a string"
        if isinstance(item, str) and len(item) > MAX_ID:
            return f"{where}.{name} is too long"
    if required and not value.get("id"):
        return f"{where}.id is missing"
    return None


def service_url_problem(url: Any) -> str | None:
    """Why a serviceUrl cannot be called back, or None."""
    if not isinstance(url, str) or not url:
        return "serviceUrl is missing"
    if len(url) > MAX_URL:
        return "serviceUrl is too long"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a port out of range
    except ValueError:
        return "serviceUrl is not a URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "serviceUrl is not an http(s) URL"
    return None


def _id_object_problem(where: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        return f"{where} must be an object"
    ident = value.get("id")
    if ident is not None and not isinstance(ident, str):
        return f"{where}.id must be a string"
    return None


def _channel_data_problem(data: Any) -> str | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        return "channelData must be an object"
    for name in ("tenant", "team", "channel", "meeting", "eventType", "settings"):
        item = data.get(name)
        if name == "eventType":
            if item is not None and not isinstance(item, str):
                return "channelData.eventType must be a string"
        elif name == "settings":
            if item is not None and not isinstance(item, dict):
                return "channelData.settings must be an object"
        elif problem := _id_object_problem(f"channelData.{name}", item):
            return problem
    return None


def _list_of_objects(where: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return f"{where} must be a list of objects"
    return None


def problem(body: dict[str, Any]) -> str | None:
    """Why this activity must be refused before its turn (English, for the 400 body)."""
    kind = body.get("type")
    if not isinstance(kind, str) or not kind or len(kind) > 64:
        return "type is missing or not a string"
    for name in _OPTIONAL_STRINGS:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name} must be a string"
    if problem_ := service_url_problem(body.get("serviceUrl")):
        return problem_
    conversation = body.get("conversation")
    if not isinstance(conversation, dict):
        return "conversation is missing or not an object"
    conv_id = conversation.get("id")
    if not isinstance(conv_id, str) or not conv_id or len(conv_id) > MAX_ID:
        return "conversation.id is missing or not a string"
    for name in ("conversationType", "tenantId", "name"):
        value = conversation.get(name)
        if value is not None and not isinstance(value, str):
            return f"conversation.{name} must be a string"
    # Messages and card actions are answered as someone; other kinds are read without one.
    needs_sender = kind == "message" or (kind == "invoke"
                                         and body.get("name") == "adaptiveCard/action")
    if problem_ := _account_problem("from", body.get("from"), required=needs_sender):
        return problem_
    if problem_ := _account_problem("recipient", body.get("recipient"), required=False):
        return problem_
    if problem_ := _channel_data_problem(body.get("channelData")):
        return problem_
    for name in ("entities", "attachments"):
        if problem_ := _list_of_objects(name, body.get(name)):
            return problem_
    for name in ("membersAdded", "membersRemoved"):
        if problem_ := _list_of_objects(name, body.get(name)):
            return problem_
        for i, account in enumerate(body.get(name) or []):
            if problem_ := _account_problem(f"{name}[{i}]", account, required=True):
                return problem_
    return None

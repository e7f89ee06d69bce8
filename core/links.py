"""Signed, expiring links: one signer for every purpose (`ics`, later `minutes`, `mydata`).

A token names its purpose, subject, version, recipient and expiry, all under one HMAC, so a
link made for one purpose can never open another, and a changed field breaks the signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

PURPOSES = ("ics", "minutes", "mydata")


class LinkError(ValueError):
    """A link that is forged, broken, expired or meant for something else (Norwegian text)."""


@dataclass(frozen=True)
class Link:
    """What a valid token says."""

    purpose: str
    subject: int
    version: int
    recipient: str
    expires: int  # unix time


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class LinkSigner:
    """Signs and checks links with one key; `base_url` is where the links point."""

    key: bytes
    base_url: str

    def token(self, purpose: str, subject: int, expires: datetime, *, version: int = 0,
              recipient: str = "") -> str:
        """A token for exactly this purpose, subject, version and recipient."""
        if purpose not in PURPOSES:
            raise ValueError(f"unknown link purpose {purpose!r}")
        body = f"{purpose}|{subject}|{version}|{recipient}|{int(expires.timestamp())}"
        payload = _b64(body.encode())
        return f"{payload}.{self._sig(payload)}"

    # Cached: every invitation card carries its meeting's link, and a click redraws the card
    # (the HMAC and base64 were ~10 µs of it). One signer per process, so the cache is bounded.
    @lru_cache(maxsize=4096)  # noqa: B019
    def url(self, purpose: str, subject: int, expires: datetime, *, version: int = 0,
            recipient: str = "") -> str:
        """The full link: `<base>/<purpose>/<token>`."""
        token = self.token(purpose, subject, expires, version=version, recipient=recipient)
        return f"{self.base_url.rstrip('/')}/{purpose}/{token}"

    def check(self, purpose: str, token: str, now: datetime) -> Link:
        """The link a valid token for `purpose` names; LinkError otherwise."""
        invalid = LinkError("Lenken er ugyldig.")
        payload, _, sig = token.partition(".")
        if not payload or not sig or not hmac.compare_digest(sig, self._sig(payload)):
            raise invalid
        try:
            fields = _unb64(payload).decode().split("|")
        except (ValueError, UnicodeDecodeError):
            raise invalid from None
        if len(fields) != 5 or not all(f.isdigit() for f in (fields[1], fields[2], fields[4])):
            raise invalid
        link = Link(fields[0], int(fields[1]), int(fields[2]), fields[3], int(fields[4]))
        if link.purpose != purpose:
            raise LinkError("Lenken gjelder noe annet enn det den ble brukt til.")
        if link.expires < now.timestamp():
            raise LinkError("Lenken er utløpt. Bruk lenken i den nyeste meldingen.")
        return link

    def _sig(self, payload: str) -> str:
        return _b64(hmac.new(self.key, payload.encode(), hashlib.sha256).digest())

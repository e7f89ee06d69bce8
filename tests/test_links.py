"""The link signer: a link opens only what it was made for, and only until it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.links import LinkError, LinkSigner

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SIGNER = LinkSigner(b"k" * 32, "https://bot.example/")


def test_a_link_names_purpose_subject_version_recipient_and_expiry() -> None:
    token = SIGNER.token("minutes", 12, NOW + timedelta(days=1), version=3, recipient="m:7")
    link = SIGNER.check("minutes", token, NOW)
    assert (link.purpose, link.subject, link.version, link.recipient) == ("minutes", 12, 3, "m:7")
    assert SIGNER.url("ics", 12, NOW).startswith("https://bot.example/ics/")


@pytest.mark.parametrize(("made_for", "used_for"), [("ics", "minutes"), ("ics", "mydata"),
                                                    ("minutes", "ics"), ("mydata", "minutes")])
def test_a_link_for_one_purpose_never_opens_another(made_for: str, used_for: str) -> None:
    token = SIGNER.token(made_for, 12, NOW + timedelta(days=1))
    with pytest.raises(LinkError, match="noe annet"):
        SIGNER.check(used_for, token, NOW)


def test_changed_field_other_key_and_expiry_are_refused() -> None:
    token = SIGNER.token("ics", 12, NOW + timedelta(days=1))
    payload, sig = token.split(".")
    other = LinkSigner(b"x" * 32, "").token("ics", 12, NOW + timedelta(days=1))
    for bad in (other, f"{payload}x.{sig}", f"{payload}.{sig[:-1]}", "", "a.b.c"):
        with pytest.raises(LinkError, match="ugyldig"):
            SIGNER.check("ics", bad, NOW)
    with pytest.raises(LinkError, match="utløpt"):
        SIGNER.check("ics", token, NOW + timedelta(days=2))
    with pytest.raises(ValueError):
        SIGNER.token("everything", 1, NOW)

"""Calendar files (.ics) for a meeting, and the signed, expiring links that serve them."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.links import LinkSigner
from core.settings import Settings
from core.timefmt import to_oslo
from storage.db import session_scope
from storage.delivery import insert_ignore
from storage.meeting_models import Meeting, MeetingStatus
from storage.models import AppSecret

VALID_AFTER = timedelta(days=60)  # a link keeps working this long after the meeting


def signing_key(session: Session, settings: Settings) -> bytes:
    """ICS_SECRET; else derived from the app password; else one generated and kept in the DB."""
    if settings.ics_secret:
        return settings.ics_secret.encode()
    if settings.app_password:
        return hmac.new(settings.app_password.encode(), b"faggruppe-bot ics", "sha256").digest()
    insert_ignore(session, AppSecret, [{"name": "ics", "value": secrets.token_urlsafe(32),
                                        "created_at": datetime.now(UTC)}])
    row = session.get(AppSecret, "ics")
    return (row.value if row else "").encode()


def link_signer(engine: Engine, settings: Settings) -> LinkSigner:
    """The app's one link signer, from these settings (read once at start, then injected)."""
    with session_scope(engine) as session:
        key = signing_key(session, settings)
    base = settings.public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"
    return LinkSigner(key, base)


def link_for(links: LinkSigner, meeting: Meeting) -> str:
    """The meeting's calendar link (stable per meeting version); empty while it has no date."""
    end = meeting.ends_at or meeting.starts_at
    if end is None or meeting.id is None:
        return ""
    return links.url("ics", meeting.id, end + VALID_AFTER)


def calendar_bytes(meeting: Meeting, groups: str, agenda: list[tuple[int, str]],
                   uid: str = "", join_url: str = "") -> bytes:
    """One VEVENT in Europe/Oslo with its VTIMEZONE; SEQUENCE follows the meeting's version.

    With an Outlook event, its iCalUId is the UID, so a calendar sees one meeting, not two.
    """
    cal = Calendar()
    cal.add("prodid", "-//Osloregionen//Faggruppe-bot//NO")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", uid or f"meeting-{meeting.id}@faggruppe-bot")
    event.add("dtstamp", meeting.updated_at)
    event.add("sequence", meeting.version)
    event.add("summary", meeting.title)
    if meeting.starts_at:
        event.add("dtstart", to_oslo(meeting.starts_at))
    if meeting.ends_at:
        event.add("dtend", to_oslo(meeting.ends_at))
    if meeting.place:
        event.add("location", meeting.place)
    if join_url or meeting.online_url:
        event.add("url", join_url or meeting.online_url)
    lines = [groups] + (["", "Sakskart:"] + [f"{n}. {t}" for n, t in agenda] if agenda else [])
    if join_url:
        lines += ["", f"Bli med i Teams-møtet: {join_url}"]
    event.add("description", "\n".join(lines))
    if meeting.status == MeetingStatus.cancelled:
        event.add("status", "CANCELLED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()

"""Calendar files (.ics) for a meeting, and the signed, expiring links that serve them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event
from sqlmodel import Session

from core.settings import Settings, load_settings
from core.timefmt import to_oslo
from storage.delivery import insert_ignore
from storage.meeting_models import Meeting, MeetingStatus
from storage.models import AppSecret

VALID_AFTER = timedelta(days=60)  # a link keeps working this long after the meeting
_keys: dict[str, bytes] = {}


class LinkError(ValueError):
    """A link that is forged, broken or expired; the message is Norwegian."""


def signing_key(session: Session, settings: Settings) -> bytes:
    """ICS_SECRET; else derived from the app password; else one generated and kept in the DB."""
    if settings.ics_secret:
        return settings.ics_secret.encode()
    if settings.app_password:
        return hmac.new(settings.app_password.encode(), b"faggruppe-bot ics", "sha256").digest()
    where = str(session.get_bind().engine.url)
    if where not in _keys:
        insert_ignore(session, AppSecret, [{"name": "ics", "value": secrets.token_urlsafe(32),
                                            "created_at": datetime.now(UTC)}])
        row = session.get(AppSecret, "ics")
        _keys[where] = (row.value if row else "").encode()
    return _keys[where]


def _sig(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_token(key: bytes, meeting_id: int, expires: int) -> str:
    """'<id>.<expiry unix time>.<HMAC-SHA256>'."""
    return f"{meeting_id}.{expires}.{_sig(key, f'{meeting_id}.{expires}')}"


def check_token(key: bytes, token: str, now: datetime) -> int:
    """The meeting id a valid token names; LinkError otherwise."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        raise LinkError("Lenken til kalenderfilen er ugyldig.")
    if not hmac.compare_digest(parts[2], _sig(key, f"{parts[0]}.{parts[1]}")):
        raise LinkError("Lenken til kalenderfilen er ugyldig.")
    if int(parts[1]) < now.timestamp():
        raise LinkError("Lenken til kalenderfilen er utløpt. "
                        "Bruk lenken i den nyeste innkallingen.")
    return int(parts[0])


@lru_cache(maxsize=1)
def link_settings() -> Settings:
    """PUBLIC_URL and the key settings, read once (cards are built where no Deps reach)."""
    return load_settings()


def link_for(session: Session, meeting: Meeting, settings: Settings | None = None) -> str:
    """The meeting's calendar link (stable per meeting); empty while it has no date."""
    end = meeting.ends_at or meeting.starts_at
    if end is None or meeting.id is None:
        return ""
    settings = settings or link_settings()
    base = settings.public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"
    expires = int((end + VALID_AFTER).timestamp())
    return f"{base}/ics/{make_token(signing_key(session, settings), meeting.id, expires)}"


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

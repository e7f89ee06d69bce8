"""The status view from the database: answers per region, the silent, programme counts."""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session

from cards.invitation import ANSWER_LABELS
from cards.meeting_status import StatusView
from services import minutes
from services.invitations import when_text
from storage import rsvp as repo
from storage.meeting_models import Meeting, MeetingStatus
from storage.regions import region_names


def build_status_view(session: Session, meeting: Meeting, notice: str = "") -> StatusView:
    """Everything the secretariat wants to know about who is coming."""
    mid = meeting.id or 0
    people = repo.invitees(session, mid)
    given = repo.answers(session, mid)
    names = region_names(session)
    by_region: dict[str, list[str]] = defaultdict(list)
    answered_regions: set[str] = set()
    silent = []
    for m in people:
        region = names.get(m.region_id or -1) or m.organisation or "Uten region"
        row = given.get(m.id or 0)
        if row is None:
            silent.append(f"{m.name} ({region})")
            continue
        answered_regions.add(region)
        extra = f", stedfortreder {row.deputy_name}" if row.deputy_name else ""
        late = " (forfall etter fristen)" if row.late_cancellation else ""
        by_region[region].append(f"{m.name}: {ANSWER_LABELS[str(row.answer)]}{extra}{late}")
    regions = {names.get(m.region_id or -1) or m.organisation or "Uten region" for m in people}
    counts = repo.counts(session, mid)
    return StatusView(
        meeting_id=mid, title=meeting.title, when=when_text(meeting),
        sent=meeting.status in (MeetingStatus.invited, MeetingStatus.held), invited=len(people),
        counts={k: counts[k] for k in ANSWER_LABELS if k in counts},
        regions_answered=len(answered_regions), regions_total=len(regions),
        by_region=sorted(by_region.items()), silent=silent,
        items=[(i.what, n, diets) for i, n, diets in repo.item_counts(session, mid)],
        choices=[(m.id or 0, m.name) for m in people], notice=notice,
        cancelled=meeting.status == MeetingStatus.cancelled,
        followups=minutes.status_lines(session, mid))

"""`oppdatering TEKST`: a region's update for the round, written before the meeting."""

from __future__ import annotations

from sqlmodel import col, select

from bot.router import Router
from bot.turn import Turn
from cards.common import plain
from core.timefmt import date_long
from storage import audit
from storage.meeting_models import Meeting, MeetingGroup, MeetingStatus
from storage.models import Member, Membership, Region
from storage.regions import find_region
from storage.rounds import save_prewrite

MAX_UPDATE = 3000  # under the 4,000 a chat message may carry
USAGE = ("Skriv **oppdatering** og teksten, for eksempel «oppdatering Vi har fått ny "
         "næringssjef». Sekretariatet kan skrive for en region: «oppdatering Mosseregionen: …».")


def register(router: Router) -> None:
    """Add the command (members write for their own region)."""
    router.command("oppdatering", description="Skriv regionens oppdatering til runden før "
                   "møtet")(write_update)


def _next_meeting(turn: Turn, member: Member) -> Meeting | None:
    groups = select(Membership.group_id).where(Membership.member_id == member.id)
    query = (select(Meeting).join(MeetingGroup, col(MeetingGroup.meeting_id) == Meeting.id)
             .where(col(MeetingGroup.group_id).in_(groups), col(Meeting.ends_at).is_not(None),
                    Meeting.status != MeetingStatus.cancelled)
             .order_by(col(Meeting.starts_at)))
    now = turn.deps.clock.now()
    return next((m for m in turn.session.exec(query) if m.ends_at and m.ends_at >= now), None)


def _region(turn: Turn, text: str) -> tuple[Region | None, str]:
    """The secretariat may name a region before a colon; members write for their own."""
    member = turn.member
    assert member is not None
    head, sep, rest = text.partition(":")
    if turn.is_secretariat and sep:
        named = find_region(turn.session, head)
        if named is not None:
            return named, rest.strip()
    region = turn.session.get(Region, member.region_id) if member.region_id else None
    return region, text


async def write_update(turn: Turn) -> None:
    """Store the update for the member's (or named) region at the next meeting."""
    text = turn.text.split(" ", 1)[1].strip() if " " in turn.text else ""
    if turn.member is None or not text:
        await turn.say(USAGE)
        return
    region, text = _region(turn, text)
    if region is None or region.id is None:
        await turn.say("Du er ikke knyttet til en region ennå. Be sekretariatet om å legge "
                       "den inn, eller skriv oppdateringen under runden.")
        return
    if len(text) > MAX_UPDATE:
        await turn.say(f"Oppdateringen er for lang ({len(text)} tegn, maks {MAX_UPDATE}). "
                       "Ingenting er lagret.")
        return
    meeting = _next_meeting(turn, turn.member)
    if meeting is None or meeting.id is None or meeting.starts_at is None:
        await turn.say("Det er ikke planlagt noe møte for gruppen din ennå.")
        return
    save_prewrite(turn.session, meeting.id, region.id, text, turn.member.id,
                  turn.deps.clock.now())
    if turn.is_secretariat and region.id != turn.member.region_id:
        audit.record(turn.session, action="round.prewrite", target=region.name,
                     actor_member_id=turn.member.id, detail=str(meeting.id))
    await turn.say(f"Oppdateringen for {plain(region.name)} er lagret til «{plain(meeting.title)}» "
                   f"{date_long(meeting.starts_at)}. Den vises i runden.")

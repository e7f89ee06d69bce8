"""Teams meeting events: start, end, participants joining and leaving (shapes as Microsoft
documents them: start/end carry Id, JoinUrl, Title, StartTime or EndTime in `value`; join and
leave carry `value.members`, each with `user` and `meeting`)."""

from __future__ import annotations

import logging
from typing import Any

from bot.router import Router
from bot.turn import Turn
from services import online_meeting
from storage.meeting_models import Meeting

log = logging.getLogger(__name__)


def register(root: Router) -> None:
    """Add the four meeting events (no reply: Teams expects none)."""
    router = root.feature("meeting_events")
    router.on("meeting.start")(meeting_started)
    router.on("meeting.end")(meeting_ended)
    router.on("meeting.participant_join")(participants_joined)
    router.on("meeting.participant_leave")(participants_left)


def _value(turn: Turn) -> dict[str, Any]:
    return turn.activity.value if isinstance(turn.activity.value, dict) else {}


def _meeting(turn: Turn) -> Meeting | None:
    """The bot's meeting this event is about; an unknown one is logged (ids only) and left."""
    team = turn.channel_data.get("team")
    team_id = team.get("id") if isinstance(team, dict) else None
    link = _value(turn).get("JoinUrl")
    conversation = turn.activity.conversation.id if turn.activity.conversation else ""
    meeting = online_meeting.find_meeting(turn.session, conversation or "",
                                          str(team_id) if team_id else None,
                                          link if isinstance(link, str) else "",
                                          turn.deps.clock.now())
    if meeting is None:
        log.info("Møtehendelse %s for et møte boten ikke kjenner (samtale %.80s)",
                 turn.activity.name, conversation)
    return meeting


async def meeting_started(turn: Turn) -> None:
    """The meeting is under way."""
    meeting = _meeting(turn)
    if meeting is not None:
        online_meeting.started(turn.session, meeting, turn.deps.clock.now())


async def meeting_ended(turn: Turn) -> None:
    """The meeting is over: who is still in it leaves now; the attendance report is asked for."""
    meeting = _meeting(turn)
    if meeting is not None:
        online_meeting.ended(turn.session, meeting, turn.deps.clock.now(), turn.deps.settings)


def _bot_id(turn: Turn) -> str | None:
    return turn.activity.recipient.id if turn.activity.recipient else None


async def participants_joined(turn: Turn) -> None:
    """Everyone who joined is present (source «event»), their first join kept."""
    meeting = _meeting(turn)
    if meeting is not None:
        online_meeting.participants(turn.session, meeting, _value(turn).get("members"),
                                    _bot_id(turn), turn.deps.clock.now(), joining=True)


async def participants_left(turn: Turn) -> None:
    """Everyone who left: the time is recorded (a later leave replaces an earlier one)."""
    meeting = _meeting(turn)
    if meeting is not None:
        online_meeting.participants(turn.session, meeting, _value(turn).get("members"),
                                    _bot_id(turn), turn.deps.clock.now(), joining=False)

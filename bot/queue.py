"""`kø`: the secretariat sees the automated messages waiting, and cancels or moves them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.router import ActionData, Router
from bot.turn import Turn
from cards.queue import QueueRow, build_queue_card
from core.timefmt import OSLO, clock, date_long
from scheduler.store import QueueError, cancel_job, move_job, upcoming
from storage import audit
from storage import graph as graph_repo
from storage.delivery_models import ScheduledJob
from storage.meeting_models import Meeting

SHOWN = 20


class JobAction(BaseModel):
    verb: str
    job_id: int


class MoveAction(JobAction):
    model_config = ConfigDict(extra="allow")  # the row's inputs: date_<id>, time_<id>

    def picked(self) -> str:
        extra = self.model_extra or {}
        return f"{extra.get(f'date_{self.job_id}', '')} {extra.get(f'time_{self.job_id}', '')}"


def register(router: Router) -> None:
    """Add the queue command and its card actions (all for the secretariat)."""
    router.command("kø", "ko", description="Vis planlagte automatiske meldinger",
                   secretariat=True)(show_queue)

    @router.action("queue.show", ActionData, secretariat=True, button="Planlagte meldinger")
    async def _show(turn: Turn, _data: ActionData) -> dict | None:
        await show_queue(turn)
        return None

    @router.action("queue.cancel", JobAction, secretariat=True)
    async def _cancel(turn: Turn, data: JobAction) -> dict | None:
        await _change(turn, data.job_id, "queue.cancel",
                      lambda: cancel_job(turn.session, data.job_id, turn.deps.clock.now()))
        return None

    @router.action("queue.move", MoveAction, secretariat=True)
    async def _move(turn: Turn, data: MoveAction) -> dict | None:
        try:
            local = datetime.strptime(data.picked(), "%Y-%m-%d %H:%M")
        except ValueError:
            await turn.say("Ugyldig dato eller klokkeslett.")
            return None
        new_due = local.replace(tzinfo=OSLO)
        await _change(turn, data.job_id, "queue.move",
                      lambda: move_job(turn.session, data.job_id, new_due, turn.deps.clock.now()))
        return None


async def _change(turn: Turn, job_id: int, action: str,
                  change: Callable[[], ScheduledJob]) -> None:
    try:
        job = change()
    except QueueError as exc:
        await turn.say(str(exc)[:1].upper() + str(exc)[1:] + ".")
        return
    audit.record(turn.session, action=action, target=str(job_id),
                 actor_member_id=turn.member.id if turn.member else None,
                 detail=job.due_at.isoformat())
    await show_queue(turn)


async def show_queue(turn: Turn) -> None:
    """Reply with the queue card: soonest first, at most SHOWN rows."""
    jobs = upcoming(turn.session, SHOWN + 1)
    rows = [QueueRow(job.id or 0, f"{date_long(job.due_at)} kl. {clock(job.due_at)}",
                     job.due_at.astimezone(OSLO).strftime("%Y-%m-%d"),
                     job.due_at.astimezone(OSLO).strftime("%H:%M"), job.description)
            for job in jobs[:SHOWN]]
    card = build_queue_card(rows, more=max(0, len(jobs) - SHOWN),
                            given_up=given_up_lines(turn))
    await turn.send_card(card, f"{len(rows)} planlagte meldinger")


OPERATIONS = {"create": "opprett", "update": "endring", "update_text": "tekstendring",
              "cancel": "avlysning"}


def given_up_lines(turn: Turn) -> list[str]:
    """Graph calls that failed for good: the secretariat must see them, not only the log."""
    lines = []
    for call in graph_repo.given_up(turn.session):
        meeting = turn.session.get(Meeting, call.meeting_id)
        title = meeting.title if meeting else "?"
        lines.append(f"Møte {call.meeting_id} «{title}» "
                     f"({OPERATIONS.get(call.operation, call.operation)}): {call.last_error}")
    return lines

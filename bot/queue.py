"""`kø`: the secretariat sees the automated messages waiting, and cancels or moves them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.router import Router
from bot.turn import Turn
from cards.actions import QueueCancelAction, QueueMoveAction, QueueShowAction
from cards.queue import QueueRow, build_queue_card
from core.i18n import t, tn
from core.timefmt import OSLO, clock, day_short, span
from scheduler.store import QueueError, cancel_job, move_job, upcoming
from storage import audit
from storage import graph as graph_repo
from storage.delivery_models import ScheduledJob
from storage.meeting_models import Meeting

SHOWN = 20


def register(root: Router) -> None:
    """Add the queue command and its card actions (all for the secretariat)."""
    secretariat = root.feature("queue").secretariat()
    secretariat.command("kø", "ko", description=lambda: t("queue.reply.vis_planlagte_automatiske"),
                        )(show_queue)

    @secretariat.action(QueueShowAction, button=lambda: t("queue.planlagte_meldinger"))
    async def _show(turn: Turn, _data: QueueShowAction) -> None:
        await show_queue(turn)
        return None

    @secretariat.action(QueueCancelAction)
    async def _cancel(turn: Turn, data: QueueCancelAction) -> None:
        await _change(turn, data.job_id, data.verb,
                      lambda: cancel_job(turn.session, data.job_id, turn.deps.clock.now()))
        return None

    @secretariat.action(QueueMoveAction)
    async def _move(turn: Turn, data: QueueMoveAction) -> None:
        try:
            local = datetime.strptime(data.picked(), "%Y-%m-%d %H:%M")
        except ValueError:
            await turn.say(t("queue.reply.ugyldig_dato_eller"))
            return None
        new_due = local.replace(tzinfo=OSLO)
        await _change(turn, data.job_id, data.verb,
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
    rows = [QueueRow(job.id or 0, span(job.due_at),
                     job.due_at.astimezone(OSLO).strftime("%Y-%m-%d"),
                     job.due_at.astimezone(OSLO).strftime("%H:%M"), job.description,
                     t("queue.reply.dag_og_tid", day=day_short(job.due_at),
                       clock=clock(job.due_at)))
            for job in jobs[:SHOWN]]
    card = build_queue_card(rows, more=max(0, len(jobs) - SHOWN),
                            given_up=given_up_lines(turn), waiting=waiting_lines(turn))
    await turn.send_card(card, tn("queue.reply.planlagte_meldinger",
                                  "queue.reply.planlagte_meldinger_plural", len(rows)))


def operations() -> dict[str, str]:
    """Each kind of Graph call as the queue card names it."""
    return {"create": t("queue.reply.opprett"), "update": t("queue.reply.endring"),
            "update_text": t("queue.reply.tekstendring"),
            "cancel": t("queue.reply.avlysning"), "answers": t("queue.reply.outlook_svar"),
            "chatinstall": t("queue.reply.installasjon_i_motechatten"),
            "attendance": t("queue.reply.frammoterapport")}


def waiting_lines(turn: Turn) -> list[str]:
    """Graph calls that wait for a retry: what is not done yet, and when it is tried again."""
    lines = []
    for call in graph_repo.waiting(turn.session):
        meeting = turn.session.get(Meeting, call.meeting_id)
        lines.append(t("queue.reply.mote_venter", meeting_id=call.meeting_id,
                       title=meeting.title if meeting else "?",
                       operation=operations().get(call.operation, call.operation),
                       at=clock(call.next_attempt_at), last_error=call.last_error))
    return lines


def given_up_lines(turn: Turn) -> list[str]:
    """Graph calls that failed for good: the secretariat must see them, not only the log."""
    lines = []
    for call in graph_repo.given_up(turn.session):
        meeting = turn.session.get(Meeting, call.meeting_id)
        title = meeting.title if meeting else "?"
        lines.append(t("queue.reply.mote", meeting_id=call.meeting_id, title=title,
                       get=operations().get(call.operation,
                                            call.operation), last_error=call.last_error))
    return lines

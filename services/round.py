"""Round nudges: the scheduler decides (30 s left, time is up, auto-advance); a sender posts.

The job runs inside the scheduler's claiming transaction, so it only writes rows; the
network calls happen afterwards in RoundNudgeSender, never with a transaction open.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from delivery.round_card import summary
from domain import round as rm
from scheduler.store import Jobs, register, schedule
from storage import rounds
from storage.round_models import RoundNudge, TalkRound

log = logging.getLogger(__name__)
KIND = "round_nudge"
GRACE = timedelta(minutes=10)  # a nudge more than this late is pointless


def schedule_nudges(session: Session, rnd: TalkRound, now: datetime) -> None:
    """Two jobs for the current speaker: 30 s left, and time is up (keyed by step)."""
    deadline = rm.deadline(rounds.load_state(session, rnd))
    if deadline is None:
        return
    args: dict[str, Any] = {"round_id": rnd.id, "step": rnd.step}
    if rnd.seconds_per_speaker > rm.WARN_BEFORE.total_seconds():
        schedule(session, KIND, f"{rnd.id}:{rnd.step}:warn", {**args, "kind": "warn"},
                 deadline - rm.WARN_BEFORE, deadline + GRACE, now, "Runden: 30 sekunder igjen")
    schedule(session, KIND, f"{rnd.id}:{rnd.step}:end", {**args, "kind": "end"},
             deadline, deadline + GRACE, now, "Runden: tiden er ute")


def nudge(session: Session, now: datetime, *, round_id: int, step: int, kind: str) -> None:
    """Job handler: a nudge for a speaker still speaking; with auto-advance, move on."""
    rnd = session.get(TalkRound, round_id)
    if rnd is None or rnd.step != step or rnd.status != rm.RoundStatus.running:
        return  # the round moved on by hand: this speaker's nudges are void
    speaker = next((s for s in rounds.slots(session, round_id)
                    if s.state == rm.SlotState.speaking), None)
    label = speaker.label if speaker else "taleren"
    if kind == "warn":
        session.add(RoundNudge(round_id=round_id, text=f"30 sekunder igjen for {label}.",
                               created_at=now))
        return
    if not rnd.auto_advance:
        session.add(RoundNudge(round_id=round_id, text=f"Tiden er ute for {label}.",
                               created_at=now))
        return
    rnd, moved = rounds.move(session, round_id, step, rm.Move.next, now)
    if not moved or rnd is None:
        return
    after = next((s.label for s in rounds.slots(session, round_id)
                  if s.state == rm.SlotState.speaking), None)
    text = f"Tiden er ute for {label}. " + (f"Neste: {after}." if after else "Runden er ferdig.")
    session.add(RoundNudge(round_id=round_id, text=text, refresh_card=True, created_at=now))
    if rnd.status == rm.RoundStatus.finished:
        session.add(RoundNudge(round_id=round_id, text=summary(session, rnd), created_at=now))
    else:
        schedule_nudges(session, rnd, now)


def register_jobs(jobs: Jobs) -> None:
    """The round's scheduled job: the speaker's nudges."""
    register(jobs, KIND, nudge)

"""What a handler gets for one turn: the activity, a DB session, the member, deps."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.sdk_clients import TOTAL_TIMEOUT_S
from cards.common import CONTENT_TYPE
from core.clock import Clock
from core.i18n import Lang, current_language, set_language
from core.links import LinkSigner
from core.settings import Settings
from domain.throttle import MessageThrottle
from storage.models import Member, Role

if TYPE_CHECKING:
    from bot.router import Router

log = logging.getLogger(__name__)


@dataclass
class LookupBackoff:
    """Profile look-ups that Teams refused: not asked again on every turn for a while."""

    pause: timedelta = timedelta(minutes=10)
    _failed: dict[str, datetime] = field(default_factory=dict)

    def failed(self, aad: str, now: datetime) -> None:
        if len(self._failed) > 10_000:  # bounded: a flood of strangers cannot grow it forever
            self._failed.clear()
        self._failed[aad] = now

    def recently_failed(self, aad: str, now: datetime) -> bool:
        at = self._failed.get(aad)
        return at is not None and now - at < self.pause


class BackgroundTasks:
    """Work that leaves the request (a team's roster sync): held until done, drained at stop."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, Any], what: str) -> None:
        """Run `work` after the request; failures are logged, never raised into a turn."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)

        def finished(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("background %s failed: %s", what, type(t.exception()).__name__)

        task.add_done_callback(finished)

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for everything spawned so far (shutdown, tests)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks and (left := deadline - loop.time()) > 0:
            await asyncio.wait(set(self._tasks), timeout=left)


@dataclass
class Deps:
    """Process-wide dependencies, passed in (never module globals)."""

    settings: Settings
    engine: Engine
    clock: Clock
    router: Router
    links: LinkSigner
    lookups: LookupBackoff = field(default_factory=LookupBackoff)
    known_senders: set[str] = field(default_factory=set)  # AAD ids seen linked to a member
    throttle: MessageThrottle = field(default_factory=MessageThrottle)
    background: BackgroundTasks = field(default_factory=BackgroundTasks)
    reply_total_s: float = TOTAL_TIMEOUT_S  # one reply to the Bot Connector, as a whole


# Stores what a posted reply needs kept (its activity id) in a short transaction after the send.
OnSent = Callable[[Session, str | None], None]


@dataclass
class Outgoing:
    """A reply waiting for the turn's commit: posted here, or PUT over `activity.id`."""

    activity: Activity
    on_sent: OnSent | None = None  # gets the new id; None when the post failed
    update: bool = False


@dataclass
class Turn:
    """One unit of work: handlers read and write `session` and queue replies; the middleware
    commits, then sends the replies (and a second short transaction stores their ids)."""

    context: TurnContext
    deps: Deps
    session: Session = field(default=None)  # type: ignore[assignment]  # set by middleware
    member: Member | None = None
    profile: dict[str, Any] | None = None  # a first contact's Teams profile, fetched first
    text: str = ""
    invoke_response: InvokeResponse | None = None
    outbox: list[Outgoing] = field(default_factory=list)
    fetched: dict[str, Any] = field(default_factory=dict)  # Teams look-ups made beforehand

    @property
    def activity(self) -> Activity:
        return self.context.activity

    @property
    def lang(self) -> Lang:
        """The language of this turn's replies and cards (core.i18n's context)."""
        return current_language()

    @lang.setter
    def lang(self, value: Lang) -> None:
        set_language(value)

    @property
    def is_invoke(self) -> bool:
        """Action.Execute (an invoke answered in the HTTP body), not a message."""
        return self.context.activity.type == ActivityTypes.invoke

    @property
    def is_secretariat(self) -> bool:
        """The role as stored now: checked on the server every time."""
        m = self.member
        return bool(m and m.active and m.role == Role.secretariat)

    @property
    def channel_data(self) -> dict[str, Any]:
        data = self.activity.channel_data
        return data if isinstance(data, dict) else {}

    def end_reads(self) -> None:
        """Before a handler's network wait (a Teams look-up) and before its own writes: end the
        transaction, so no lock is held across the await (SQLite's lock blocks every turn).

        Only what came before the handler (the identity link) can be committed here; pending
        ORM changes mean the handler already wrote, and committing them early would split it.
        """
        s = self.session
        if s is not None:
            if s.new or s.dirty or s.deleted:
                raise RuntimeError("end_reads after a write: the turn would commit half its work")
            s.commit()

    async def say(self, text: str) -> None:
        """A plain text reply in the current conversation, sent after the commit."""
        self.outbox.append(Outgoing(MessageFactory.text(text)))

    async def send_card(self, card: dict[str, Any], text: str,
                        on_sent: OnSent | None = None) -> None:
        """A card with a short text beside it (a phone notification says something)."""
        self.outbox.append(Outgoing(card_message(card, text), on_sent))

    def update_card(self, activity_id: str, card: dict[str, Any], text: str) -> None:
        """Redraw a card already posted in this conversation, after the commit."""
        message = card_message(card, text)
        message.id = activity_id
        self.outbox.append(Outgoing(message, update=True))


def card_message(card: dict[str, Any], text: str) -> Activity:
    """A message activity carrying one Adaptive Card and a notification text."""
    return Activity(
        type=ActivityTypes.message,
        text=text,
        summary=text,
        attachments=[Attachment(content_type=CONTENT_TYPE, content=card)],
    )

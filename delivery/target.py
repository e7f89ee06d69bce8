"""Where a member's 1:1 message goes: a stored personal chat, or one to create first."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.conversations import RefData, personal_ref_for, upsert_ref
from storage.models import ConversationKind, ConversationRef, Member


@dataclass(frozen=True)
class Target:
    service_url: str
    tenant_id: str | None
    bot_id: str
    conversation_id: str | None  # None: create the 1:1 chat first
    user_id: str | None = None

    @property
    def limit_key(self) -> str:
        return f"conv:{self.conversation_id or self.user_id}"


def resolve(session: Session, member_id: int, app_id: str) -> Target | None:
    """The member's personal chat, or what is needed to create it; None when unknown."""
    member = session.get(Member, member_id)
    if member is None:
        return None
    ref = personal_ref_for(session, member_id)
    if ref is not None:
        return Target(ref.service_url, ref.tenant_id or member.tenant_id,
                      ref.bot_id or app_id or "bot", ref.conversation_id, member.teams_user_id)
    if not member.teams_user_id:
        return None
    # The bot knows the user (from a team roster) but has no 1:1 chat: any installed
    # reference in the same tenant gives the service URL to create one.
    query = select(ConversationRef).where(ConversationRef.installed == True)  # noqa: E712
    if member.tenant_id:
        query = query.where(ConversationRef.tenant_id == member.tenant_id)
    other = session.exec(query.order_by(col(ConversationRef.installed_at).desc())).first()
    if other is None:
        return None
    return Target(other.service_url, member.tenant_id or other.tenant_id,
                  other.bot_id or app_id or "bot", None, member.teams_user_id)


def remember_chat(session: Session, member_id: int, target: Target, conversation_id: str,
                  now: datetime) -> None:
    """Store a newly created 1:1 chat so the next message goes straight to it."""
    member = session.get(Member, member_id)
    upsert_ref(session, RefData(conversation_id, ConversationKind.personal, target.service_url,
                                target.tenant_id, bot_id=target.bot_id,
                                user_aad_object_id=member.aad_object_id if member else None),
               now, member_id=member_id)


def set_reachable(session: Session, member_id: int, reachable: bool) -> None:
    """Flip Member.reachable only when it changes (a no-op write is still a write)."""
    session.execute(update(Member).where(col(Member.id) == member_id,
                                         col(Member.reachable) == (not reachable))
                    .values(reachable=reachable))


# Workers alive in this process. An owner with our pid that is not here belongs to an
# earlier process that had the same pid (pids are reused after a crash, often in containers).
_LIVE_HERE: set[str] = set()


def owner_id() -> str:
    """host:pid:nonce — lets a restarted process on the same host see that an owner died."""
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    _LIVE_HERE.add(owner)
    return owner


def release_owner(owner: str) -> None:
    """The worker has stopped: from now on its leftover rows are fair game."""
    _LIVE_HERE.discard(owner)


def dead_local_owners(owners: list[str], me: str) -> list[str]:
    """Owners on this host whose process is gone (a pid reused by someone else is 'alive')."""
    host = socket.gethostname()
    dead = []
    for owner in owners:
        parts = owner.rsplit(":", 2)
        if len(parts) != 3 or parts[0] != host or owner == me:
            continue
        pid = int(parts[1]) if parts[1].isdigit() else -1
        # Two workers may share a process (an app and a send-out it runs): never steal
        # from a live one here, or a row being sent would be sent again.
        if (owner not in _LIVE_HERE) if pid == os.getpid() else not _alive(pid):
            dead.append(owner)
    return dead


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False  # never signal a process group
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

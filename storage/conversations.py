"""Conversation references: where the bot may write later, and whether it still may."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from storage.delivery import insert_ignore
from storage.models import ConversationKind, ConversationRef, Member

# Every turn asks both, so one statement, built once (composing it cost more than running it).
# The stored service URL (None: no reference yet), so a changed one is noticed on every turn.
_STORED_URL = (select(ConversationRef.service_url)
               .where(col(ConversationRef.conversation_id) == bindparam("conv"))
               .limit(1).scalar_subquery().label("stored_url"))
_MEMBER_AND_KNOWN = select(Member, _STORED_URL).where(Member.aad_object_id == bindparam("aad"))
_ONLY_KNOWN = select(_STORED_URL)


@dataclass(frozen=True)
class RefData:
    conversation_id: str
    kind: ConversationKind
    service_url: str
    tenant_id: str | None = None
    team_id: str | None = None
    channel_id: str | None = None
    bot_id: str | None = None
    user_aad_object_id: str | None = None


def get_ref(session: Session, conversation_id: str) -> ConversationRef | None:
    """The stored reference for one conversation id."""
    return session.exec(
        select(ConversationRef).where(ConversationRef.conversation_id == conversation_id)
    ).first()


def upsert_ref(session: Session, data: RefData, now: datetime,
               member_id: int | None = None) -> tuple[ConversationRef, bool]:
    """Store or refresh a reference; True when this is a new or renewed installation."""
    ref = get_ref(session, data.conversation_id)
    created = False
    if ref is None:
        # Two first turns in a new chat at once (a double click): one row, one of them new.
        created = insert_ignore(session, ConversationRef, [{
            "conversation_id": data.conversation_id, "kind": data.kind.value,
            "service_url": data.service_url, "installed": True, "installed_at": now}]) == 1
        ref = session.exec(select(ConversationRef).where(
            ConversationRef.conversation_id == data.conversation_id)
            .execution_options(populate_existing=True)).one()
    fresh = created or not ref.installed
    for name in ("service_url", "tenant_id", "team_id", "channel_id", "bot_id",
                 "user_aad_object_id"):
        value = getattr(data, name)
        if value:
            setattr(ref, name, value)
    if member_id is not None:
        ref.member_id = member_id
    if fresh:
        ref.installed, ref.installed_at, ref.removed_at = True, now, None
    session.add(ref)
    session.flush()
    return ref, fresh


def mark_removed(session: Session, conversation_id: str, now: datetime) -> ConversationRef | None:
    """Record an uninstall or removal; the row stays for the history."""
    ref = get_ref(session, conversation_id)
    if ref is not None and ref.installed:
        ref.installed, ref.removed_at = False, now
        session.add(ref)
    return ref


def personal_ref_for(session: Session, member_id: int) -> ConversationRef | None:
    """The member's 1:1 chat with the bot, if it is installed."""
    return session.exec(
        select(ConversationRef).where(
            ConversationRef.member_id == member_id,
            ConversationRef.kind == ConversationKind.personal,
            ConversationRef.installed == True,  # noqa: E712
        )
    ).first()


def member_and_known(session: Session, aad_object_id: str | None,
                     conversation_id: str) -> tuple[Member | None, str | None]:
    """The member with this AAD id (if any), and the conversation's stored service URL
    (None: the conversation is not stored)."""
    if aad_object_id:
        row = session.exec(_MEMBER_AND_KNOWN,
                           params={"aad": aad_object_id, "conv": conversation_id}).first()
        if row is not None:
            return row[0], row[1]
    return None, session.exec(_ONLY_KNOWN, params={"conv": conversation_id}).one()


def follow_service_url(session: Session, conversation_id: str, service_url: str) -> None:
    """Point a stored reference at the service URL its latest activity came from."""
    session.execute(update(ConversationRef)
                    .where(col(ConversationRef.conversation_id) == conversation_id,
                           col(ConversationRef.service_url) != service_url)
                    .values(service_url=service_url))

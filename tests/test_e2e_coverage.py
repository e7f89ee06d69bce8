"""«dekning» over HTTP: the secretariat gets the «Dekning» card (all groups, or one by name,
in their language); a member is refused, and the refusal is audited."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.db import session_scope
from storage.models import AuditEntry, Member, Role
from tests.cli_support import GROUP
from tests.harness import ANNE_AAD, card_of, card_text
from tests.test_coverage_reminder import seed


def _anne(bot, role: Role, language: str | None = None) -> None:
    """Anne Feltman (seed 000, Asker - Bærum) is the one writing, with this role."""
    with session_scope(bot.engine) as s:
        anne = s.exec(select(Member).where(Member.name == "Anne Feltman")).one()
        anne.aad_object_id, anne.role, anne.language = ANNE_AAD, role, language
        s.add(anne)


async def _say(bot, text: str) -> str:
    before = len(bot.connector.sent())
    status, _ = await bot.send("personal_message", text=text)
    assert status in (200, 201)
    sent = bot.connector.sent()[before:]
    assert len(sent) == 1
    return card_text(card_of(sent[0])) if sent[0].get("attachments") else sent[0]["text"]


async def test_the_secretariat_sees_each_groups_coverage_on_the_card(bot) -> None:
    seed(bot.engine)  # Trine Knobel (Gardermoregionen) deactivated
    _anne(bot, Role.secretariat)
    text = await _say(bot, "dekning")
    assert "Dekning av delregionene" in text and GROUP in text
    assert "⚠ 15 av 16 delregioner har et aktivt medlem" in text
    assert "⚠ Mangler aktivt medlem: Gardermoregionen" in text
    assert "⚠ Bare én person:" in text and "Ringerike – 1 (Ringerike)" in text
    # Anne is the secretariat now: Asker og Bærum has the three others.
    assert "Asker og Bærum – 3 (Asker - Bærum)" in text
    assert "Oslo – 6 (Oslo Business Region og Oslo kommune)" in text
    assert "Øyvind" not in text and "Knobel" not in text, "no one is named"
    named = await _say(bot, f"dekning {GROUP.upper()}")
    assert "15 av 16" in named
    unknown = await _say(bot, "dekning Plan og bygg")
    assert unknown == f"Fant ingen faggruppe «Plan og bygg». Faggruppene: {GROUP}."


async def test_the_card_is_in_the_secretariat_members_language(bot) -> None:
    seed(bot.engine, missing=None)
    _anne(bot, Role.secretariat, "nn")
    text = await _say(bot, "dekning")
    assert "Dekning av delregionane" in text
    assert "✓ 16 av 16 delregionar har eit aktivt medlem" in text
    assert "Manglar" not in text


async def test_a_member_is_refused_and_the_refusal_is_audited(bot) -> None:
    seed(bot.engine)
    _anne(bot, Role.member)
    text = await _say(bot, "dekning")
    assert "Dekning" not in text and "sekretariatet" in text
    with Session(bot.engine) as s:
        refused = s.exec(select(AuditEntry).where(AuditEntry.outcome == "refused")).all()
        assert [r.actor_aad_object_id for r in refused] == [ANNE_AAD]

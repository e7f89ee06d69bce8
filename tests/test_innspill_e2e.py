"""Innspill end to end over HTTP: seed members, six areas, fully anonymous, votes, export.
One claim per test, so a failure names what broke."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlmodel import Session, select

from cli import CliContext, main
from core.settings import Settings
from storage import innspill as repo
from storage.delivery_models import Delivery, ScheduledJob
from storage.innspill_models import InnspillEntry, InnspillParticipant, InnspillSession
from storage.models import AuditEntry, Member
from tests.harness import card_text
from tests.innspill_support import SECRETARIAT_AAD, SIX, aad, held_of, invoke, populate, say
from tests.meeting_cards_support import until

SEC = SECRETARIAT_AAD
# Twelve pick innovation (3 sub-groups of 4), the rest spread over the other five.
PICKS = [SIX[5]] * 12 + [SIX[i % 5] for i in range(28)]


async def _open(bot, **overrides):
    form = {"questions": "Hvilke 3–4 utfordringer bør regionen fokusere på?",
            "areas": "\n".join(SIX), "max_entries": "3", "group_size": "4", "votes": "3",
            "anonymity": "full", "results": "live", "target": "direct",
            "deadline_date": "2026-11-27", "deadline_time": "16:00", **overrides}
    return await invoke(bot, SEC, "innspill.open", **form)


async def _session_id(bot) -> int:
    await _open(bot)
    with Session(bot.engine) as s:
        return s.exec(select(InnspillSession)).one().id or 0


async def _write(bot, sid: int, count: int) -> dict[int, str]:
    """Members 0…count-1 pick their area and write one entry; their cards' tokens."""
    held = {}
    for i in range(count):
        card = await invoke(bot, aad(i), "innspill.area", session=sid, area=PICKS[i])
        assert "Du er med i gruppen" in card_text(card)
        card = await invoke(bot, aad(i), "innspill.submit", session=sid, question="0",
                            text=f"Utfordring {i}: {PICKS[i].lower()}", held="")
        assert "Takk! Innspillet ditt er sendt inn (1 av 3)" in card_text(card)
        held[i] = held_of(card)
    return held


async def test_opening_writes_one_to_one_to_every_member_and_schedules_reminder_and_close(bot):
    ids = populate(bot.engine)
    await say(bot, SEC, "innspill")
    assert "Nytt innspill" in card_text(bot.connector.sent()[-1]["attachments"][0]["content"])
    admin = await _open(bot)
    assert "Innspillet er åpnet" in card_text(admin)
    with Session(bot.engine) as s:
        sid = s.exec(select(InnspillSession)).one().id
        rows = s.exec(select(Delivery).where(Delivery.subject == f"innspill:{sid}")).all()
        assert {r.member_id for r in rows} == set(ids), "1:1 to every member of the group"
        jobs = {j.kind for j in s.exec(select(ScheduledJob))}
        assert {"innspill_reminder", "innspill_close"} <= jobs


async def test_forty_picks_make_groups_of_four_with_each_municipality_spread(bot):
    populate(bot.engine)
    sid = await _session_id(bot)
    for i, area in enumerate(PICKS):
        card = await invoke(bot, aad(i), "innspill.area", session=sid, area=area)
        assert "Du er med i gruppen" in card_text(card)
    with Session(bot.engine) as s:
        placed = repo.placements(s, s.exec(select(InnspillSession)).one())
        orgs = {m.id: m.organisation for m in s.exec(select(Member))}
    sizes = Counter((p.area, p.subgroup) for p in placed.values())
    assert max(sizes.values()) <= 4
    assert sorted(n for (a, _), n in sizes.items() if a == SIX[5]) == [4, 4, 4]
    by_area_org: dict[tuple[str, str], list[int]] = defaultdict(list)
    for mid, p in placed.items():
        by_area_org[(p.area, orgs[mid])].append(p.subgroup)
    for (area, _org), groups in by_area_org.items():
        n_sub = max(p.subgroups for p in placed.values() if p.area == area)
        assert len(set(groups)) == min(len(groups), n_sub), "same municipality lands apart"


async def test_own_entries_added_edited_and_deleted_through_the_tokens_in_the_card(bot):
    populate(bot.engine, 2)
    sid = await _session_id(bot)
    held = await _write(bot, sid, 1)
    card = await invoke(bot, aad(0), "innspill.submit", session=sid, question="0",
                        text="Andre innspill", held=held[0])
    held[0] = held_of(card)
    assert held[0].count(":") == 2 and "Andre innspill" in card_text(card)
    first_id, second_id = (int(part.split(":")[0]) for part in held[0].split(","))
    card = await invoke(bot, aad(0), "innspill.edit", session=sid, entry=first_id,
                        text="Endret: mangel på fagarbeidere", held=held[0])
    assert "Endringen er lagret" in card_text(card)
    card = await invoke(bot, aad(0), "innspill.delete", session=sid, entry=second_id,
                        held=held[0])
    assert "Innspillet er slettet" in card_text(card) and "Andre innspill" not in card_text(card)
    with Session(bot.engine) as s:
        texts = list(s.exec(select(InnspillEntry.text)))
        assert texts == ["Endret: mangel på fagarbeidere"]
        counted = s.exec(select(InnspillParticipant.entries)
                         .where(InnspillParticipant.entries > 0)).all()
        assert counted == [1], "the delete counted the writer down"


async def test_another_member_cannot_edit_an_entry_whatever_the_card_data_claims(bot):
    populate(bot.engine, 2)
    sid = await _session_id(bot)
    held = await _write(bot, sid, 2)
    first_id = int(held[0].split(":")[0])
    card = await invoke(bot, aad(1), "innspill.edit", session=sid, entry=first_id,
                        text="kapret", held=held[1] + f",{first_id}:forfalsketoken123")
    assert "ikke ditt" in card_text(card) and "kapret" in card_text(card)
    with Session(bot.engine) as s:
        assert s.get(InnspillEntry, first_id).text == "Utfordring 0: innovasjon"  # type: ignore


async def test_fully_anonymous_entries_and_the_audit_name_no_writer(bot):
    populate(bot.engine, 4)
    sid = await _session_id(bot)
    await _write(bot, sid, 4)
    with Session(bot.engine) as s:
        entries = s.exec(select(InnspillEntry)).all()
        assert len(entries) == 4
        assert all(e.author_member_id is None and e.organisation == "" for e in entries)
        assert all(str(aad(0)) not in a.detail + a.target for a in s.exec(select(AuditEntry)))


async def test_close_redraws_the_shared_card_at_once_and_a_late_submit_keeps_its_text(bot):
    populate(bot.engine, 2)
    sid = await _session_id(bot)
    held = await _write(bot, sid, 2)
    admin = await invoke(bot, SEC, "innspill.close", session=sid)
    assert "Innspillet er stengt" in card_text(admin)
    # A status change is due at once: the sender redraws the live card without waiting.
    await until(lambda: any(c.method == "PUT" for c in bot.connector.calls))
    card = await invoke(bot, aad(1), "innspill.submit", session=sid, question="0",
                        text="For sent", held=held[1])
    assert "stengt" in card_text(card) and "For sent" in card_text(card)


async def test_dot_votes_stop_at_the_limit_and_the_export_and_list_show_them(bot, capsys):
    ids = populate(bot.engine, 4)
    sid = await _session_id(bot)
    held = await _write(bot, sid, 4)
    first_id = int(held[0].split(":")[0])
    await invoke(bot, SEC, "innspill.close", session=sid)
    await invoke(bot, SEC, "innspill.vote_start", session=sid)
    for voter in range(3):
        for _ in range(3):
            await invoke(bot, aad(voter), "innspill.cast", session=sid, entry=first_id)
    card = await invoke(bot, aad(0), "innspill.cast", session=sid, entry=first_id)
    assert "brukt alle 3" in card_text(card)
    await invoke(bot, SEC, "innspill.finish", session=sid)
    with Session(bot.engine) as s:
        assert s.exec(select(InnspillEntry.votes).where(InnspillEntry.id == first_id)).one() == 9
        used = s.exec(select(InnspillParticipant.votes_used)
                      .where(InnspillParticipant.member_id == ids[0])).one()
        assert used == 3

    ctx = CliContext(settings=Settings.model_validate({"DATABASE_URL": str(bot.engine.url)}),
                     engine=bot.engine)
    assert main(["export", "innspill", str(sid), "--format", "csv"], ctx) == 0
    csv_out = capsys.readouterr().out.splitlines()
    assert csv_out[0] == "gruppe,tema,innspill,stemmer,kommune"
    assert len(csv_out) == 5
    assert csv_out[1].startswith(f"{SIX[5]},")
    assert any(line.endswith(",9,") and "Utfordring 0" in line for line in csv_out)
    assert main(["innspill", "list"], ctx) == 0
    listing = capsys.readouterr().out.splitlines()
    # Not a terminal: no header row, the session's row first.
    assert listing[0].startswith(f"{sid}\tHvilke 3–4") and listing[0].endswith("avsluttet\t4\t4")

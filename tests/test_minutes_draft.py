"""The referat draft built from seed 003 in the database: the Markdown section by section
against the expected file, the Word file read back with python-docx, and both agreeing on
headings and table rows (markdown-it-py parses the Markdown)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

import docx
from markdown_it import MarkdownIt
from sqlmodel import Session

from core.clock import FrozenClock
from domain.minutes_draft import Sort
from services.minutes_draft import build_draft, render_docx, render_markdown
from tests.minutes_draft_support import ATTENDEES, FIXTURES, GROUP, setup_seed003

EXPECTED = (FIXTURES / "seed003_minutes_draft.md").read_text(encoding="utf-8")
WRITTEN = FrozenClock(datetime(2022, 5, 20, 10, 0, tzinfo=UTC))


def _sections(text: str) -> dict[str, str]:
    """The Markdown cut at every «## » heading, by heading."""
    parts = re.split(r"^(?=## )", text, flags=re.M)
    return {p.split("\n", 1)[0]: p for p in parts}


def _draft(engine, **kw):
    seed = setup_seed003(engine)
    with Session(engine) as s:
        return seed, build_draft(s, seed.meeting_id, clock=WRITTEN, **kw)


def test_seed003_markdown_matches_the_expected_minutes_section_by_section(engine) -> None:
    _, draft = _draft(engine)
    got, want = _sections(render_markdown(draft)), _sections(EXPECTED)
    assert list(got) == list(want)
    for heading in want:
        assert got[heading] == want[heading], heading


def test_seed003_frammotte_lists_its_20_attendees_by_region_and_the_secretariat_apart(
        engine) -> None:
    _, draft = _draft(engine)
    names = [p.name for p in draft.attendance.present]
    assert sorted(names) == sorted(name for name, _ in ATTENDEES)
    assert names[:2] == ["Anne Kristine Feltman", "Asbjørn Flo"], "Asker - Bærum first"
    assert draft.attendance.secretariat == ("Øyvind Såtvedt", "Mari Strømsvåg", "Eva Næss Karlsen")
    assert draft.attendance.regrets == ("Guri Forfall",)


def test_frammotte_sorts_by_name_or_arrival_when_asked(engine) -> None:
    seed = setup_seed003(engine)
    with Session(engine) as s:
        by_name = build_draft(s, seed.meeting_id, sort=Sort.name, clock=WRITTEN)
        by_arrival = build_draft(s, seed.meeting_id, sort="arrival", clock=WRITTEN)
    assert [p.name for p in by_name.attendance.present][:2] == ["Anne Kristine Feltman",
                                                                 "Arve Magne Vannebo"]
    assert [p.name for p in by_arrival.attendance.present] == [n for n, _ in ATTENDEES]


def test_seed003_round_goes_under_item_7_with_the_four_updates_and_follo_absent(engine) -> None:
    _, draft = _draft(engine)
    item7 = draft.items[6]
    assert item7.number == 7 and len(item7.rounds) == 1 and not draft.rounds
    assert [u.region for u in item7.rounds[0].updates] == ["Mosseregionen", "Asker - Bærum",
                                                          "Søndre Viken", "Drammensregionen"]
    assert item7.rounds[0].absent == ("Follo",)


def test_seed003_future_events_are_the_five_within_twelve_months_with_their_marks(
        engine) -> None:
    _, draft = _draft(engine)
    assert [(e.title[:12], str(e.mark)) for e in draft.future] == [
        ("Webinar: Dig", "cancelled"), ("BEST-konfera", ""), ("Arendalsuka", "tba"),
        ("Felles faggr", "tba"), ("studietur ti", "tbc")]
    text = render_markdown(draft)
    assert text.count("## Fremtidige arrangementer") == 0, "under item 9, not printed twice"
    assert "### 9. Fremtidige arrangementer\n\n1. 25\\. mai – Webinar" in text
    assert text.count("Eventuelt") == 1 and "### 10. Eventuelt\n\nIngen saker" in text


def test_named_input_shows_names_never_the_hidden_entry_and_the_merged_one_once(engine) -> None:
    _, draft = _draft(engine)
    (section,) = draft.items[5].inputs
    entries = [(g.heading, e.text, e.author) for g in section.groups for e in g.entries]
    assert entries == [("Kompetanse", "Horisont Europa for klynger", "Eva Snare"),
                       ("Infrastruktur", "CEF Transport for ladestasjoner", "Torstein Brandrud")]


def _style(paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


def test_input_of_a_session_that_is_not_named_carries_no_names(engine) -> None:
    from domain.innspill import Anonymity
    from storage.innspill_models import InnspillSession

    seed = setup_seed003(engine)
    with Session(engine) as s:
        sess = s.get(InnspillSession, seed.innspill_id)
        assert sess is not None
        sess.anonymity = Anonymity.members  # authors stored, shown to the secretariat only
        s.add(sess)
        s.commit()
        draft = build_draft(s, seed.meeting_id, clock=WRITTEN)
    (section,) = draft.items[5].inputs
    assert [e.author for g in section.groups for e in g.entries] == ["", ""]
    assert "Eva Snare)" not in render_markdown(draft)


def _docx(draft) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(draft)))


def test_docx_has_heading_styles_real_tables_and_the_group_in_the_header(engine) -> None:
    _, draft = _draft(engine)
    doc = _docx(draft)
    styles = [(_style(p), p.text) for p in doc.paragraphs if _style(p).startswith("Heading")]
    assert styles[0] == ("Heading 1", f"Referat møte i {GROUP}")
    assert ("Heading 2", "Frammøtte") in styles and ("Heading 3", "Mosseregionen:") in styles
    frammotte, followups = doc.tables
    assert [c.text for c in frammotte.rows[0].cells] == ["NAVN", "KOMMUNE / REGION"]
    assert len(frammotte.rows) == 21
    assert [c.text for c in followups.rows[1].cells] == [
        "Sende ut presentasjonene", "Mari Strømsvåg", "fredag 27. mai 2022"]
    assert doc.sections[0].header.paragraphs[0].text == GROUP


def test_docx_footer_carries_a_page_field(engine) -> None:
    _, draft = _draft(engine)
    footer = _docx(draft).sections[0].footer._element.xml
    assert 'w:fldCharType="begin"' in footer and ">PAGE<" not in footer
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer)


def test_docx_core_properties_name_the_group_and_no_template_values(engine) -> None:
    _, draft = _draft(engine)
    raw = render_docx(draft)
    props = docx.Document(io.BytesIO(raw)).core_properties
    assert props.title == f"Referat møte i {GROUP}"
    assert props.author == props.last_modified_by == GROUP
    assert props.created == datetime(2022, 5, 20, 10, 0, tzinfo=UTC)
    core_xml = zipfile.ZipFile(io.BytesIO(raw)).read("docProps/core.xml").decode()
    assert "python-docx" not in core_xml and "generated by" not in core_xml.lower()


def _md_outline(text: str) -> tuple[list[tuple[int, str]], list[list[str]]]:
    """(level, text) of every heading and every table row's cells, from markdown-it-py."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    heads: list[tuple[int, str]] = []
    rows: list[list[str]] = []
    row: list[str] | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            heads.append((int(tok.tag[1]), _plain(tokens[i + 1])))
        elif tok.type == "tr_open":
            row = []
        elif tok.type in ("th_open", "td_open") and row is not None:
            row.append(_plain(tokens[i + 1]))
        elif tok.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    return heads, rows


def _plain(inline) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))


def test_markdown_and_docx_have_the_same_headings_and_table_rows(engine) -> None:
    _, draft = _draft(engine)
    heads, rows = _md_outline(render_markdown(draft))
    doc = _docx(draft)
    doc_heads = [(int(_style(p).split()[-1]), p.text) for p in doc.paragraphs
                 if _style(p).startswith("Heading")]
    doc_rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert heads == doc_heads
    assert rows == doc_rows
    assert len(rows) == 21 + 3


def test_a_meeting_nobody_checked_in_to_lists_the_registered_under_pameldt(engine) -> None:
    from sqlmodel import delete

    from domain.meetings import RsvpAnswer
    from storage.meeting_models import Attendance, Rsvp

    seed = setup_seed003(engine, with_input=False)
    with Session(engine) as s:
        s.exec(delete(Attendance))  # type: ignore[call-overload]
        s.add(Rsvp(meeting_id=seed.meeting_id, member_id=seed.people["Eva Snare"],
                   answer=RsvpAnswer.digital))
        s.commit()
        draft = build_draft(s, seed.meeting_id, clock=WRITTEN)
    text = render_markdown(draft)
    assert "Ingen registrert frammøte" in text
    assert "**Påmeldt:**\n\n| NAVN | KOMMUNE / REGION |\n|---|---|\n| Eva Snare |" in text


def test_an_update_written_beforehand_by_an_absent_region_is_in_the_round(engine) -> None:
    from storage.regions import find_region
    from storage.round_models import RoundPrewrite

    seed = setup_seed003(engine, with_input=False)
    with Session(engine) as s:
        follo = find_region(s, "Follo")
        assert follo is not None
        s.add(RoundPrewrite(meeting_id=seed.meeting_id, region_id=follo.id or 0,
                            text="Follo jobber med *næringsarealer*.",
                            member_id=seed.people["Nils Fravær"]))
        s.commit()
        draft = build_draft(s, seed.meeting_id, clock=WRITTEN)
    (rnd,) = draft.items[6].rounds
    assert rnd.updates[-1].region == "Follo" and rnd.updates[-1].absent
    assert rnd.absent == (), "Follo wrote: not «Fraværende»"
    assert ("### Follo:\n\n(Fraværende – skriftlig oppdatering) Follo jobber med "
            "\\*næringsarealer\\*.") in render_markdown(draft)


def test_a_round_with_no_item_to_go_under_gets_a_section_of_its_own(engine) -> None:
    from storage.meeting_models import AgendaItem

    seed = setup_seed003(engine, with_input=False)
    with Session(engine) as s:
        item = s.get(AgendaItem, seed.items[7])
        assert item is not None
        item.title = "Digitalisering og samhandling"
        s.add(item)
        s.commit()
        draft = build_draft(s, seed.meeting_id, clock=WRITTEN)
    assert not draft.items[6].rounds and len(draft.rounds) == 1
    text = render_markdown(draft)
    own = text.index("## Runden – tema digitalisering og samhandling")
    assert text.index("### 10. Eventuelt") < own < text.index("## Oppfølgingspunkter")
    assert text.index("### Mosseregionen:") > own


def test_at_most_ten_coming_events(engine) -> None:
    from datetime import timedelta

    from storage.meeting_models import Meeting, MeetingGroup

    seed = setup_seed003(engine, with_input=False)
    with Session(engine) as s:
        for week in range(1, 12):
            when = datetime(2022, 6, 1, 7, tzinfo=UTC) + timedelta(weeks=week)
            m = Meeting(title=f"Ekstra {week}", starts_at=when)
            s.add(m)
            s.flush()
            s.add(MeetingGroup(meeting_id=m.id or 0, group_id=seed.group_id))
        s.commit()
        draft = build_draft(s, seed.meeting_id, clock=WRITTEN)
    assert len(draft.future) == 10
    assert [e.title for e in draft.future][:3] == [
        "Webinar: Digitale trusler – hvordan kan kommuner og næringslivet i Osloregionen "
        "forberede seg?", "BEST-konferansen", "Ekstra 1"]

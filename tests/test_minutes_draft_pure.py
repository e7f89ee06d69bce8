"""The draft's pure rules and the Markdown escaping of user text (markdown-it-py renders it
back: the text comes out as written, with no link, emphasis, HTML or table cell of its own)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
import pytest
from markdown_it import MarkdownIt

from cards.documents import escape, markdown_text
from domain.minutes_draft import (
    AttendanceSection,
    Attendee,
    Draft,
    FollowupRow,
    ItemRole,
    ItemSection,
    Para,
    Sort,
    Table,
    first_paragraph,
    item_role,
    layout,
    round_home,
    sort_attendees,
)
from services.minutes_draft import render_docx, render_markdown

HOSTILE = [
    "*fet* og **mer**",
    "snake_case_navn og _kursiv_",
    "[x](y) og ![bilde](https://evil.example/x.png)",
    "<at>Ola Nordmann</at> <script>alert(1)</script>",
    "se https://evil.example/login og www.evil.example og ola@evil.example",
    "a | b | c",
    "# ikke en overskrift",
    "1. ikke en liste",
    "- ikke et punkt",
    "> ikke et sitat",
    "`kode` og ~~streket~~ og &amp; og \\*",
    "---",
]
GFM = MarkdownIt("commonmark", {"linkify": True}).enable(["table", "linkify", "strikethrough"])


def _inline_tokens(text: str):
    tokens = GFM.parse(text)
    return tokens, [c for tok in tokens if tok.type == "inline" for c in tok.children or []]


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_user_text_renders_as_written_and_inert(text: str) -> None:
    tokens, inline = _inline_tokens(escape(text))
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
    assert {c.type for c in inline} <= {"text", "softbreak", "hardbreak"}, inline
    assert "".join(c.content for c in inline) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_table_cells_stay_one_cell_each(text: str) -> None:
    md = markdown_text([Table(("A", "B"), ((text, "etter"),))])
    tokens = GFM.parse(md)
    cells = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "td_open"]
    assert len(cells) == 2
    assert "".join(c.content for c in cells[0].children or []) == text
    assert {c.type for c in cells[0].children or []} <= {"text"}


def test_a_line_break_the_writer_typed_is_kept_as_a_hard_break() -> None:
    tokens, inline = _inline_tokens(escape("første linje\n- andre linje"))
    assert [c.type for c in inline] == ["text", "hardbreak", "text"]
    assert inline[2].content == "- andre linje"


def test_docx_keeps_user_text_in_plain_runs_exactly_as_written() -> None:
    text = "*fet* [x](y) <at>Ola</at> https://evil.example a|b"
    draft = Draft(meeting_id=1, groups=("Faggruppe",), starts_at=None, ends_at=None, place="",
                  items=(ItemSection(1, "Sak *1*", notes=text),))
    doc = docx.Document(io.BytesIO(render_docx(draft)))
    assert text in [p.text for p in doc.paragraphs]
    assert "Sak *1*" in render_markdown(draft).replace("\\", "") and \
        "### 1. Sak \\*1\\*" in render_markdown(draft)


def test_docx_replaces_control_characters_xml_cannot_hold() -> None:
    draft = Draft(meeting_id=1, groups=("Faggruppe",), starts_at=None, ends_at=None, place="",
                  items=(ItemSection(1, "Sak", notes="før\x01etter"),))
    doc = docx.Document(io.BytesIO(render_docx(draft)))
    assert "før\ufffdetter" in [p.text for p in doc.paragraphs]


def test_first_paragraph_is_cut_at_a_word_with_an_ellipsis_within_300() -> None:
    long = " ".join(["ordet"] * 80)  # 479 characters
    cut = first_paragraph(long + "\n\nAndre avsnitt")
    assert len(cut) <= 300 and cut.endswith("ordet…") and "Andre" not in cut
    assert first_paragraph("Kort  tekst.\n\nMer.") == "Kort tekst."
    assert first_paragraph("x" * 400).endswith("…") and len(first_paragraph("x" * 400)) == 300
    assert first_paragraph("a" * 290 + ", " + "b" * 20) == "a" * 290 + "…", "no «,…»"


def test_item_roles_and_where_a_round_goes() -> None:
    titles = [(1, "Godkjenning"), (7, "**Runden** – tema digitalisering"), (9, "Fremtidige "
              "arrangementer"), (10, "Eventuelt")]
    assert [item_role(t) for _, t in titles] == [ItemRole.plain, ItemRole.round, ItemRole.future,
                                                 ItemRole.other_business]
    assert round_home(1, titles) == 1, "tied to an item: there"
    assert round_home(None, titles) == 7, "else the item starting with «Runden»"
    assert round_home(None, [(1, "Godkjenning")]) is None, "else a section of its own"


def test_sort_by_region_uses_the_norwegian_alphabet() -> None:
    people = [Attendee("Åse", "Ås", "Ås"), Attendee("Øystein", "Øvre", "Øvre"),
              Attendee("Ola", "Asker", "Asker - Bærum"),
              Attendee("Bente", "Bærum", "Asker - Bærum")]
    assert [p.name for p in sort_attendees(people, Sort.region)] == ["Bente", "Ola", "Øystein",
                                                                     "Åse"]


def test_deputy_and_guest_are_marked_in_the_navn_column() -> None:
    draft = Draft(meeting_id=1, groups=("A", "B"), starts_at=datetime(2027, 5, 20, 7, tzinfo=UTC),
                  ends_at=None, place="Klækken hotel", attendance=AttendanceSection(present=(
                      Attendee("Kari Vara", "Asker", deputy_for="Anne Kristine Feltman"),
                      Attendee("Gjest Gjestesen", "NHO", guest=True))),
                  followups=(FollowupRow("Noe", "Ola", date(2027, 6, 1)),))
    blocks = layout(draft)
    table = next(b for b in blocks if isinstance(b, Table))
    assert table.rows == (("Kari Vara (vara for Anne Kristine Feltman)", "Asker"),
                          ("Gjest Gjestesen (gjest)", "NHO"))
    assert blocks[0].text == "Referat møte i A og B"  # type: ignore[union-attr]
    assert Para("Klækken hotel", label="Sted:") in blocks
    text = render_markdown(draft)
    assert "## Fremtidige arrangementer\n\nIngen planlagte arrangementer" in text
    assert "## Eventuelt\n\nIngen saker" in text

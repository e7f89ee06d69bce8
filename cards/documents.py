"""Files drawn from a pure layout (domain.minutes_draft blocks): GitHub-flavoured Markdown and
Word (python-docx, written to memory). Pure like the card builders beside it: no database,
no network, no file system.

User text is never interpreted: in Markdown every character that could start markup, a link
or an autolink is backslash-escaped (`\\|` in table cells), so `*`, `_`, `[x](y)`, `<at>`
and URLs come out as written and inert; in Word it goes into plain runs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import UTC, datetime

from docx import Document as new_document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

from domain.minutes_draft import Block, Bullets, Heading, Para, Table

# Characters that start markup anywhere in a line (CommonMark's inline syntax, GFM's tables,
# strikethrough and HTML/entities).
_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~&#!])")
# What makes a line a block of its own when it starts it: a heading, quote, list item,
# thematic break or setext underline, fence.
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d{1,9}(?=[.)]))")
# GFM's extended autolinks: a scheme's «://», «www.», an e-mail's «@».
_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)|(?<=\b[wW]{3})(\.)|(@)")


def escape(text: str, *, block_start: bool = True) -> str:
    """User text as inert Markdown: it renders exactly as written, with no link or markup.
    `block_start=False` where no block can start (a heading's or a cell's text)."""
    out = []
    for line in text.split("\n"):
        line = _ANYWHERE.sub(r"\\\1", line.strip())
        line = _AUTOLINK.sub(lambda m: "\\" + m.group(0), line)
        m = _LINE_START.match(line) if block_start else None
        if m and m.group(2).isdigit():
            end = m.end()
            line = line[:end] + "\\" + line[end:]  # «1.» → «1\.»: not a list item
        elif m:
            line = line[:m.start(2)] + "\\" + line[m.start(2):]
        out.append(line)
    # A line break the writer typed stays one: a backslash at the end of a line is
    # CommonMark's hard break (trailing spaces would be invisible and fragile).
    return "\\\n".join(x for x in out if x) if len(out) > 1 else out[0]


def escape_cell(text: str) -> str:
    """A table cell: escaped, on one line (a pipe is `\\|` like every other markup)."""
    return escape(" ".join(text.split()), block_start=False)


def _url(url: str) -> str:
    # Inside <…> only «<», «>» and spaces need encoding; anything not http(s) is never a link.
    return url.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")


def _is_web(url: str) -> bool:
    return url.lower().startswith(("https://", "http://"))


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + escape(" ".join(block.text.split()), block_start=False)
    if isinstance(block, Para):
        if block.url and _is_web(block.url):
            return f"[{escape(block.text)}](<{_url(block.url)}>)"
        text = escape(block.text) if block.text else ""
        if block.url:
            text = f"{text} {escape(block.url)}".strip()
        if block.label:
            return f"**{escape(block.label.strip())}** {text}".rstrip()
        return text
    if isinstance(block, Table):
        lines = ["| " + " | ".join(escape_cell(h) for h in block.header) + " |",
                 "|" + "---|" * len(block.header)]
        lines += ["| " + " | ".join(escape_cell(c) for c in row) + " |" for row in block.rows]
        return "\n".join(lines)
    assert isinstance(block, Bullets)
    marks = [f"{i}." if block.numbered else "-" for i in range(1, len(block.items) + 1)]
    return "\n".join(f"{mark} {escape(' '.join(item.split()))}"
                     for mark, item in zip(marks, block.items, strict=True))


def markdown_text(blocks: Sequence[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown, one blank line between blocks."""
    return "\n\n".join(x for x in (_md_block(b) for b in blocks) if x) + "\n"


# --- Word ---------------------------------------------------------------------------------

# XML 1.0 cannot hold these; a pasted control character would make python-docx refuse the
# whole document, so each becomes U+FFFD (the only change user text ever sees).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _plain(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _page_field(paragraph) -> None:  # type: ignore[no-untyped-def]
    """A PAGE field (Word fills in the page number) as begin / instruction / end."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _hyperlink(paragraph, text: str, url: str) -> None:  # type: ignore[no-untyped-def]
    """A real link: the relationship to `url` and a run in the Hyperlink style."""
    rel = paragraph.part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/"
                                   "relationships/hyperlink", is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    props.append(color)
    props.append(underline)
    run.append(props)
    t_el = OxmlElement("w:t")
    t_el.set(qn("xml:space"), "preserve")
    t_el.text = _plain(text)
    run.append(t_el)
    link.append(run)
    paragraph._p.append(link)


# Paragraphs, runs and table rows are written as WordprocessingML with lxml: python-docx's
# own calls look styles up by name and recompute column widths per row, 9 of the 9.2 s a
# 1,000-row draft took (bench/minutes_draft.py); the markup is the same.
_W_P, _W_R, _W_T, _W_TR, _W_TC = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tr"), qn("w:tc")
_SPACE = qn("xml:space")


def _p(parent, style_id: str = ""):  # type: ignore[no-untyped-def]
    """A new paragraph at the end of `parent` (the body: before its section properties)."""
    p = OxmlElement("w:p")
    if style_id:
        p_pr = SubElement(p, qn("w:pPr"))
        SubElement(p_pr, qn("w:pStyle")).set(qn("w:val"), style_id)
    sect = parent.find(qn("w:sectPr"))
    if sect is not None:
        sect.addprevious(p)
    else:
        parent.append(p)
    return p


def _run(p, text: str, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A plain run: the text as written; a line break typed stays a line break."""
    r = SubElement(p, _W_R)
    if bold:
        SubElement(SubElement(r, qn("w:rPr")), qn("w:b"))
    for i, line in enumerate(_plain(text).split("\n")):
        if i:
            SubElement(r, qn("w:br"))
        t_el = SubElement(r, _W_T)
        t_el.set(_SPACE, "preserve")
        t_el.text = line


def _table(body, block: Table) -> None:  # type: ignore[no-untyped-def]
    """A real table in «Table Grid», its header row bold and repeated on every page."""
    tbl = OxmlElement("w:tbl")
    tbl_pr = SubElement(tbl, qn("w:tblPr"))
    SubElement(tbl_pr, qn("w:tblStyle")).set(qn("w:val"), "TableGrid")
    width = SubElement(tbl_pr, qn("w:tblW"))
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    grid = SubElement(tbl, qn("w:tblGrid"))
    for _ in block.header:
        SubElement(grid, qn("w:gridCol"))
    for n, row in enumerate((block.header, *block.rows)):
        tr = SubElement(tbl, _W_TR)
        if n == 0:
            SubElement(SubElement(tr, qn("w:trPr")), qn("w:tblHeader")).set(qn("w:val"), "true")
        for text in row:
            tc = SubElement(tr, _W_TC)
            _run(SubElement(tc, _W_P), text, bold=n == 0)
    body.find(qn("w:sectPr")).addprevious(tbl)


def _docx_block(doc, block: Block) -> None:  # type: ignore[no-untyped-def]
    body = doc.element.body
    if isinstance(block, Heading):
        _run(_p(body, f"Heading{block.level}"), block.text)
    elif isinstance(block, Para):
        p = _p(body)
        if block.label:
            _run(p, block.label.strip() + (" " if block.text else ""), bold=True)
        if block.url and _is_web(block.url):
            _hyperlink(Paragraph(p, doc._body), block.text, block.url)
        else:
            _run(p, f"{block.text} {block.url}".strip() if block.url else block.text)
    elif isinstance(block, Table):
        _table(body, block)
        _p(body)  # Word glues a table to the next paragraph otherwise
    else:
        style = "ListNumber" if block.numbered else "ListBullet"
        for item in block.items:
            _run(_p(body, style), item)


def docx_bytes(blocks: Sequence[Block], *, title: str, author: str, header: str,
               created: datetime | None) -> bytes:
    """The blocks as a .docx: real heading styles and tables, the group's name in the header,
    page numbers in the footer, core properties naming the group (never a person)."""
    doc = new_document()
    doc.styles["Normal"].font.size = Pt(11)
    section = doc.sections[0]
    section.header.paragraphs[0].text = _plain(header)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(footer)
    for block in blocks:
        _docx_block(doc, block)
    props = doc.core_properties
    # python-docx's template carries its own author, comments and dates: all replaced.
    props.title = _plain(title)
    props.author = props.last_modified_by = _plain(author)
    props.comments = props.subject = props.keywords = props.category = ""
    props.content_status = props.identifier = props.version = ""
    props.language = "nb-NO"
    props.revision = 1
    if created is not None:
        # python-docx writes these as UTC («…Z») from a naive datetime.
        props.created = props.modified = created.astimezone(UTC).replace(tzinfo=None)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

"""Writing a record document as Markdown, HTML, Word or PDF.

Every format carries the same content: the protective marking (on every page, where there are
pages), the details, the attendees, the sections, the actions and key points, who approved it
and when, who confirmed it (where the model asks), and the reminder that it holds no
identifiers.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import astuple
from datetime import datetime
from importlib import resources

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from jinja2 import Environment, PackageLoader, select_autoescape

from adapters.export.document import ATTENDEE_COLUMNS, RecordDocument, Section
from dialogs.messages import NOT_DISCUSSED

# The HTML pages (records, learning reports) share one layout: templates/page.html.
pages = Environment(
    loader=PackageLoader("adapters.export", "templates"), autoescape=select_autoescape(["html"])
)
FONTS = resources.files("adapters.export") / "fonts"
ACTIONS_HEADING = "Actions, owners and review dates"
ACTION_COLUMNS = ("Action", "Owner", "Review date", "Status")
ATTENDEES_HEADING = "Attendees"
BULLET = "- "


def lines_of(text: str) -> Iterator[tuple[bool, str]]:
    """A section's text as (is a list item, text) lines, blank lines dropped."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(BULLET) or stripped.startswith("• "):
            yield True, stripped[2:].strip()
        elif stripped:
            yield False, stripped


# -- Markdown ----------------------------------------------------------------------------


def _markdown_text(text: str) -> str:
    # Record text is plain text: keep it from turning into Markdown markup.
    return "".join(f"\\{c}" if c in "\\`*_{}[]<>#|" else c for c in text)


def _markdown_body(text: str) -> list[str]:
    lines = [
        f"- {_markdown_text(line)}" if item else f"{_markdown_text(line)}  "
        for item, line in lines_of(text)
    ]
    return lines or [NOT_DISCUSSED]


def _markdown_table(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    table = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    return table + ["| " + " | ".join(_markdown_text(c) for c in row) + " |" for row in rows]


def to_markdown(document: RecordDocument) -> bytes:
    lines = [f"**{_markdown_text(document.marking)}**", "", f"# {_markdown_text(document.title)}"]
    lines += [""] + [f"- **{label}:** {_markdown_text(value)}" for label, value in document.details]
    lines += ["", f"## {ATTENDEES_HEADING}", ""]
    lines += _markdown_table(ATTENDEE_COLUMNS, [astuple(a) for a in document.attendees])
    for section in document.sections:
        lines += ["", f"## {_markdown_text(section.title)}", "", *_markdown_body(section.text)]
    if document.actions:
        lines += ["", f"## {ACTIONS_HEADING}", ""]
        lines += _markdown_table(ACTION_COLUMNS, [astuple(row) for row in document.actions])
    lines += ["", _markdown_text(document.approval)]
    if document.confirmation:
        lines += ["", _markdown_text(document.confirmation)]
    lines += ["", "---", "", f"*{document.footer}*"]
    lines += ["", f"**{_markdown_text(document.marking)}**", ""]
    return "\n".join(lines).encode()


# -- HTML --------------------------------------------------------------------------------


def to_html(document: RecordDocument) -> bytes:
    template = pages.get_template("record.html")
    return template.render(
        document=document, marking=document.marking, lines_of=lines_of, nothing=NOT_DISCUSSED
    ).encode()


# -- Word --------------------------------------------------------------------------------


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the pages out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def word_heading(word: WordDocument, text: str, level: int) -> None:
    heading = word.add_heading(text, level=level)
    heading.paragraph_format.keep_with_next = True


def word_body(word: WordDocument, text: str) -> None:
    lines = list(lines_of(text)) or [(False, NOT_DISCUSSED)]
    for item, line in lines:
        word.add_paragraph(line, style="List Bullet" if item else None)


def word_table(word: WordDocument, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = word.add_table(rows=1, cols=len(columns))
    table.style = "Light Grid Accent 1"
    for cell, label in zip(table.rows[0].cells, columns, strict=True):
        cell.text = label
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value


def marked_word(
    marking: str, footer_text: str, title: str, author: str, created: datetime
) -> WordDocument:
    """An A4 Word document with the marking at the top of every page and the footer, with
    "Page N of M", at the bottom."""
    word = Document()
    properties = word.core_properties
    properties.title = title
    properties.author = author
    properties.created = created
    for page in word.sections:
        page.page_width, page.page_height = Mm(210), Mm(297)
        page.left_margin = page.right_margin = Mm(20)
        header = page.header.paragraphs[0]
        header.text = marking
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer = page.footer.paragraphs[0]
        footer.text = f"{footer_text}   Page "
        _field(footer, "PAGE")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES")
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return word


def word_bytes(word: WordDocument) -> bytes:
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def to_docx(document: RecordDocument) -> bytes:
    word = marked_word(
        document.marking, document.footer, document.title, document.author, document.published_at
    )
    word.add_heading(document.title, level=0)
    details = word.add_table(rows=0, cols=2)
    details.style = "Light List"
    for label, value in document.details:
        cells = details.add_row().cells
        cells[0].text, cells[1].text = label, value
    word_heading(word, ATTENDEES_HEADING, 1)
    word_table(word, ATTENDEE_COLUMNS, [astuple(a) for a in document.attendees])
    for section in document.sections:
        word_heading(word, section.title, 1)
        word_body(word, section.text)
    if document.actions:
        word_heading(word, ACTIONS_HEADING, 1)
        word_table(word, ACTION_COLUMNS, [astuple(row) for row in document.actions])
    word.add_paragraph(document.approval)
    if document.confirmation:
        word.add_paragraph(document.confirmation)
    return word_bytes(word)


# -- PDF ---------------------------------------------------------------------------------

# A heading with less than this much page left under it starts the next page instead.
HEADING_NEEDS_MM = 30


class MarkedPdf(FPDF):
    marking = ""
    footer_text = ""

    def header(self) -> None:
        self.set_font("DejaVu", "B", 9)
        self.cell(0, 8, self.marking, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-18)
        self.set_font("DejaVu", size=8)
        self.cell(0, 5, self.footer_text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 5, f"{self.marking}   Page {self.page_no()} of {{nb}}", align="C")


def pdf_paragraph(pdf: FPDF, height: int, text: str, indent: float = 0) -> None:
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def pdf_heading(pdf: FPDF, text: str, size: int = 14) -> None:
    if pdf.get_y() > pdf.page_break_trigger - HEADING_NEEDS_MM:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", size)
    pdf_paragraph(pdf, 7, text)
    pdf.set_font("DejaVu", size=10)


def pdf_body(pdf: FPDF, text: str) -> None:
    for item, line in list(lines_of(text)) or [(False, NOT_DISCUSSED)]:
        if item:
            pdf.set_x(pdf.l_margin + 3)
            pdf.cell(4, 5, "•")
            pdf_paragraph(pdf, 5, line, indent=7)
        else:
            pdf_paragraph(pdf, 5, line)


def pdf_table(pdf: FPDF, widths: tuple[int, ...], rows: list[tuple[str, ...]]) -> None:
    with pdf.table(col_widths=widths, text_align="LEFT") as table:
        for values in rows:
            cells = table.row()
            for value in values:
                cells.cell(value)


def _pdf_sections(pdf: FPDF, sections: list[Section], size: int) -> None:
    for section in sections:
        pdf_heading(pdf, section.title, size)
        pdf_body(pdf, section.text)


def marked_pdf(
    marking: str, footer_text: str, title: str, author: str, created: datetime
) -> MarkedPdf:
    """An A4 PDF, its first page begun, with the marking at the top of every page and the
    footer, the marking and "Page N of M" at the bottom."""
    pdf = MarkedPdf(format="A4")
    pdf.marking, pdf.footer_text = marking, footer_text
    # A Unicode font, so that every character people typed is printed, not dropped.
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creation_date(created)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_page()
    return pdf


def to_pdf(document: RecordDocument) -> bytes:
    pdf = marked_pdf(
        document.marking, document.footer, document.title, document.author, document.published_at
    )
    pdf.set_font("DejaVu", "B", 16)
    pdf_paragraph(pdf, 8, document.title)
    pdf.ln(2)
    pdf.set_font("DejaVu", size=10)
    for label, value in document.details:
        pdf_paragraph(pdf, 6, f"{label}: {value}")
    pdf_heading(pdf, ATTENDEES_HEADING, 12)
    pdf_table(pdf, (40, 35, 25), [ATTENDEE_COLUMNS, *(astuple(a) for a in document.attendees)])
    _pdf_sections(pdf, document.sections, 12)
    if document.actions:
        pdf_heading(pdf, ACTIONS_HEADING, 12)
        pdf_table(pdf, (50, 20, 18, 12), [ACTION_COLUMNS, *(astuple(r) for r in document.actions)])
    pdf.ln(4)
    pdf_paragraph(pdf, 5, document.approval)
    if document.confirmation:
        pdf_paragraph(pdf, 5, document.confirmation)
    return bytes(pdf.output())


FORMATS: dict[str, Callable[[RecordDocument], bytes]] = {
    "md": to_markdown,
    "html": to_html,
    "docx": to_docx,
    "pdf": to_pdf,
}

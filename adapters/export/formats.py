"""Writing a record document as Markdown, HTML, Word or PDF."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import astuple
from importlib import resources

from docx import Document
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from jinja2 import Environment, PackageLoader, select_autoescape

from adapters.export.document import RecordDocument, Section

_pages = Environment(
    loader=PackageLoader("adapters.export", "templates"), autoescape=select_autoescape(["html"])
)
FONTS = resources.files("adapters.export") / "fonts"
ACTIONS_HEADING = "Actions, owners and review dates"
ACTION_COLUMNS = ("Action", "Owner", "Review date", "Status")


def _markdown_text(text: str) -> str:
    # Record text is plain text: keep it from turning into Markdown markup.
    escaped = "".join(f"\\{c}" if c in "\\`*_{}[]<>#|" else c for c in text)
    return escaped.replace("\n", "  \n") if escaped else "(nothing recorded)"


def to_markdown(document: RecordDocument) -> bytes:
    lines = [f"# {_markdown_text(document.title)}", ""]
    lines += [f"- **{label}:** {_markdown_text(value)}" for label, value in document.details]
    for section in document.sections:
        lines += ["", f"## {_markdown_text(section.title)}", "", _markdown_text(section.text)]
    if document.actions:
        lines += ["", f"## {ACTIONS_HEADING}", "", "| Action | Owner | Review date | Status |"]
        lines += ["| --- | --- | --- | --- |"]
        lines += [
            "| " + " | ".join(_markdown_text(c) for c in astuple(row)) + " |"
            for row in document.actions
        ]
    if document.key_points:
        lines += ["", "## Key points of each stage"]
        for stage in document.key_points:
            lines += ["", f"### {_markdown_text(stage.title)}", "", _markdown_text(stage.text)]
    lines += ["", "---", "", f"*{document.footer}*", ""]
    return "\n".join(lines).encode()


def to_html(document: RecordDocument) -> bytes:
    return _pages.get_template("record.html").render(document=document).encode()


def to_docx(document: RecordDocument) -> bytes:
    word = Document()
    word.add_heading(document.title, level=0)
    table = word.add_table(rows=0, cols=2)
    table.style = "Light List"
    for label, value in document.details:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for section in document.sections:
        word.add_heading(section.title, level=1)
        word.add_paragraph(section.text or "(nothing recorded)")
    if document.actions:
        word.add_heading(ACTIONS_HEADING, level=1)
        actions = word.add_table(rows=1, cols=4)
        actions.style = "Light Grid"
        for cell, label in zip(actions.rows[0].cells, ACTION_COLUMNS, strict=True):
            cell.text = label
        for row in document.actions:
            for cell, value in zip(actions.add_row().cells, astuple(row), strict=True):
                cell.text = value
    if document.key_points:
        word.add_heading("Key points of each stage", level=1)
        for stage in document.key_points:
            word.add_heading(stage.title, level=2)
            word.add_paragraph(stage.text)
    for doc_section in word.sections:
        doc_section.footer.paragraphs[0].text = document.footer
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


class _RecordPdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("DejaVu", size=8)
        self.cell(0, 10, f"{self.footer_text}   Page {self.page_no()}", align="C")


def _paragraph(pdf: FPDF, height: int, text: str) -> None:
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _pdf_heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 14)
    _paragraph(pdf, 8, text)
    pdf.set_font("DejaVu", size=10)


def _pdf_sections(pdf: FPDF, sections: list[Section]) -> None:
    for section in sections:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        _paragraph(pdf, 7, section.title)
        pdf.set_font("DejaVu", size=10)
        _paragraph(pdf, 5, section.text or "(nothing recorded)")


def to_pdf(document: RecordDocument) -> bytes:
    pdf = _RecordPdf()
    pdf.footer_text = document.footer
    # A Unicode font, so that every character people typed is printed, not dropped.
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(document.title)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    _paragraph(pdf, 8, document.title)
    pdf.ln(2)
    pdf.set_font("DejaVu", size=10)
    for label, value in document.details:
        _paragraph(pdf, 6, f"{label}: {value}")
    _pdf_sections(pdf, document.sections)
    if document.actions:
        _pdf_heading(pdf, ACTIONS_HEADING)
        with pdf.table(col_widths=(50, 20, 18, 12), text_align="LEFT") as table:
            for values in (ACTION_COLUMNS, *(astuple(row) for row in document.actions)):
                cells = table.row()
                for value in values:
                    cells.cell(value)
    if document.key_points:
        _pdf_heading(pdf, "Key points of each stage")
        _pdf_sections(pdf, document.key_points)
    return bytes(pdf.output())


FORMATS: dict[str, Callable[[RecordDocument], bytes]] = {
    "md": to_markdown,
    "html": to_html,
    "docx": to_docx,
    "pdf": to_pdf,
}

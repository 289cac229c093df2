"""Writing the learning report as HTML, PDF, Word or CSV.

The report is first laid out as sections of neutral parts (paragraphs, tables, charts and
titled texts); each format writes the same sections in the same order, so that a lead reads
the same report whichever they open. The CSV holds every table of figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from docx.shared import Mm
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from markupsafe import Markup

from adapters.export.charts import BarChart, Series
from adapters.export.formats import (
    lines_of,
    marked_pdf,
    marked_word,
    pages,
    pdf_body,
    pdf_heading,
    pdf_paragraph,
    pdf_table,
    word_body,
    word_bytes,
    word_heading,
    word_table,
)
from dialogs.evaluation import QuestionSummary
from dialogs.learning_report import EvaluationGroup, LearningReport, SessionCounts

AUTHOR = "reflectbot"
COUNT_COLUMNS = ("Published", "Cancelled", "Not finished", "Total")
NOT_DELIVERED = (
    "(Not delivered when it was published: no learning channel was configured for its audience.)"
)


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    figures: bool = True  # numbers, written to the CSV too
    widths: tuple[int, ...] = ()  # relative column widths in the PDF; equal if not given


@dataclass(frozen=True)
class Text:
    """A titled text, such as one session's learning themes; "- " lines are list items."""

    title: str
    text: str


@dataclass(frozen=True)
class Subheading:
    title: str


Part = str | Table | BarChart | Text | Subheading


@dataclass(frozen=True)
class ReportSection:
    title: str
    parts: list[Part] = field(default_factory=list)


def _counts(counts: SessionCounts) -> tuple[str, ...]:
    numbers = (counts.published, counts.cancelled, counts.in_progress, counts.total)
    return tuple(str(n) for n in numbers)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _sessions(report: LearningReport) -> ReportSection:
    totals = report.totals
    parts: list[Part] = [
        f"{_plural(totals.total, 'session')}: {totals.published} published, "
        f"{totals.cancelled} cancelled, {totals.in_progress} not finished yet."
    ]
    if report.by_month:
        parts.append(
            BarChart(
                title="Sessions per month",
                categories=tuple(month for month, _ in report.by_month),
                series=tuple(
                    Series(label, values)
                    for label, name in (
                        ("Published", "published"),
                        ("Cancelled", "cancelled"),
                        ("Not finished", "in_progress"),
                    )
                    if any(values := tuple(float(getattr(c, name)) for _, c in report.by_month))
                ),
                value_label="Sessions",
            )
        )
    parts.append(
        Table(
            "Sessions by model",
            ("Model", *COUNT_COLUMNS),
            [(model, *_counts(c)) for model, c in report.by_model],
            widths=(40, 12, 12, 12, 12),
        )
    )
    parts.append(
        Table(
            "Sessions by month",
            ("Month", *COUNT_COLUMNS),
            [(month, *_counts(c)) for month, c in report.by_month],
            widths=(40, 12, 12, 12, 12),
        )
    )
    return ReportSection("Sessions held", parts)


def _agencies(report: LearningReport) -> ReportSection:
    parts: list[Part] = [
        "How many of the sessions each agency joined: the agencies of the participants of "
        "every session that began (the facilitator's is not counted)."
    ]
    if report.agencies:
        parts.append(
            BarChart(
                title="Agencies taking part",
                categories=tuple(agency for agency, _ in report.agencies),
                series=(Series("Sessions joined", tuple(float(n) for _, n in report.agencies)),),
                horizontal=True,
                value_label="Sessions joined",
            )
        )
    parts.append(
        Table(
            "Agencies taking part",
            ("Agency", "Sessions joined"),
            [(agency, str(n)) for agency, n in report.agencies],
            widths=(60, 20),
        )
    )
    return ReportSection("Agencies taking part", parts)


def _themes(report: LearningReport) -> ReportSection:
    parts: list[Part] = [
        "The learning themes of every published session, in full, with the session's model "
        "and month only."
    ]
    if not report.themes:
        parts.append("No published session of the period has learning themes.")
    parts += [
        Text(
            f"{theme.model}, {theme.month}",
            theme.text if theme.delivered else f"{theme.text}\n{NOT_DELIVERED}",
        )
        for theme in report.themes
    ]
    if report.without_learning_section:
        parts.append(
            "The records of "
            + ", ".join(report.without_learning_section)
            + " have no learning themes section, so their sessions send no learning themes."
        )
    return ReportSection("Learning themes", parts)


def _take_back(report: LearningReport) -> ReportSection:
    parts: list[Part] = [
        "What the published records note to take back to the child's plan meeting, core group "
        "or child protection planning meeting, where the model's record asks for it (a "
        "reflective discussion is not a decision-making forum), with the model and month only."
    ]
    if not report.take_back:
        parts.append("No published session of the period notes anything to take back.")
    parts += [Text(f"{point.model}, {point.month}", point.text) for point in report.take_back]
    return ReportSection("Points to take back to the child's plan meetings", parts)


def _actions(report: LearningReport) -> ReportSection:
    parts: list[Part] = [
        "Actions agreed in the period's published records, where the model's record tracks "
        f"actions with owners and review dates: {report.open_actions} open, "
        f"{report.completed_actions} completed. Each is shown with its owner's agency, never "
        "its owner."
    ]
    parts.append(
        Table(
            "Actions by status",
            ("Status", "Actions"),
            [("Open", str(report.open_actions)), ("Completed", str(report.completed_actions))],
            widths=(60, 20),
        )
    )
    if report.actions:
        parts.append(
            Table(
                "Actions agreed",
                ("Model", "Month held", "Action", "Owner's agency", "Review", "Status"),
                [
                    (
                        a.model,
                        a.month,
                        a.text,
                        a.agency,
                        a.review,
                        "completed" if a.done else "open",
                    )
                    for a in report.actions
                ],
                figures=False,
                widths=(22, 16, 40, 20, 16, 14),
            )
        )
    return ReportSection("Actions", parts)


def _score_columns(questions: list[QuestionSummary]) -> list[int]:
    return sorted({value for q in questions for value in q.distribution})


def _evaluation_group(group: EvaluationGroup) -> list[Part]:
    parts: list[Part] = [Subheading(f"{group.label}: {_plural(group.responses, 'evaluation')}")]
    scales = [q for q in group.questions if q.distribution]
    if scales:
        values = _score_columns(scales)
        parts.append(
            BarChart(
                title="Evaluation scores per question",
                categories=tuple(q.text for q in scales),
                series=tuple(
                    Series(str(v), tuple(float(q.distribution.get(v, 0)) for q in scales))
                    for v in values
                ),
                horizontal=True,
                value_label="Answers",
                scores=True,
            )
        )
        parts.append(
            Table(
                f"Evaluation scores: {group.label}",
                ("Question", "Answered", *(str(v) for v in values), "Mean"),
                [
                    (
                        q.text,
                        str(q.answered),
                        *(str(q.distribution[v]) if v in q.distribution else "" for v in values),
                        f"{q.mean:.1f}" if q.mean is not None else "",
                    )
                    for q in scales
                ],
                widths=(50, 12, *(7 for _ in values), 10),
            )
        )
    for question in group.questions:
        if question.distribution:
            continue
        comments = "\n".join(f"- {comment}" for comment in question.comments)
        parts.append(Text(question.text, comments or "(no answers)"))
    return parts


def _evaluations(report: LearningReport) -> ReportSection:
    parts: list[Part] = [
        f"{_plural(report.evaluations, 'evaluation')} received in the period.",
        report.small_numbers,
    ]
    if report.evaluations_withheld:
        parts.append(
            f"The answers of {_plural(report.evaluations_withheld, 'evaluation')} are not shown: "
            f"even merged, they are fewer than 3."
        )
    if report.evaluations_of_unknown_models:
        parts.append(
            f"{_plural(report.evaluations_of_unknown_models, 'evaluation')} are of models no "
            "longer installed, whose questions cannot be shown."
        )
    if report.evaluations_by_month:
        parts.append(
            Table(
                "Evaluations by month",
                ("Month", "Evaluations"),
                [(month, str(n)) for month, n in report.evaluations_by_month],
                widths=(60, 20),
            )
        )
    for group in report.evaluation_groups:
        parts += _evaluation_group(group)
    return ReportSection("Evaluations", parts)


def report_sections(report: LearningReport) -> list[ReportSection]:
    return [
        _sessions(report),
        _agencies(report),
        _themes(report),
        _take_back(report),
        _actions(report),
        _evaluations(report),
    ]


def _details(report: LearningReport) -> list[tuple[str, str]]:
    return [("Period", report.period), *report.scope, ("Made on", report.made_on)]


# -- HTML --------------------------------------------------------------------------------

_KINDS: dict[type, str] = {
    str: "paragraph",
    Table: "table",
    BarChart: "chart",
    Text: "text",
    Subheading: "subheading",
}


def _kind_of(part: Part) -> str:
    return _KINDS[type(part)]


def to_html(report: LearningReport, marking: str) -> bytes:
    def svg(chart: BarChart) -> Markup:
        # matplotlib escapes the labels it writes; the markup is its own.
        return Markup(chart.svg())

    template = pages.get_template("learning.html")
    return template.render(
        report=report,
        marking=marking,
        details=_details(report),
        sections=report_sections(report),
        lines_of=lines_of,
        svg=svg,
        kind_of=_kind_of,
    ).encode()


# -- PDF ---------------------------------------------------------------------------------

CHART_WIDTH_MM = 170


def _pdf_chart(pdf: FPDF, chart: BarChart) -> None:
    image = io.BytesIO(chart.png())
    pdf.ln(2)
    pdf.image(image, w=CHART_WIDTH_MM, alt_text=chart.title)
    pdf.ln(2)


def to_pdf(report: LearningReport, marking: str, made_at: datetime) -> bytes:
    pdf = marked_pdf(marking, report.no_identifiers, report.title, AUTHOR, made_at)
    pdf.set_font("DejaVu", "B", 16)
    pdf_paragraph(pdf, 8, report.title)
    pdf.ln(2)
    pdf.set_font("DejaVu", size=10)
    for label, value in _details(report):
        pdf_paragraph(pdf, 6, f"{label}: {value}")
    for section in report_sections(report):
        pdf_heading(pdf, section.title, 14)
        for part in section.parts:
            if isinstance(part, str):
                pdf_paragraph(pdf, 5, part)
                pdf.ln(1)
            elif isinstance(part, Subheading):
                pdf_heading(pdf, part.title, 12)
            elif isinstance(part, Text):
                pdf_heading(pdf, part.title, 11)
                pdf_body(pdf, part.text)
            elif isinstance(part, BarChart):
                _pdf_chart(pdf, part)
            elif part.rows:
                pdf.set_font("DejaVu", "B", 10)
                pdf.cell(0, 7, part.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.set_font("DejaVu", size=9)
                widths = part.widths or tuple(1 for _ in part.columns)
                pdf_table(pdf, widths, [part.columns, *part.rows])
                pdf.set_font("DejaVu", size=10)
                pdf.ln(2)
    return bytes(pdf.output())


# -- Word --------------------------------------------------------------------------------


def to_docx(report: LearningReport, marking: str, made_at: datetime) -> bytes:
    word = marked_word(marking, report.no_identifiers, report.title, AUTHOR, made_at)
    word.add_heading(report.title, level=0)
    for label, value in _details(report):
        word.add_paragraph(f"{label}: {value}")
    for section in report_sections(report):
        word_heading(word, section.title, 1)
        for part in section.parts:
            if isinstance(part, str):
                word.add_paragraph(part)
            elif isinstance(part, Subheading):
                word_heading(word, part.title, 2)
            elif isinstance(part, Text):
                word_heading(word, part.title, 3)
                word_body(word, part.text)
            elif isinstance(part, BarChart):
                word.add_picture(io.BytesIO(part.png()), width=Mm(CHART_WIDTH_MM))
            elif part.rows:
                word.add_paragraph(part.title, style="Caption")
                word_table(word, part.columns, part.rows)
    return word_bytes(word)


# -- CSV ---------------------------------------------------------------------------------

CSV_COLUMNS = ("figure", "breakdown", "measure", "value")


def to_csv(report: LearningReport) -> bytes:
    """Every table of figures, one number a row: (figure, breakdown, measure, value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(("Period", report.period, "", ""))
    for section in report_sections(report):
        for part in section.parts:
            if not (isinstance(part, Table) and part.figures):
                continue
            for row in part.rows:
                for measure, value in zip(part.columns[1:], row[1:], strict=True):
                    if value != "":
                        writer.writerow((part.title, row[0], measure, value))
    return out.getvalue().encode()


def write_report(report: LearningReport, format_: str, marking: str, made_at: datetime) -> bytes:
    writers: dict[str, Callable[[], bytes]] = {
        "html": lambda: to_html(report, marking),
        "pdf": lambda: to_pdf(report, marking, made_at),
        "docx": lambda: to_docx(report, marking, made_at),
        "csv": lambda: to_csv(report),
    }
    return writers[format_]()

"""The learning report, built from a database of sessions of every model over three months
(made through the session service), checked figure by figure against the sessions made, for
the small-number rule, and for what must never be in it, in every format."""

from __future__ import annotations

import csv
import html
import io
import re
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import pytest_asyncio
from docx import Document
from learning_kit import MODELS, Made, Organisation, make_the_year
from pypdf import PdfReader
from service_kit import PLATFORM, FakePlatform

from adapters.export.files import REPORT_FORMATS
from adapters.export.formats import lines_of
from adapters.export.learning import NOT_DELIVERED, report_sections, write_report
from bot.cli import main
from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.learning import load_report
from bot.service import SessionService
from dialogs.learning_report import (
    MIN_RESPONSES,
    OTHER_MODELS,
    OTHER_MONTHS,
    SMALL_NUMBERS,
    LearningReport,
    Period,
    Scope,
)
from dialogs.state import Phase
from storage import migrate
from storage.unit_of_work import Store

MARKING = "OFFICIAL-SENSITIVE"
START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "learning"


@dataclass
class Year:
    path: Path
    made: list[Made]
    report: LearningReport
    files: dict[str, bytes]
    store: Store
    clock: ManualClock


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def year(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Year]:
    path = tmp_path_factory.mktemp("learning") / "reflectbot.sqlite3"
    store = Store.open(f"sqlite+aiosqlite:///{path}")
    await migrate.upgrade(store)
    clock = ManualClock(START)
    service = SessionService(store, clock)
    dispatcher = Dispatcher(store, clock, {PLATFORM: FakePlatform()})
    made = await make_the_year(Organisation(service, dispatcher, clock))
    clock.advance(timedelta(days=7))  # the report is made after the last session's day
    report = await load_report(store, MODELS, clock, Scope())
    files = {f: write_report(report, f, MARKING, clock.now()) for f in REPORT_FORMATS}
    yield Year(path, made, report, files, store, clock)
    await store.close()


def text_of(format_: str, data: bytes) -> str:
    """Everything a reader of the file could see in it."""
    if format_ == "docx":
        word = Document(io.BytesIO(data))
        cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
        pages = [
            p.text for s in word.sections for p in (*s.header.paragraphs, *s.footer.paragraphs)
        ]
        properties = [word.core_properties.title, word.core_properties.author]
        return "\n".join([*(p.text for p in word.paragraphs), *cells, *pages, *properties])
    if format_ == "pdf":
        reader = PdfReader(io.BytesIO(data))
        return "\n".join([*(p.extract_text() for p in reader.pages), str(reader.metadata)])
    return html.unescape(data.decode())


def test_sessions_are_counted_by_model_by_month_and_by_outcome(year: Year):
    report = year.report
    phases = Counter(m.phase for m in year.made)
    assert (report.totals.published, report.totals.cancelled, report.totals.in_progress) == (
        phases[Phase.PUBLISHED],
        phases[Phase.CANCELLED],
        0,
    )
    assert report.totals.total == len(year.made) == 10
    by_model = {name: (c.published, c.cancelled) for name, c in report.by_model}
    for model_id in {m.model.id for m in year.made}:
        own = [m for m in year.made if m.model.id == model_id]
        assert by_model[own[0].model.name] == (
            sum(m.phase is Phase.PUBLISHED for m in own),
            sum(m.phase is Phase.CANCELLED for m in own),
        )
    assert [month for month, _ in report.by_month] == [
        "November 2026",
        "December 2026",
        "January 2027",
        "February 2027",
    ]
    for month, counts in report.by_month:
        own = [m for m in year.made if m.month == month]
        assert counts.total == len(own) and counts.cancelled == sum(
            m.phase is Phase.CANCELLED for m in own
        )


def test_agencies_are_counted_once_per_session_they_joined(year: Year):
    expected = Counter(agency for m in year.made for agency in m.agencies)
    assert dict(year.report.agencies) == dict(expected)
    assert year.report.agencies[0] == ("Social work", expected["Social work"])
    # The session cancelled before it began counts for nobody; the one cancelled during does.
    assert "Police" in year.made[-2].agencies and not year.made[2].agencies


def test_every_published_sessions_learning_is_there_with_its_model_and_month(year: Year):
    themes = {(t.model, t.month): t.text for t in year.report.themes}
    with_themes = [m for m in year.made if m.theme]
    assert len(year.report.themes) == len(with_themes) == 6
    for made in with_themes:
        text = next(t.text for t in year.report.themes if made.theme in t.text)
        assert (made.model.name, made.month) in themes
        assert "[withheld] raised it first" in text, "the name in the theme is taken out"
    portsmouth = next(t.text for t in year.report.themes if t.model.startswith("Portsmouth"))
    # Its record's learning summary opens with the date held and the chair: both lines go.
    assert "Date of reflective practice meeting" not in portsmouth
    assert "Chair of meeting" not in portsmouth
    assert "Learning to be shared:" in portsmouth
    # Nobody configured a learning channel: each theme says it was not delivered.
    assert not any(t.delivered for t in year.report.themes)
    assert NOT_DELIVERED in " ".join(text_of("html", year.files["html"]).split())
    silent = {m.model.name for m in year.made if not m.model.record.learning_section}
    assert set(year.report.without_learning_section) == silent


def test_points_to_take_back_to_the_childs_plan_are_there_with_model_and_month(year: Year):
    noting = [
        m
        for m in year.made
        if m.phase is Phase.PUBLISHED and "take_back" in {s.id for s in m.model.record.sections}
    ]
    # Moray's three, Argyll & Bute's and the local copy of it.
    assert len(year.report.take_back) == len(noting) == 5
    for made, point in zip(noting, year.report.take_back, strict=True):
        assert (point.model, point.month) == (made.model.name, made.month)
        assert point.text.startswith(f"Take back {made.session_id.removeprefix('s-')}:")
        assert "from [withheld]." in point.text


def test_actions_are_listed_open_and_completed_with_their_owners_agency(year: Year):
    expected = [action for m in year.made for action in m.actions]
    listed = [(a.text, a.agency, a.done) for a in year.report.actions]
    assert sorted(listed) == sorted(expected)
    assert (year.report.open_actions, year.report.completed_actions) == (2, 1)


def test_evaluations_are_summarised_only_where_there_are_enough_of_them(year: Year):
    report = year.report
    moray = [e for m in year.made if m.model.id == "moray-rcd" for e in m.evaluations]
    local = [e for m in year.made if m.model.id == "kolb-local" for e in m.evaluations]
    assert report.evaluations == len(moray) + len(local) == 9
    (group,) = report.evaluation_groups
    assert group.label.startswith("Moray") and group.responses == len(moray) == 7
    explore = group.questions[0]
    assert explore.distribution == {
        v: sum(int(e["explore_reflect"]) == v for e in moray) for v in range(1, 6)
    }
    learnt = next(q for q in group.questions if q.text.startswith("What did you learn"))
    assert learnt.comments == [e["different_views"] for e in moray]
    # The local model's two evaluations are fewer than 3 even as "other": not shown.
    assert report.evaluations_withheld == len(local) == 2 < MIN_RESPONSES
    assert OTHER_MODELS not in [g.label for g in report.evaluation_groups]
    # November and December had three evaluations each; January (1) and February (2) merge.
    assert report.evaluations_by_month == [
        ("November 2026", 3),
        ("December 2026", 3),
        (OTHER_MONTHS, 3),
    ]


@pytest.mark.parametrize("format_", REPORT_FORMATS)
def test_no_case_reference_date_held_or_name_is_in_any_format(year: Year, format_: str):
    text = text_of(format_, year.files[format_])
    kept_out = {value for m in year.made for value in m.kept_out}
    leaks = sorted(value for value in kept_out if value.casefold() in text.casefold())
    assert leaks == []
    for made in year.made:
        for word in re.findall(r"\w+", " ".join(p.name for p in made.state.participants)):
            assert not re.search(rf"\b{word}\b", text), (format_, word)
    # Nor what the small-number rule holds back.
    assert "A second small voice" not in text and "Only two of us" not in text


@pytest.mark.parametrize("format_", ["html", "pdf", "docx"])
def test_every_document_format_has_every_section_and_says_the_rules(year: Year, format_: str):
    text = " ".join(text_of(format_, year.files[format_]).split())
    for section in report_sections(year.report):
        assert section.title in text, (format_, section.title)
    for theme in year.report.themes:
        for _, line in lines_of(theme.text):
            assert " ".join(line.split()) in text, (format_, line)
    assert " ".join(SMALL_NUMBERS.split()) in text
    assert MARKING in text


def test_the_html_draws_its_charts_inline_without_javascript(year: Year):
    page = year.files["html"].decode()
    assert "<script" not in page
    charts = re.findall(r"<figure role=\"img\" aria-label=\"([^\"]+)\"><svg", page)
    assert charts == [
        "Sessions per month",
        "Agencies taking part",
        "Evaluation scores per question",
    ]
    sessions_chart = page.split('aria-label="Sessions per month">', 1)[1].split("</svg>")[0]
    assert all(month in sessions_chart for month, _ in year.report.by_month)


def test_the_pdf_has_the_marking_and_page_numbers_on_every_page_and_the_charts(year: Year):
    data = year.files["pdf"]
    reader = PdfReader(io.BytesIO(data))
    pages = reader.pages
    assert len(pages) > 1
    for number, page in enumerate(pages, 1):
        text = page.extract_text()
        assert text.count(MARKING) >= 2 and f"Page {number} of {len(pages)}" in text
    images = sum(len(page.images) for page in pages)
    assert images == 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document = pdfium.PdfDocument(data)
    document[0].render(scale=1.5).to_pil().save(ARTIFACTS / "report-page-1.png")
    assert (ARTIFACTS / "report-page-1.png").stat().st_size > 10_000


def test_the_word_report_has_the_same_sections_the_charts_and_marked_pages(year: Year):
    word = Document(io.BytesIO(year.files["docx"]))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in report_sections(year.report)]
    assert len(word.inline_shapes) == 3
    for page in word.sections:
        assert page.header.paragraphs[0].text == MARKING
        assert 'w:instr="NUMPAGES"' in page.footer.paragraphs[0]._p.xml


def test_the_csv_carries_the_figures(year: Year):
    rows = list(csv.reader(io.StringIO(year.files["csv"].decode())))
    assert rows[0] == ["figure", "breakdown", "measure", "value"]
    figures = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    for month, counts in year.report.by_month:
        assert figures[("Sessions by month", month, "Total")] == str(counts.total)
    for agency, joined in year.report.agencies:
        assert figures[("Agencies taking part", agency, "Sessions joined")] == str(joined)
    assert figures[("Actions by status", "Open", "Actions")] == "2"
    assert figures[("Evaluations by month", OTHER_MONTHS, "Evaluations")] == "3"
    scores = [r for r in rows if r[0].startswith("Evaluation scores")]
    assert scores and all(r[2] in {"Answered", "1", "2", "3", "4", "5", "Mean"} for r in scores)


@pytest.mark.asyncio(loop_scope="module")
async def test_a_period_and_a_model_narrow_the_report(year: Year):
    december = Scope(period=Period(date(2026, 12, 1), date(2026, 12, 31)))
    report = await load_report(year.store, MODELS, year.clock, december)
    assert report.totals.total == sum(m.month == "December 2026" for m in year.made) == 4
    assert [month for month, _ in report.by_month] == ["December 2026"]
    assert report.evaluations == 3 and report.evaluations_by_month == [("December 2026", 3)]
    moray = await load_report(year.store, MODELS, year.clock, Scope(model_id="moray-rcd"))
    assert [name for name, _ in moray.by_model] == [year.made[0].model.name]
    assert moray.totals.total == 3 and len(moray.themes) == 3
    committee = year.made[4].model.record.learning_audience
    portsmouth = await load_report(
        year.store, MODELS, year.clock, Scope(audiences=(committee.upper(),))
    )
    assert [name for name, _ in portsmouth.by_model] == [year.made[4].model.name]


def test_the_command_writes_the_report_from_the_database(
    year: Year, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{year.path}")
    monkeypatch.delenv("REFLECTBOT_MODELS_DIR", raising=False)
    assert main(["learning", "report", "--format", "csv", "--to", "2026-12-31"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    totals = {r[1]: r[3] for r in rows if r[0] == "Sessions by month" and r[2] == "Total"}
    assert totals == {"November 2026": "3", "December 2026": "4"}

    output = tmp_path / "learning.pdf"
    assert main(["learning", "report", "--format", "pdf", "--output", str(output)]) == 0
    assert output.read_bytes().startswith(b"%PDF")

    assert main(["learning", "report", "--format", "docx"]) == 2
    assert "give --output FILE" in capsys.readouterr().err
    assert main(["learning", "report", "--format", "html", "--from", "1 May"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["learning", "report", "--format", "html", "--audience", "nobody"]) == 2
    assert "CPC Lead Officer" in capsys.readouterr().err

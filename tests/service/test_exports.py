"""Exported records: Markdown, HTML, Word and PDF for every built-in model, each holding every
section, read back with python-docx and a PDF reader."""

from __future__ import annotations

import io
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from pypdf import PdfReader
from service_kit import (
    CATALOGUE,
    FACILITATOR,
    PEOPLE,
    STEP,
    conversation,
    current_state,
    next_event,
    run_to_publication,
    start_event,
)

from adapters.export.document import NoRecord, record_document
from adapters.export.formats import FORMATS
from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs import events as ev
from dialogs import times
from dialogs.messages import NO_IDENTIFIERS
from dialogs.state import Phase, SessionState

MODELS = sorted(CATALOGUE.models)


def _text_of(format_: str, data: bytes) -> str:
    if format_ == "docx":
        document = Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        footers = [p.text for s in document.sections for p in s.footer.paragraphs]
        return "\n".join([*(p.text for p in document.paragraphs), *cells, *footers])
    if format_ == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode()


@pytest.mark.parametrize("model_id", MODELS)
async def test_every_format_holds_every_section_of_the_record(
    model_id: str, service: SessionService, dispatcher: Dispatcher, clock: ManualClock
):
    await service.start(conversation(), start_event(model_id))
    state = await run_to_publication(service, dispatcher, clock, "s-1")
    document = record_document(state)
    for format_, write in FORMATS.items():
        text = " ".join(_text_of(format_, write(document)).split())
        for section in state.model.record.sections:
            assert section.title.replace("\\", "") in text.replace("\\", ""), (format_, section.id)
        assert state.facilitator.name in text, format_
        assert NO_IDENTIFIERS in text, format_


async def test_key_points_are_printed_once_where_the_record_holds_them(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock
):
    """4x4x4's record has a key-points section: no second copy of them follows the record."""
    await service.start(conversation(), start_event("morrison-4x4x4"))
    state = await run_to_publication(service, dispatcher, clock, "s-1")
    document = record_document(state)
    for format_, write in FORMATS.items():
        text = " ".join(_text_of(format_, write(document)).split())
        assert text.count("Key points, agreed.") == len(state.stage_notes), format_


async def test_the_approval_is_dated_in_the_organisations_zone(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock
):
    await service.start(conversation(), start_event("kolb"))
    state = await run_to_publication(service, dispatcher, clock, "s-1")
    assert state.published_at is not None
    times.use_zone("America/New_York")
    try:
        approval = record_document(state).approval
    finally:
        times.use_zone(times.DEFAULT_ZONE)
    assert times.date_and_time(state.published_at) not in approval
    assert "(America/New_York)" in approval
    new_york = state.published_at.astimezone(ZoneInfo("America/New_York"))
    assert f"at {new_york:%H:%M}" in approval


async def test_an_unpublished_record_is_not_exported(service: SessionService):
    outcome = await service.start(conversation(), start_event("kolb"))
    assert outcome.state is not None
    with pytest.raises(NoRecord):
        record_document(outcome.state)


MARKING = "OFFICIAL-SENSITIVE"


@pytest.mark.parametrize("model_id", MODELS)
async def test_the_word_record_is_one_a_manager_would_file(
    model_id: str, service: SessionService, dispatcher: Dispatcher, clock: ManualClock
):
    await service.start(conversation(), start_event(model_id))
    state = await run_to_publication(service, dispatcher, clock, "s-1")
    word = Document(io.BytesIO(FORMATS["docx"](record_document(state, MARKING))))

    for page in word.sections:
        assert (round(page.page_width.mm), round(page.page_height.mm)) == (210, 297), "A4"
        assert page.header.paragraphs[0].text == MARKING
        footer = page.footer.paragraphs[0]._p.xml
        assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert [p.text for p in word.paragraphs if not p.text.strip()] == [], "no empty paragraphs"
    assert not [p.text for p in word.paragraphs if p.text.lstrip().startswith(("- ", "• "))]
    if any(
        line.strip().startswith("- ")
        for line in state.record.sections.values()
        for line in line.splitlines()
    ):  # type: ignore[union-attr]
        assert any(p.style.name == "List Bullet" for p in word.paragraphs)
    headers = [[c.text for c in table.rows[0].cells] for table in word.tables]
    assert ["Name", "Agency", "Role"] in headers
    attendees = next(t for t in word.tables if t.rows[0].cells[0].text == "Name")
    names = {row.cells[0].text for row in attendees.rows[1:]}
    assert names == {state.facilitator.name, *(p.name for p in state.participants)}
    if state.record and state.record.actions:
        assert ["Action", "Owner", "Review date", "Status"] in headers
    headings = [p for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    properties = word.core_properties
    assert properties.title == state.model.record.title
    assert properties.author == state.facilitator.name
    assert properties.created is not None
    assert "Approved and published by" in "\n".join(p.text for p in word.paragraphs)


@pytest.mark.parametrize("model_id", MODELS)
async def test_every_pdf_page_carries_the_marking_and_its_number(
    model_id: str, service: SessionService, dispatcher: Dispatcher, clock: ManualClock
):
    await service.start(conversation(), start_event(model_id))
    state = await run_to_publication(service, dispatcher, clock, "s-1")
    data = FORMATS["pdf"](record_document(state, MARKING))
    pages = PdfReader(io.BytesIO(data)).pages
    for number, page in enumerate(pages, 1):
        text = page.extract_text()
        assert MARKING in text
        assert f"Page {number} of {len(pages)}" in text


async def test_every_format_names_the_recorder_and_only_those_who_confirmed(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock
):
    """Seed 000: the social worker records; the draft was confirmed by those it names."""
    recorder, *others = (p.user_id for p in PEOPLE)
    await service.start(conversation(), start_event("morrison-4x4x4", recorder=recorder))
    state = await current_state(service.store, "s-1")
    while state.phase is not Phase.AWAITING_APPROVAL:
        state = await _step(service, dispatcher, clock, next_event(state))
    await _step(service, dispatcher, clock, ev.AskConfirmation(actor=FACILITATOR.user_id))
    await _step(service, dispatcher, clock, ev.ConfirmRecord(actor=others[0], revision=1))
    state = await _step(service, dispatcher, clock, ev.Approve(actor=FACILITATOR.user_id))
    assert state.phase is Phase.PUBLISHED
    document = record_document(state)
    assert document.confirmation == "Confirmed by: Barnaby Fenwick-Lowe (1 of 3 participants)."
    roles = {a.name: a.role for a in document.attendees}
    assert roles["Ottoline Quarrington"] == "Social worker, recorder"
    for format_, write in FORMATS.items():
        text = " ".join(_text_of(format_, write(document)).split())
        assert "Confirmed by: Barnaby Fenwick-Lowe (1 of 3 participants)." in text, format_
        assert "Social worker, recorder" in text, format_
        assert "agreed by all" not in text.lower(), format_


@pytest.mark.parametrize("model_id", [m for m in MODELS if m != "morrison-4x4x4"])
async def test_a_record_nobody_was_asked_to_confirm_claims_no_confirmation(
    model_id: str, service: SessionService, dispatcher: Dispatcher, clock: ManualClock
):
    await service.start(conversation(), start_event(model_id))
    state = await run_to_publication(service, dispatcher, clock, "s-1")
    for format_, write in FORMATS.items():
        text = _text_of(format_, write(record_document(state))).lower()
        assert "confirmed by" not in text and "agreed by all" not in text, format_


async def _step(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock, event: ev.Event | None
) -> SessionState:
    assert event is not None
    clock.advance(STEP)
    await service.handle("s-1", event)
    await dispatcher.drain()
    return await current_state(service.store, "s-1")

"""Exported records: Markdown, HTML, Word and PDF for every built-in model, each holding every
section, read back with python-docx and a PDF reader."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pypdf import PdfReader
from service_kit import CATALOGUE, conversation, run_to_publication, start_event

from adapters.export.document import NoRecord, record_document
from adapters.export.formats import FORMATS
from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs.messages import NO_IDENTIFIERS

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


async def test_an_unpublished_record_is_not_exported(service: SessionService):
    outcome = await service.start(conversation(), start_event("kolb"))
    assert outcome.state is not None
    with pytest.raises(NoRecord):
        record_document(outcome.state)

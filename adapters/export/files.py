"""Records and learning reports as files, for the servers that hand them out.

The writers' libraries (matplotlib and numpy for the charts, fpdf2 with fontTools and Pillow,
python-docx with lxml: about 80 MiB resident) are imported when the first file is made, not
when the server starts: a process that only answers replies never loads them. Making a file
takes a moment of CPU (seconds for the charts), so it runs off the event loop."""

from __future__ import annotations

import asyncio
from datetime import datetime

from adapters.export.document import RecordDocument
from dialogs.learning_report import LearningReport

REPORT_FORMATS = ("html", "pdf", "docx", "csv")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
}


async def record_file(document: RecordDocument, kind: str) -> bytes:
    """The record as a file of `kind` (a key of adapters.export.formats.FORMATS)."""
    from adapters.export.formats import FORMATS

    return await asyncio.to_thread(FORMATS[kind], document)


async def report_file(report: LearningReport, kind: str, marking: str, made_at: datetime) -> bytes:
    """The learning report as a file of `kind` (one of REPORT_FORMATS)."""
    from adapters.export.learning import write_report

    return await asyncio.to_thread(write_report, report, kind, marking, made_at)

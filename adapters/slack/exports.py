"""`/reflect export docx|pdf`: the channel's published record, uploaded to the channel as a file."""

from __future__ import annotations

import logging
import re

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.export.document import NoRecord, record_document
from adapters.export.files import record_file
from adapters.slack.deliverer import PLATFORM
from bot.runtime import Runtime
from dialogs.state import Phase, SessionState

log = logging.getLogger(__name__)

KINDS = {"docx": "Word", "pdf": "PDF"}
USAGE = "Say which file you want: /reflect export docx (Word) or /reflect export pdf."
NOTHING_PUBLISHED = (
    "No record has been published in this channel yet, so there is nothing to export."
)
FACILITATORS_ONLY = "Only the facilitator of the discussion can export its record."
UPLOAD_FAILED = "Slack did not take the file just now, so nothing was uploaded. Please try again."
FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def filename(state: SessionState, kind: str) -> str:
    reference = FILENAME_UNSAFE.sub("-", state.case_reference).strip("-") or "record"
    return f"record-{reference}.{kind}"


async def latest_published(runtime: Runtime, channel: str) -> SessionState | None:
    async with runtime.store.transaction() as uow:
        sessions = await uow.sessions.in_conversation(PLATFORM, channel)
    return next((s.state for s in sessions if s.state.phase is Phase.PUBLISHED), None)


async def export_record(
    runtime: Runtime, client: AsyncWebClient, channel: str, user: str, kind: str
) -> str | None:
    """Uploads the record; returns what to tell the person privately instead, if it cannot."""
    if kind not in KINDS:
        return USAGE
    state = await latest_published(runtime, channel)
    if state is None:
        return NOTHING_PUBLISHED
    if user != state.facilitator.user_id:
        return FACILITATORS_ONLY
    try:
        document = record_document(state, runtime.settings.protective_marking)
    except NoRecord:
        return NOTHING_PUBLISHED
    try:
        await client.files_upload_v2(
            channel=channel,
            file=await record_file(document, kind),
            filename=filename(state, kind),
            title=f"{document.title} ({KINDS[kind]})",
        )
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
        code = error.response.get("error") if isinstance(error, SlackApiError) else error
        log.warning("session %s: the %s upload failed: %s", state.id, kind, code)
        return UPLOAD_FAILED
    async with runtime.store.transaction() as uow:
        await uow.audit.add(state.id, f"exported ({kind})", user, runtime.clock.now())
    log.info("session %s: record exported as %s", state.id, kind)
    return None

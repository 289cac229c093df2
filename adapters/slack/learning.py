"""The learning digest in a Slack learning channel, and `/reflect learning [FROM TO]`: the
report for a period, uploaded as a PDF, only in a configured learning channel."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import render
from bot.learning import MonthReport, ReportFile, learning_channels, report_file
from bot.runtime import Runtime
from dialogs.content import Content
from dialogs.learning_digest import REPORT_ATTACHED, ending_with
from dialogs.learning_report import Scope, parse_period

log = logging.getLogger(__name__)

DIGEST = "learning-digest"  # stands for a session id in the rendered blocks: nothing refers to it
USAGE = (
    "Say which period you want, as two dates: /reflect learning 2026-09-01 2026-11-30 "
    "(or /reflect learning for every session so far)."
)
NOT_A_LEARNING_CHANNEL = (
    "The learning report is given only in a learning channel, where the learning leads work "
    "(REFLECTBOT_LEARNING_CHANNELS or REFLECTBOT_LEARNING_CHANNEL). Ask there."
)
# A report still being made when the process stops has this long to be uploaded (well inside
# the 30-second grace period docs/deployment.md asks for); then it is cancelled.
STOPPING_GRACE_SECONDS = 10.0
UPLOAD_FAILED = "Slack did not take the report just now, so nothing was uploaded. Please try again."
MAKING = "The learning report is being made; it will be uploaded here in a moment."


# Slack's conversation ids: C…, G… (private), D… (direct); a Teams channel id is "19:…".
SLACK_CHANNEL = re.compile(r"^[A-Z0-9]{2,}$")


class SlackLearningPublisher:
    """Digests and asked-for reports in Slack learning channels. A report takes longer to
    make than Slack waits for a command's answer (3 seconds), so one asked for is made and
    uploaded after the command has been answered."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.making: set[asyncio.Task[None]] = set()

    def takes(self, channel: str) -> bool:
        return bool(SLACK_CHANNEL.match(channel))

    async def publish(self, channel: str, content: Content, report: MonthReport) -> None:
        for part in render(ending_with(content, REPORT_ATTACHED), DIGEST):
            await self.client.chat_postMessage(channel=channel, blocks=part.blocks, text=part.text)
        await upload(self.client, channel, await report.file())

    def ask(self, runtime: Runtime, channel: str, user: str, words: str) -> str:
        """`/reflect learning [FROM TO]`: what to tell the person at once; the report follows
        in the channel when it is a learning channel and the period is one."""
        heard_by = learning_channels(runtime.settings, runtime.catalogue).get(channel)
        if heard_by is None:
            return NOT_A_LEARNING_CHANNEL
        period = parse_period(words)
        if period is None:
            return USAGE
        scope = Scope(period=period, audiences=heard_by)
        task = asyncio.create_task(self._report(runtime, scope, channel, user))
        self.making.add(task)
        task.add_done_callback(self.making.discard)
        return MAKING

    async def finished(self, grace: float | None = None) -> None:
        """Until every report asked for has been uploaded (or has failed); with `grace`, those
        still being made after that many seconds are cancelled."""
        making = set(self.making)
        if not making:
            return
        _, late = await asyncio.wait(making, timeout=grace)
        for task in late:
            task.cancel()
        await asyncio.gather(*making, return_exceptions=True)
        if late:
            log.warning("%d learning report(s) not uploaded: the process stopped", len(late))

    async def stopping(self) -> None:
        await self.finished(STOPPING_GRACE_SECONDS)

    async def _report(self, runtime: Runtime, scope: Scope, channel: str, user: str) -> None:
        report = await report_file(runtime, scope)
        try:
            await upload(self.client, channel, report)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            code = error.response.get("error") if isinstance(error, SlackApiError) else error
            log.warning("the learning report upload failed: %s", code)
            with contextlib.suppress(SlackApiError, aiohttp.ClientError, TimeoutError):
                await self.client.chat_postEphemeral(channel=channel, user=user, text=UPLOAD_FAILED)
            return
        async with runtime.store.transaction() as uow:
            await uow.audit.add(None, "learning report (pdf)", user, runtime.clock.now())


async def upload(client: AsyncWebClient, channel: str, report: ReportFile) -> None:
    await client.files_upload_v2(
        channel=channel, file=report.data, filename=report.filename, title=report.title
    )

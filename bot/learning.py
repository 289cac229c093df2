"""The learning report, loaded from the database, and the monthly digest that takes it to each
learning channel: every caller (the command line, the scheduler, `/reflect learning`, the
practice room) builds it here."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from adapters.export.files import report_file as write_report_file
from bot.clock import Clock
from bot.config import Settings
from dialogs.content import Content
from dialogs.learning_digest import digest_content, digest_key, due_month
from dialogs.learning_report import (
    LearningReport,
    Period,
    Scope,
    SubmittedEvaluation,
    build_report,
    published_between,
)
from dialogs.models.catalogue import Catalogue
from dialogs.state import SessionState
from dialogs.times import local
from storage.unit_of_work import Store

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportFile:
    data: bytes
    filename: str
    title: str
    period: Period


@dataclass
class MonthReport:
    """The month's report as a digest offers it. Its file (a PDF, the slow part of a digest)
    is made only for a publisher that attaches it, once however many ask."""

    report: LearningReport
    title: str
    period: Period
    marking: str
    at: datetime
    _file: ReportFile | None = None

    async def file(self) -> ReportFile:
        if self._file is None:
            data = await write_report_file(self.report, "pdf", self.marking, self.at)
            assert self.period.start is not None
            name = f"learning-report-{self.period.start:%Y-%m}.pdf"
            self._file = ReportFile(data, name, self.title, self.period)
        return self._file


class LearningPublisher(Protocol):
    """A platform's way of putting a digest and its report in a learning channel."""

    def takes(self, channel: str) -> bool:
        """Whether `channel` is one of this platform's (by the shape of its id)."""
        ...

    async def publish(self, channel: str, content: Content, report: MonthReport) -> None:
        """Post `content` (which says nothing of the report yet) and the report (its file, or
        a way to it), or raise."""
        ...


async def _material(
    store: Store, period: Period, conversation: tuple[str, str] | None = None
) -> tuple[list[SessionState], list[SubmittedEvaluation]]:
    async with store.transaction() as uow:
        if conversation:
            sessions = await uow.sessions.in_conversation(*conversation)
        else:
            sessions = await uow.sessions.listing()
        evaluations = await uow.evaluations.submitted(period.start, period.end)
    return [s.state for s in sessions], evaluations


async def load_report(
    store: Store,
    catalogue: Catalogue,
    clock: Clock,
    scope: Scope,
    conversation: tuple[str, str] | None = None,
) -> LearningReport:
    """The report of `scope`: of every session, or of one conversation's (platform, key)."""
    states, evaluations = await _material(store, scope.period, conversation)
    today = local(clock.now()).date()
    return build_report(states, evaluations, catalogue.models, scope, today=today)


def audiences(catalogue: Catalogue) -> list[str]:
    """The learning audiences the installed models name."""
    return sorted({m.record.learning_audience for m in catalogue if m.record.learning_audience})


def learning_channels(settings: Settings, catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """Each configured learning channel, with the audiences whose learning goes there."""
    routes = settings.learning_routes
    channels: dict[str, tuple[str, ...]] = {}
    for audience in audiences(catalogue):
        channel = routes.channel_for(audience)
        if channel:
            channels[channel] = (*channels.get(channel, ()), audience)
    return channels


async def report_file(runtime: Runtime, scope: Scope, kind: str = "pdf") -> ReportFile:
    """The report of `scope` as a file to hand to a learning lead."""
    report = await load_report(runtime.store, runtime.catalogue, runtime.clock, scope)
    data = await write_report_file(
        report, kind, runtime.settings.protective_marking, runtime.clock.now()
    )
    words = re.sub(r"[^A-Za-z0-9]+", "-", report.period).strip("-").lower()
    name = f"learning-report-{words}.{kind}"
    return ReportFile(data, name, f"{report.title} ({report.period})", scope.period)


async def send_due_digests(runtime: Runtime) -> int:
    """The digest of last month to each learning channel, once (whichever process gets there
    first), from the configured day on; returns how many were sent."""
    publishers = runtime.learning_publishers
    now = runtime.clock.now()
    month = due_month(local(now), runtime.settings.learning_digest_day)
    if month is None or not publishers or month.start is None or month.end is None:
        return 0
    sent = 0
    for channel, heard_by in learning_channels(runtime.settings, runtime.catalogue).items():
        takers = {name: p for name, p in publishers.items() if p.takes(channel)}
        if not takers:
            continue  # a channel of a platform that posts no digest
        key = digest_key(channel, month)
        async with runtime.store.transaction() as uow:
            if not await uow.instance.claim(key, now.isoformat()):
                continue
        scope = Scope(period=month, audiences=heard_by)
        states, evaluations = await _material(runtime.store, month)
        report = build_report(
            states, evaluations, runtime.catalogue.models, scope, today=local(now).date()
        )
        themes = published_between(states, scope, month.start, month.end)
        content = digest_content(report, heard_by, month, themes)
        title = f"{report.title} ({content.title})"
        offered = MonthReport(report, title, month, runtime.settings.protective_marking, now)
        if await _publish(takers, channel, content, offered):
            sent += 1
            async with runtime.store.transaction() as uow:
                await uow.audit.add(
                    None, f"learning digest sent ({month.start:%Y-%m})", "system", now
                )
        else:
            async with runtime.store.transaction() as uow:
                await uow.instance.release(key)  # tried again at the next round
    return sent


async def _publish(
    publishers: dict[str, LearningPublisher], channel: str, content: Content, report: MonthReport
) -> bool:
    """A learning channel is on one platform: the first that takes the digest has it."""
    for platform, publisher in publishers.items():
        try:
            await publisher.publish(channel, content, report)
            return True
        except Exception as error:
            log.warning(
                "the learning digest could not be posted on %s: %s", platform, type(error).__name__
            )
    return False

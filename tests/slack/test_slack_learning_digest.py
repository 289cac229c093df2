"""The learning digest on Slack, driven by the scheduler on the injected clock: last month's
figures and new learning themes in each learning channel, with the report as a PDF, once;
learning that reached nobody at publication is in it; and `/reflect learning` gives the report
only in a learning channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scheduler_rounds import run_the_scheduler
from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, PEOPLE, Workspace
from test_slack_followups import said
from test_slack_learning import CPC_LEAD_CHANNEL, run_moray

from bot.runtime import Runtime

CPC_ROUTE = f"CPC Lead Officer={CPC_LEAD_CHANNEL}"
FIRST_OF_DECEMBER = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # 08:30 in London too


async def themes_of(session: SlackSession) -> str:
    """The session's learning themes, as Slack shows text."""
    state = await session.state()
    assert state.record is not None and state.model.record.learning_section
    return state.record.sections[state.model.record.learning_section].replace("&", "&amp;")


def digests_in(session: SlackSession, channel: str) -> list[str]:
    return [
        "\n".join(c.texts())
        for c in session.fake.called("chat.postMessage")
        if c.args["channel"] == channel and "Learning digest" in "\n".join(c.texts())
    ]


def to_first_of_december(runtime: Runtime) -> None:
    runtime.clock.advance(FIRST_OF_DECEMBER - runtime.clock.now())  # type: ignore[attr-defined]


@pytest.mark.parametrize("learning_channels", [CPC_ROUTE])
async def test_the_monthly_digest_arrives_once_in_the_learning_channel_with_the_report(
    session: SlackSession,
) -> None:
    await run_moray(session)
    to_first_of_december(session.runtime)
    session.fake.clear()
    await run_the_scheduler(session.runtime, [])
    assert digests_in(session, CPC_LEAD_CHANNEL) == [], "not before 09:00"
    # 09:15: due; 09:30 and the next day: already sent.
    await run_the_scheduler(
        session.runtime, [timedelta(minutes=45), timedelta(minutes=15), timedelta(days=1)]
    )

    (digest,) = digests_in(session, CPC_LEAD_CHANNEL)
    assert "Learning digest: November 2026" in digest
    assert "Sessions held: 1 (1 published" in digest
    assert await themes_of(session) in digest
    assert "RCD-0417" not in digest
    assert not [name for name, _ in PEOPLE.values() if name in digest]
    uploads = [
        c
        for c in session.fake.called("files.completeUploadExternal")
        if c.args["channel_id"] == CPC_LEAD_CHANNEL
    ]
    assert len(uploads) == 1
    assert any(data.startswith(b"%PDF") for data in session.fake.uploads.values())
    async with session.runtime.store.transaction() as uow:
        audit = [e.action for e in await uow.audit.entries()]
    assert audit.count("learning digest sent (2026-11)") == 2  # CPC's and the default channel's


@pytest.mark.parametrize("learning_channel", [None])
async def test_learning_that_reached_nobody_at_publication_is_in_the_next_digest(
    session: SlackSession,
) -> None:
    await run_moray(session)
    assert (await session.state()).learning_undelivered
    # The organisation then configures the CPC Lead Officer's channel.
    runtime = session.runtime
    runtime.settings = runtime.settings.model_copy(update={"learning_channels": CPC_ROUTE})
    to_first_of_december(runtime)
    await run_the_scheduler(session.runtime, [timedelta(hours=1)])
    (digest,) = digests_in(session, CPC_LEAD_CHANNEL)
    assert await themes_of(session) in digest
    assert "not delivered when it was published" in digest


@pytest.mark.parametrize("learning_channels", [CPC_ROUTE])
async def test_reflect_learning_gives_the_report_only_in_a_learning_channel(
    session: SlackSession, slack: Workspace
) -> None:
    await run_moray(session)
    session.fake.clear()
    refused = await said(await slack.command(FACILITATOR, "learning"))
    assert "only in a learning channel" in refused
    assert session.fake.called("files.completeUploadExternal") == []

    lead = Workspace(slack.client, slack.fake, channel=CPC_LEAD_CHANNEL)
    assert "two dates" in await said(await lead.command("ULEAD", "learning last month"))
    answer = await said(await lead.command("ULEAD", "learning 2026-11-01 2026-11-30"))
    assert "being made" in answer  # at once: the report follows, after Slack's 3 seconds
    await session.runtime.learning_publishers["slack"].finished()  # type: ignore[attr-defined]
    (upload,) = session.fake.called("files.completeUploadExternal")
    assert upload.args["channel_id"] == CPC_LEAD_CHANNEL
    (asked,) = session.fake.called("files.getUploadURLExternal")
    assert asked.args["filename"] == "learning-report-2026-11-01-to-2026-11-30.pdf"
    (report,) = session.fake.uploads.values()
    assert report.startswith(b"%PDF")
    assert CHANNEL not in [
        c.args.get("channel_id") for c in session.fake.called("files.completeUploadExternal")
    ]


@pytest.mark.parametrize("learning_channels", ["CPC Lead Officer=19:cpc-lead@thread.tacv2"])
async def test_a_learning_channel_of_another_platform_gets_no_slack_digest(
    session: SlackSession,
) -> None:
    to_first_of_december(session.runtime)
    await run_the_scheduler(session.runtime, [timedelta(hours=1)])
    posted_to = {c.args["channel"] for c in session.fake.called("chat.postMessage")}
    assert "19:cpc-lead@thread.tacv2" not in posted_to
    async with session.runtime.store.transaction() as uow:
        audit = [e.action for e in await uow.audit.entries()]
    assert audit == ["learning digest sent (2026-11)"]  # the default channel's alone


@pytest.mark.parametrize("learning_channels", [CPC_ROUTE])
async def test_a_report_slack_does_not_take_is_explained_to_the_person_who_asked(
    session: SlackSession, slack: Workspace
) -> None:
    lead = Workspace(slack.client, slack.fake, channel=CPC_LEAD_CHANNEL)
    session.fake.fail("files.getUploadURLExternal", 200, "missing_scope")
    assert "being made" in await said(await lead.command("ULEAD", "learning"))
    await session.runtime.learning_publishers["slack"].finished()  # type: ignore[attr-defined]
    (told,) = session.fake.called("chat.postEphemeral")
    assert told.args["user"] == "ULEAD" and "nothing was uploaded" in told.args["text"]
    assert session.fake.uploads == {}

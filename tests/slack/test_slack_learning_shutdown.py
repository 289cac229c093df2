"""`/reflect learning` makes its report after answering Slack: a process that stops meanwhile
uploads it first, or, past the grace it has, cancels it, and leaves nothing running."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_fake_api import FakeSlack
from slack_requests import Workspace
from test_slack_followups import said
from test_slack_learning import CPC_LEAD_CHANNEL

import adapters.slack.learning as slack_learning
from adapters.slack.learning import SlackLearningPublisher
from bot.runtime import Runtime
from bot.server import build_web_app

CPC_ROUTE = f"CPC Lead Officer={CPC_LEAD_CHANNEL}"


@pytest.fixture
async def served(runtime: Runtime) -> AsyncIterator[TestClient]:
    """The app as `reflectbot serve` runs it (with no digests), shut down by the test as
    SIGTERM does."""
    runtime.settings = runtime.settings.model_copy(update={"learning_digest_day": 0})
    client = TestClient(TestServer(build_web_app(runtime), host="127.0.0.1"))
    await client.start_server()
    async with asyncio.timeout(30):
        while (await client.get("/healthz")).status != 200:
            await asyncio.sleep(0)
    yield client
    await client.close()  # when the test did not


def publisher(runtime: Runtime) -> SlackLearningPublisher:
    learning = runtime.learning_publishers["slack"]
    assert isinstance(learning, SlackLearningPublisher)
    return learning


async def ask(served: TestClient, fake_slack: FakeSlack) -> None:
    lead = Workspace(served, fake_slack, channel=CPC_LEAD_CHANNEL)
    assert "being made" in await said(await lead.command("ULEAD", "learning"))


@pytest.mark.parametrize("learning_channels", [CPC_ROUTE])
async def test_a_report_being_made_at_shutdown_is_uploaded_first(
    served: TestClient, fake_slack: FakeSlack, runtime: Runtime
) -> None:
    await ask(served, fake_slack)
    assert publisher(runtime).making, "made after the answer"
    await served.close()
    (upload,) = fake_slack.called("files.completeUploadExternal")
    assert upload.args["channel_id"] == CPC_LEAD_CHANNEL
    assert not publisher(runtime).making


@pytest.mark.parametrize("learning_channels", [CPC_ROUTE])
async def test_a_report_not_uploaded_within_the_grace_is_cancelled(
    served: TestClient,
    fake_slack: FakeSlack,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started = asyncio.Event()

    async def hung_upload(*_: object) -> None:
        started.set()
        await asyncio.Event().wait()  # Slack never answers

    monkeypatch.setattr(slack_learning, "upload", hung_upload)
    monkeypatch.setattr(slack_learning, "STOPPING_GRACE_SECONDS", 0.0)
    await ask(served, fake_slack)
    (making,) = publisher(runtime).making
    async with asyncio.timeout(30):
        await started.wait()
    await served.close()
    assert making.cancelled()
    assert not publisher(runtime).making
    assert fake_slack.called("files.completeUploadExternal") == []

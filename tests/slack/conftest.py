"""Fixtures: a fake Slack Web API, the real web app signed into it, and a cast of people."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_driver import SlackSession
from slack_fake_api import FakeSlack
from slack_requests import LEARNING_CHANNEL, PEOPLE, SCREENING_CHANNEL, SIGNING_SECRET, Workspace

from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.runtime import Runtime
from bot.server import build_web_app
from bot.service import SessionService
from dialogs.models.catalogue import Catalogue
from storage.unit_of_work import Store


@pytest.fixture
async def fake_slack(clock: ManualClock) -> AsyncIterator[FakeSlack]:
    fake = FakeSlack(clock)
    for user_id, (name, agency) in PEOPLE.items():
        fake.add_user(user_id, name, agency)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def learning_channel() -> str | None:
    return LEARNING_CHANNEL


@pytest.fixture
def learning_channels() -> str | None:
    return None


@pytest.fixture
def screening_channel() -> str | None:
    return SCREENING_CHANNEL


@pytest.fixture
def runtime(
    store: Store,
    clock: ManualClock,
    fake_slack: FakeSlack,
    learning_channel: str | None,
    learning_channels: str | None,
    screening_channel: str | None,
) -> Runtime:
    settings = Settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        learning_channel=learning_channel,
        learning_channels=learning_channels,
        screening_channel=screening_channel,
    )
    deliverers: dict = {}
    dispatcher = Dispatcher(store, clock, deliverers)
    service = SessionService(store, clock, on_commit=dispatcher.wake, secret=b"test-secret")
    return Runtime(settings, store, clock, Catalogue.load(), service, dispatcher, deliverers)


@pytest.fixture
async def web(runtime: Runtime) -> AsyncIterator[TestClient]:
    client = TestClient(TestServer(build_web_app(runtime, background=False), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
def slack(web: TestClient, fake_slack: FakeSlack) -> Workspace:
    return Workspace(web, fake_slack)


@pytest.fixture
def session(slack: Workspace, runtime: Runtime) -> SlackSession:
    return SlackSession(slack, runtime)

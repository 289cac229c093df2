"""Fixtures: a fake Bot Connector, the real web app in front of it, and a team channel."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from teams_activities import PEOPLE, Activities, teams_settings
from teams_driver import TeamsChannel
from teams_fake_connector import FakeConnector

from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.runtime import Runtime
from bot.server import build_web_app
from bot.service import SessionService
from dialogs.models.catalogue import Catalogue
from storage.unit_of_work import Store

SECRET = b"teams-tests-secret-of-32-bytes!!"


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    for person in PEOPLE:
        fake.add_member(person.teams_id, person.aad_id, person.name)
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def settings() -> Settings:
    return teams_settings()


@pytest.fixture
def runtime(store: Store, clock: ManualClock, settings: Settings) -> Runtime:
    deliverers: dict = {}
    dispatcher = Dispatcher(store, clock, deliverers)
    service = SessionService(store, clock, on_commit=dispatcher.wake, secret=SECRET)
    return Runtime(settings, store, clock, Catalogue.load(), service, dispatcher, deliverers)


@pytest.fixture
async def web(runtime: Runtime) -> AsyncIterator[TestClient]:
    client = TestClient(TestServer(build_web_app(runtime, background=False), host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
def teams(web: TestClient, connector: FakeConnector, runtime: Runtime) -> TeamsChannel:
    return TeamsChannel(web, connector, runtime, Activities(connector.url))

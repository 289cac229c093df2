"""With an app token the bot connects to Slack over Socket Mode for as long as the app runs."""

from __future__ import annotations

from typing import ClassVar

import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.async_app import AsyncApp

from adapters.slack import install
from bot.clock import ManualClock
from bot.config import Settings
from bot.dispatcher import Dispatcher
from bot.runtime import Runtime
from bot.server import build_web_app
from bot.service import SessionService
from dialogs.models.catalogue import Catalogue
from storage.unit_of_work import Store


class RecordingHandler:
    """Stands in for Bolt's AsyncSocketModeHandler, which would dial out to Slack."""

    events: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, app: AsyncApp, app_token: str) -> None:
        self.app_token = app_token

    async def connect_async(self) -> None:
        self.events.append(("connect", self.app_token))

    async def close_async(self) -> None:
        self.events.append(("close", self.app_token))


async def test_socket_mode_runs_with_the_app_and_no_http_route_is_needed(
    sqlite_store: Store, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(install, "AsyncSocketModeHandler", RecordingHandler)
    RecordingHandler.events = []
    settings = Settings(slack_bot_token="xoxb-test", slack_app_token="xapp-test")
    dispatcher = Dispatcher(sqlite_store, clock, {})
    service = SessionService(sqlite_store, clock, secret=b"test-secret")
    runtime = Runtime(settings, sqlite_store, clock, Catalogue.load(), service, dispatcher)
    client = TestClient(TestServer(build_web_app(runtime, background=False), host="127.0.0.1"))
    await client.start_server()
    assert RecordingHandler.events == [("connect", "xapp-test")]
    response = await client.post("/slack/events", data=b"{}")
    assert response.status in (404, 405)
    assert "slack" in runtime.deliverers
    await client.close()
    assert RecordingHandler.events == [("connect", "xapp-test"), ("close", "xapp-test")]

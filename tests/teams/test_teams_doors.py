"""Teams is served only when configured; the anonymous mode is for this machine alone; the bot
calls only the service URLs it may."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request
from teams_activities import CHANNEL, FACILITATOR, POLICE, PRESENTER
from teams_driver import TeamsChannel

from adapters.teams.routes import _refusal
from adapters.teams.sdk import TeamsConnection
from adapters.teams.service_urls import ServiceUrls
from bot.config import Settings
from bot.dispatcher import Delivery, DeliveryFailed
from bot.runtime import Runtime
from bot.server import build_web_app, serve
from dialogs.content import Content
from dialogs.effects import Post
from storage.repositories import Conversation


async def _served(runtime: Runtime, **settings: object) -> TestClient:
    runtime.settings = runtime.settings.model_copy(update=settings)
    client = TestClient(TestServer(build_web_app(runtime, background=False), host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def slack_only(runtime: Runtime) -> AsyncIterator[TestClient]:
    """A deployment with no Teams settings at all (MICROSOFT_APP_ID unset, no anonymous mode)."""
    client = await _served(runtime, microsoft_app_id=None, teams_anonymous=False)
    yield client
    await client.close()


async def test_without_teams_settings_a_forged_activity_finds_no_endpoint(
    slack_only: TestClient, teams: TeamsChannel, runtime: Runtime
) -> None:
    forged = teams.acts.command(FACILITATOR, "start kolb", people=(PRESENTER, POLICE))
    response = await slack_only.post("/api/messages", json=forged)
    assert response.status == 404
    await runtime.dispatcher.drain()
    assert teams.connector.calls == []
    async with runtime.store.transaction() as uow:
        assert await uow.sessions.listing() == []


async def test_the_anonymous_mode_calls_no_service_url_beyond_this_machine(
    teams: TeamsChannel, caplog: pytest.LogCaptureFixture
) -> None:
    activity = teams.acts.command(POLICE, "help") | {"serviceUrl": "http://10.0.0.7/internal/"}
    with caplog.at_level(logging.WARNING):
        reply = await teams.send(activity)
    assert reply.status == 400
    assert teams.connector.calls == []
    assert "UNAUTHENTICATED" in caplog.text


async def test_the_anonymous_mode_logs_every_request(
    teams: TeamsChannel, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="adapters.teams.routes"):
        for _ in range(3):
            assert (await teams.send(teams.acts.command(POLICE, "help"))).status == 202
    accepted = [r for r in caplog.records if "UNAUTHENTICATED" in r.getMessage()]
    assert len(accepted) == 3


async def test_the_anonymous_mode_refuses_other_machines() -> None:
    connection = TeamsConnection(Settings(microsoft_app_id=None, teams_anonymous=True))
    transport = _Transport(("192.0.2.10", 50000))
    request = make_mocked_request("POST", "/api/messages", transport=transport)
    response = await _refusal(request, connection)
    assert response is not None and response.status == 403


def test_the_anonymous_mode_will_not_serve_beyond_loopback() -> None:
    settings = Settings(microsoft_app_id=None, teams_anonymous=True)
    with pytest.raises(SystemExit, match="local testing only"):
        serve(settings, host="0.0.0.0")


@pytest.mark.parametrize(
    "url",
    [
        "https://smba.trafficmanager.net/emea/",
        "https://smba.infra.gcc.teams.microsoft.com/",
        "https://token.botframework.com/",
    ],
)
def test_bot_framework_service_urls_are_allowed(url: str) -> None:
    assert ServiceUrls().allows(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://smba.trafficmanager.net/emea/",  # not https
        "https://smba.trafficmanager.net.attacker.example/",
        "https://evilbotframework.com/",
        "https://user@smba.trafficmanager.net/",
        "http://127.0.0.1:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "",
        None,
        42,
    ],
)
def test_other_service_urls_are_refused(url: object) -> None:
    assert not ServiceUrls().allows(url)


def test_the_anonymous_mode_allows_loopback_alone() -> None:
    anonymous = ServiceUrls(anonymous=True)
    assert anonymous.allows("http://127.0.0.1:3978/") and anonymous.allows("http://[::1]:9/")
    assert not anonymous.allows("https://smba.trafficmanager.net/emea/")
    assert not anonymous.allows("http://10.1.2.3/")


async def test_a_stored_conversation_with_a_refused_service_url_is_not_called() -> None:
    """Defence in depth: a conversation stored before the allow-list is never called either."""
    from adapters.teams.deliverer import TeamsDeliverer
    from bot.clock import ManualClock
    from tests.conftest import START

    connection = TeamsConnection(Settings(microsoft_app_id=None, teams_anonymous=True))
    deliverer = TeamsDeliverer(connection, ManualClock(START))
    place = {
        "service_url": "http://10.0.0.7/",
        "tenant_id": "t",
        "team_id": "team",
        "channel_id": CHANNEL,
        "bot_id": "28:bot",
    }
    delivery = Delivery(
        session_id="s1",
        conversation=Conversation(platform="teams", key=CHANNEL, data=place),
        effect=Post(key="root", content=Content(title="t")),
    )
    with pytest.raises(DeliveryFailed):
        await deliverer.deliver(delivery)


class _Transport:
    def __init__(self, peer: tuple[str, int]) -> None:
        self.peer = peer

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self.peer if name == "peername" else default

    def is_closing(self) -> bool:
        return False

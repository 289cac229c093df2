"""With MICROSOFT_APP_ID set, /api/messages takes only activities with a valid Bot Framework
token; the other routes are untouched."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from microsoft_agents.authentication.msal import MsalAuth
from microsoft_agents.hosting.core.authorization.auth_types import AuthTypes
from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator
from teams_activities import CHANNEL, POLICE
from teams_driver import TeamsChannel
from teams_fake_connector import FakeConnector

from adapters.teams.sdk import BOT_FRAMEWORK_TENANT, auth_configuration
from bot.config import Settings
from bot.runtime import Runtime
from bot.server import build_web_app

APP_ID = "0b07b07b-0000-4000-8000-000000000001"
TENANT_ID = "72f988bf-0000-4000-8000-000000000002"
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
OUTBOUND_TOKEN = "token-for-the-connector"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def settings(connector: FakeConnector) -> Settings:
    """A real registration; the fake connector on loopback stands in for the Bot Framework."""
    return Settings(
        microsoft_app_id=APP_ID,
        microsoft_app_password="not-a-real-secret",
        microsoft_app_type="SingleTenant",
        microsoft_app_tenant_id=TENANT_ID,
        teams_service_urls=connector.url,
    )


@pytest.fixture
def bot_framework_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our signing key stands in for the Bot Framework's published keys, and the bot's own
    outbound token is made up: no network in tests."""
    public = RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True) | {"kid": "k1", "alg": "RS256"}

    async def signing_key(self: Any, jwks_uri: str, header: dict[str, Any]) -> jwt.PyJWK:
        assert header["kid"] == "k1"
        return jwt.PyJWK(public)

    async def access_token(self: Any, resource_url: str, scopes: list[str], **_: Any) -> str:
        return OUTBOUND_TOKEN

    monkeypatch.setattr(type(JwtTokenValidator._jwk_client_manager), "get_signing_key", signing_key)
    monkeypatch.setattr(MsalAuth, "get_access_token", access_token)


def _token(service_url: str, audience: str = APP_ID) -> str:
    now = int(time.time())
    claims = {
        "aud": audience,
        "iss": BOT_FRAMEWORK_ISSUER,
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + 3600,
    }
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer a b"],
    ids=["none", "garbage", "not-bearer", "malformed"],
)
async def test_activities_without_a_valid_token_are_refused(
    teams: TeamsChannel, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else None
    reply = await teams.send(teams.acts.command(POLICE, "help"), headers=headers)
    assert reply.status == 401
    assert teams.connector.calls == []


async def test_a_token_for_another_bot_is_refused(
    teams: TeamsChannel, bot_framework_keys: None
) -> None:
    token = _token(teams.connector.url, audience="someone-else")
    reply = await teams.send(
        teams.acts.command(POLICE, "help"), headers={"Authorization": f"Bearer {token}"}
    )
    assert reply.status == 401


async def test_a_valid_token_is_accepted_and_the_bot_calls_back_as_itself(
    teams: TeamsChannel, bot_framework_keys: None
) -> None:
    command = teams.acts.command(POLICE, "help")
    token = _token(teams.connector.url)
    reply = await teams.send(command, headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 202
    answer = teams.connector.replies(CHANNEL, command["id"])[-1]
    assert "start MODEL" in answer.text()
    assert all(
        call.headers.get("Authorization") == f"Bearer {OUTBOUND_TOKEN}"
        for call in teams.connector.calls
    )


async def test_health_needs_no_token(teams: TeamsChannel) -> None:
    response = await teams.web.get("/healthz")
    assert response.status == 200


@pytest.mark.parametrize(
    ("app_type", "tenant", "auth_type"),
    [
        ("SingleTenant", TENANT_ID, AuthTypes.client_secret),
        ("UserAssignedMSI", TENANT_ID, AuthTypes.user_managed_identity),
        ("MultiTenant", BOT_FRAMEWORK_TENANT, AuthTypes.client_secret),
    ],
)
def test_the_app_type_chooses_how_the_bot_signs_in(
    app_type: str, tenant: str, auth_type: AuthTypes
) -> None:
    settings = Settings(
        microsoft_app_id=APP_ID,
        microsoft_app_password="secret",
        microsoft_app_type=app_type,
        microsoft_app_tenant_id=TENANT_ID,
    )
    configuration = auth_configuration(settings)
    assert configuration.CLIENT_ID == APP_ID and tenant == configuration.TENANT_ID
    assert auth_type == configuration.AUTH_TYPE and not configuration.ANONYMOUS_ALLOWED


def test_requests_are_anonymous_only_in_the_explicit_local_testing_mode() -> None:
    assert not auth_configuration(Settings(microsoft_app_id=None)).ANONYMOUS_ALLOWED
    assert auth_configuration(
        Settings(microsoft_app_id=None, teams_anonymous=True)
    ).ANONYMOUS_ALLOWED
    assert not auth_configuration(
        Settings(microsoft_app_id=APP_ID, teams_anonymous=True)
    ).ANONYMOUS_ALLOWED


async def test_a_valid_token_naming_a_service_url_outside_the_bot_framework_is_refused(
    teams: TeamsChannel, runtime: Runtime, bot_framework_keys: None
) -> None:
    """Without the tests' override only Bot Framework hosts are called: the fake connector on
    loopback stands for an address inside the network, and nothing reaches it."""
    runtime.settings = runtime.settings.model_copy(update={"teams_service_urls": None})
    client = TestClient(TestServer(build_web_app(runtime, background=False), host="127.0.0.1"))
    await client.start_server()
    try:
        token = _token(teams.connector.url)
        response = await client.post(
            "/api/messages",
            json=teams.acts.command(POLICE, "help"),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status == 400
        assert "Bot Framework" in (await response.json())["error"]
    finally:
        await client.close()
    assert teams.connector.calls == []

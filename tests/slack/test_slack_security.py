"""Only requests signed by Slack, recently, are acted on."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient
from slack_fake_api import FakeSlack
from slack_requests import CHANNEL, FACILITATOR, PATH, signed_headers

from bot.runtime import Runtime


def command_body() -> str:
    return urlencode(
        {
            "team_id": "T0001",
            "channel_id": CHANNEL,
            "user_id": FACILITATOR,
            "command": "/reflect",
            "text": "help",
            "trigger_id": "trigger.1",
        }
    )


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="unsigned"),
        pytest.param(signed_headers(command_body(), secret="not-the-secret"), id="wrong secret"),
        pytest.param(signed_headers(command_body(), age=6 * 60), id="stale timestamp"),
        pytest.param(
            {**signed_headers(command_body()), "X-Slack-Signature": "v0=" + "0" * 64},
            id="forged signature",
        ),
    ],
)
async def test_requests_without_a_valid_recent_signature_get_401_and_change_nothing(
    headers: dict[str, str], web: TestClient, fake_slack: FakeSlack, runtime: Runtime
) -> None:
    response = await web.post(
        PATH,
        data=command_body(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    )
    assert response.status == 401
    assert fake_slack.actions() == []
    async with runtime.store.transaction() as uow:
        assert await uow.sessions.listing() == []


async def test_a_signed_request_is_answered(web: TestClient) -> None:
    body = command_body()
    response = await web.post(
        PATH,
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)},
    )
    assert response.status == 200
    assert "/reflect models" in await response.text()


async def test_slack_can_verify_the_events_url(web: TestClient) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "legacy"})
    response = await web.post(
        PATH, data=body, headers={"Content-Type": "application/json", **signed_headers(body)}
    )
    assert response.status == 200
    assert "abc123" in await response.text()


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "event_callback", "view": None},
        {"type": "view_submission", "view": "not a view"},
        {"type": "block_actions", "actions": [None]},
        {"type": "block_actions", "actions": "reflect:agree:0"},
    ],
)
async def test_a_payload_slack_never_sends_is_refused(
    web: TestClient, fake_slack: FakeSlack, payload: dict
) -> None:
    body = urlencode({"payload": json.dumps(payload)})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    response = await web.post(PATH, data=body.encode(), headers=headers)
    assert response.status == 400
    assert fake_slack.actions() == []

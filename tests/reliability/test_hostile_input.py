"""Hostile input through the real web app: fuzzed Slack, Teams and practice-room requests get
no 5xx and no stack trace and change nothing; replays are taken once; stale signatures and
oversized bodies are refused before anything is parsed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_driver import SlackSession
from slack_requests import PATH, PRESENTER, Workspace, signed_headers

from bot.app import MAX_BODY
from bot.runtime import Runtime
from bot.server import build_web_app

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Text that tries to ping, break markup or the parser.
HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        ["<!channel>", "@here", "<@U0001>", "&amp;", "<b>", "{{ 7*7 }}", "\x00", "🙂" * 50]
    ),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
SLACK_TYPES = st.sampled_from(
    ["event_callback", "block_actions", "view_submission", "url_verification", "shortcut", "x"]
)
EVENT_TYPES = st.sampled_from(["message", "app_mention", "member_joined_channel", "x"])


@pytest.fixture
async def web(runtime: Runtime) -> AsyncIterator[TestClient]:
    """Slack, Teams (in its anonymous local-testing mode) and the practice room on one app."""
    runtime.settings = runtime.settings.model_copy(update={"teams_anonymous": True})
    app = build_web_app(runtime, background=False, practice=True)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    yield client
    await client.close()


async def nothing_stored(runtime: Runtime) -> None:
    async with runtime.store.transaction() as uow:
        assert await uow.sessions.listing() == []
        assert await uow.outbox.pending_count() == 0


async def assert_refused_cleanly(response: Any) -> None:
    body = await response.text()
    assert response.status < 500, body
    assert "Traceback" not in body and 'File "' not in body


@FUZZ
@given(
    kind=SLACK_TYPES,
    event_type=EVENT_TYPES,
    event=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=6),
    extra=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=4),
)
async def test_fuzzed_slack_events_are_refused_cleanly(
    web: TestClient, runtime: Runtime, kind: str, event_type: str, event: dict, extra: dict
) -> None:
    body = json.dumps({**extra, "type": kind, "event": {**event, "type": event_type}})
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    await assert_refused_cleanly(await web.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@FUZZ
@given(payload=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=6), kind=SLACK_TYPES)
async def test_fuzzed_slack_interactions_are_refused_cleanly(
    web: TestClient, runtime: Runtime, payload: dict, kind: str
) -> None:
    body = urlencode({"payload": json.dumps({**payload, "type": kind})})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    await assert_refused_cleanly(await web.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@pytest.mark.parametrize("payload", ["", "not json", "{"])
async def test_an_interaction_whose_payload_is_not_json_is_refused_cleanly(
    web: TestClient, runtime: Runtime, payload: str
) -> None:
    body = urlencode({"payload": payload})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    await assert_refused_cleanly(await web.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["command", "text", "user_id", "channel_id", "trigger_id", "team_id"]),
        HOSTILE_TEXT,
    )
)
async def test_fuzzed_slash_commands_are_refused_cleanly(
    web: TestClient, runtime: Runtime, fields: dict[str, str]
) -> None:
    body = urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    await assert_refused_cleanly(await web.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@FUZZ
@given(
    activity=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=6),
    kind=st.sampled_from(["message", "invoke", "conversationUpdate", "x"]),
    text=HOSTILE_TEXT,
)
async def test_fuzzed_teams_activities_are_refused_cleanly(
    web: TestClient, runtime: Runtime, activity: dict, kind: str, text: str
) -> None:
    body = json.dumps({**activity, "type": kind, "text": text})
    response = await web.post(
        "/api/messages", data=body, headers={"Content-Type": "application/json"}
    )
    await assert_refused_cleanly(response)
    await nothing_stored(runtime)


@FUZZ
@given(
    path=st.sampled_from(["/rooms", "/r/{room}/join", "/r/{room}/p/{person}/reply"]),
    room=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=20),
    fields=st.dictionaries(
        st.sampled_from(["name", "agency", "text", "model", "question", "csrf", "x"]),
        HOSTILE_TEXT,
    ),
)
async def test_fuzzed_practice_room_forms_are_refused_cleanly(
    web: TestClient, runtime: Runtime, path: str, room: str, fields: dict[str, str]
) -> None:
    target = path.format(room=room, person=room)
    response = await web.post(target, data=fields, allow_redirects=False)
    await assert_refused_cleanly(response)
    async with runtime.store.transaction() as uow:
        assert await uow.sessions.listing() == []


async def test_a_replayed_signed_reply_is_taken_once(slack: Workspace, runtime: Runtime) -> None:
    session = SlackSession(slack, runtime)
    await session.begin("portsmouth-rpm")
    question_id, thread = await session.open_question()
    reply = {
        "type": "message",
        "user": PRESENTER,
        "text": "Said once.",
        "ts": "1700000800.000009",
        "thread_ts": thread,
        "channel_type": "channel",
    }
    for _ in range(3):
        assert (await slack.event(reply, event_id="EvREPLAYED")).status == 200
    assert await session.answers(question_id) == [(PRESENTER, "Said once.")]


async def test_a_stale_signed_request_is_refused(web: TestClient, runtime: Runtime) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "message"}})
    headers = {"Content-Type": "application/json", **signed_headers(body, age=10 * 60)}
    response = await web.post(PATH, data=body, headers=headers)
    assert response.status == 401
    await nothing_stored(runtime)


@pytest.mark.parametrize("path", [PATH, "/api/messages"])
async def test_an_oversized_body_is_refused_before_parsing(
    web: TestClient, runtime: Runtime, path: str
) -> None:
    body = json.dumps({"type": "event_callback", "text": "x" * (MAX_BODY + 1)})
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    response = await web.post(path, data=body, headers=headers)
    assert response.status == 413
    await nothing_stored(runtime)

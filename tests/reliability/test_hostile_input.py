"""Hostile input through the real web app: fuzzed Slack, Teams and practice-room requests get
no 5xx and no stack trace and change nothing; replays are taken once; stale signatures and
oversized bodies are refused before anything is parsed."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_driver import SlackSession
from slack_requests import PATH, PRESENTER, Workspace, signed_headers

from bot.app import MAX_BODY
from bot.runtime import Runtime

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
    every_door: TestClient, runtime: Runtime, kind: str, event_type: str, event: dict, extra: dict
) -> None:
    body = json.dumps({**extra, "type": kind, "event": {**event, "type": event_type}})
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    await assert_refused_cleanly(await every_door.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@FUZZ
@given(payload=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=6), kind=SLACK_TYPES)
async def test_fuzzed_slack_interactions_are_refused_cleanly(
    every_door: TestClient, runtime: Runtime, payload: dict, kind: str
) -> None:
    body = urlencode({"payload": json.dumps({**payload, "type": kind})})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    await assert_refused_cleanly(await every_door.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@pytest.mark.parametrize("payload", ["", "not json", "{"])
async def test_an_interaction_whose_payload_is_not_json_is_refused_cleanly(
    every_door: TestClient, runtime: Runtime, payload: str
) -> None:
    body = urlencode({"payload": payload})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    await assert_refused_cleanly(await every_door.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@FUZZ
@given(
    fields=st.dictionaries(
        st.sampled_from(["command", "text", "user_id", "channel_id", "trigger_id", "team_id"]),
        HOSTILE_TEXT,
    )
)
async def test_fuzzed_slash_commands_are_refused_cleanly(
    every_door: TestClient, runtime: Runtime, fields: dict[str, str]
) -> None:
    body = urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    await assert_refused_cleanly(await every_door.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@FUZZ
@given(
    activity=st.dictionaries(st.text(max_size=12), JSON_VALUES, max_size=6),
    kind=st.sampled_from(["message", "invoke", "conversationUpdate", "x"]),
    text=HOSTILE_TEXT,
)
async def test_fuzzed_teams_activities_are_refused_cleanly(
    every_door: TestClient, runtime: Runtime, activity: dict, kind: str, text: str
) -> None:
    body = json.dumps({**activity, "type": kind, "text": text})
    response = await every_door.post(
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
    every_door: TestClient, runtime: Runtime, path: str, room: str, fields: dict[str, str]
) -> None:
    target = path.format(room=room, person=room)
    response = await every_door.post(target, data=fields, allow_redirects=False)
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


async def test_a_stale_signed_request_is_refused(every_door: TestClient, runtime: Runtime) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "message"}})
    headers = {"Content-Type": "application/json", **signed_headers(body, age=10 * 60)}
    response = await every_door.post(PATH, data=body, headers=headers)
    assert response.status == 401
    await nothing_stored(runtime)


@pytest.mark.parametrize("path", [PATH, "/api/messages"])
async def test_an_oversized_body_is_refused_before_parsing(
    every_door: TestClient, runtime: Runtime, path: str
) -> None:
    body = json.dumps({"type": "event_callback", "text": "x" * (MAX_BODY + 1)})
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    response = await every_door.post(path, data=body, headers=headers)
    assert response.status == 413
    await nothing_stored(runtime)


# -- real payloads with one field of the wrong type ------------------------------------------

SLACK_TEMPLATES: dict[str, dict[str, Any]] = {
    "press": {
        "type": "block_actions",
        "user": {"id": "U0FAC", "team_id": "T0001"},
        "team": {"id": "T0001"},
        "trigger_id": "trigger.1",
        "channel": {"id": "C0CHANNEL"},
        "container": {"type": "message", "channel_id": "C0CHANNEL", "message_ts": "1.2"},
        "actions": [{"action_id": "reflect:next:0", "value": "s-1|q1", "action_ts": "1.3"}],
    },
    "form": {
        "type": "view_submission",
        "user": {"id": "U0FAC"},
        "team": {"id": "T0001"},
        "view": {
            "callback_id": "reflect:form",
            "private_metadata": json.dumps(
                {"session": "s-1", "form": "record", "value": "", "parts": {"a": 1}}
            ),
            "state": {"values": {"a.0": {"value": {"type": "plain_text_input", "value": "x"}}}},
        },
    },
    "setup": {
        "type": "view_submission",
        "user": {"id": "U0FAC"},
        "team": {"id": "T0001"},
        "view": {
            "callback_id": "reflect:setup",
            "private_metadata": json.dumps({"channel": "C0CHANNEL"}),
            "state": {"values": {"stage_hours": {"value": {"value": "24"}}}},
        },
    },
    "reply": {
        "type": "event_callback",
        "event_id": "Ev1",
        "team_id": "T0001",
        "event": {
            "type": "message",
            "user": "U0POL",
            "text": "An answer",
            "ts": "1.5",
            "thread_ts": "1.2",
            "channel": "C0CHANNEL",
        },
    },
    "edit": {
        "type": "event_callback",
        "event_id": "Ev2",
        "event": {
            "type": "message",
            "subtype": "message_changed",
            "channel": "C0CHANNEL",
            "message": {"user": "U0POL", "text": "new", "ts": "1.5", "thread_ts": "1.2"},
            "previous_message": {"user": "U0POL", "text": "old", "ts": "1.5", "thread_ts": "1.2"},
        },
    },
}
TEAMS_TEMPLATES: dict[str, dict[str, Any]] = {
    "message": {
        "type": "message",
        "id": "a1",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:1/",
        "from": {"id": "29:1", "name": "Fran", "aadObjectId": "aad-1"},
        "conversation": {"id": "19:c@thread.tacv2", "conversationType": "channel"},
        "recipient": {"id": "28:bot", "name": "reflectbot"},
        "text": "<at>reflectbot</at> status",
        "channelData": {"team": {"id": "19:team"}, "channel": {"id": "19:c@thread.tacv2"}},
    },
    "card": {
        "type": "message",
        "id": "a2",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:1/",
        "from": {"id": "29:1", "name": "Fran", "aadObjectId": "aad-1"},
        "conversation": {"id": "19:c@thread.tacv2;messageid=1", "conversationType": "channel"},
        "recipient": {"id": "28:bot", "name": "reflectbot"},
        "replyToId": "1",
        "value": {"action": "reflect:next", "session": "s-1", "value": "q1"},
    },
    "invoke": {
        "type": "invoke",
        "name": "task/fetch",
        "id": "a3",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:1/",
        "from": {"id": "29:1", "name": "Fran", "aadObjectId": "aad-1"},
        "conversation": {"id": "19:c@thread.tacv2", "conversationType": "channel"},
        "recipient": {"id": "28:bot", "name": "reflectbot"},
        "value": {"data": {"action": "reflect:key_points", "session": "s-1"}},
    },
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += _paths(child, (*prefix, index))
    return paths


def _replaced(template: dict[str, Any], path: tuple[Any, ...], new: Any) -> dict[str, Any]:
    copy = json.loads(json.dumps(template))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


def mutated(templates: dict[str, dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A real payload with one field (anywhere in it) replaced by a value of any type."""
    return st.sampled_from(list(templates.values())).flatmap(
        lambda template: st.tuples(st.sampled_from(_paths(template)), JSON_VALUES).map(
            lambda change: _replaced(template, *change)
        )
    )


@FUZZ
@given(payload=mutated(SLACK_TEMPLATES))
async def test_signed_slack_payloads_with_a_field_of_the_wrong_type_get_no_5xx(
    every_door: TestClient, runtime: Runtime, payload: dict[str, Any]
) -> None:
    if payload.get("type") == "event_callback":
        body, kind = json.dumps(payload), "application/json"
    else:
        body, kind = (
            urlencode({"payload": json.dumps(payload)}),
            "application/x-www-form-urlencoded",
        )
    headers = {"Content-Type": kind, **signed_headers(body)}
    await assert_refused_cleanly(await every_door.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {"command": st.just("/reflect"), "team_id": st.just("T0001")},
        optional={
            "text": HOSTILE_TEXT,
            "user_id": HOSTILE_TEXT,
            "channel_id": HOSTILE_TEXT,
            "trigger_id": HOSTILE_TEXT,
        },
    )
)
async def test_signed_slash_commands_missing_or_mangled_fields_get_no_5xx(
    every_door: TestClient, runtime: Runtime, fields: dict[str, str]
) -> None:
    body = urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(body)}
    await assert_refused_cleanly(await every_door.post(PATH, data=body, headers=headers))
    await nothing_stored(runtime)


@FUZZ
@given(timestamp=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30))
async def test_any_slack_timestamp_header_gets_no_5xx(
    every_door: TestClient, timestamp: str
) -> None:
    body = json.dumps({"type": "event_callback", "event": {"type": "message"}})
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    headers["X-Slack-Request-Timestamp"] = timestamp
    await assert_refused_cleanly(await every_door.post(PATH, data=body, headers=headers))


@FUZZ
@given(activity=mutated(TEAMS_TEMPLATES))
async def test_teams_activities_with_a_field_of_the_wrong_type_get_no_5xx(
    every_door: TestClient, runtime: Runtime, activity: dict[str, Any]
) -> None:
    response = await every_door.post("/api/messages", json=activity)
    await assert_refused_cleanly(response)
    await nothing_stored(runtime)


@FUZZ
@given(
    body=st.binary(max_size=300),
    kind=st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "multipart/form-data; boundary=x",
            "text/plain",
            "application/x-www-form-urlencoded; charset=latin-1",
        ]
    ),
)
async def test_practice_room_bodies_of_any_bytes_get_no_5xx(
    every_door: TestClient, runtime: Runtime, body: bytes, kind: str
) -> None:
    response = await every_door.post(
        "/rooms", data=body, headers={"Content-Type": kind}, allow_redirects=False
    )
    await assert_refused_cleanly(response)
    async with runtime.store.transaction() as uow:
        assert await uow.sessions.listing() == []

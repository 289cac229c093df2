"""Requests as Slack sends them: signed, in Slack's payload shapes, to the real web app."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from slack_fake_api import TEAM, Call, FakeSlack
from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret"
CHANNEL = "C0CHANNEL"
PATH = "/slack/events"

FACILITATOR = "UFAC"
PRESENTER = "USW"
CONSULTANTS = ("UPOL", "UHV")
PARTICIPANTS = (PRESENTER, *CONSULTANTS)
OUTSIDER = "UOUT"
LEARNING_CHANNEL = "CLEARN"
SCREENING_CHANNEL = "CSCREEN"

PEOPLE = {
    FACILITATOR: ("Morgan Ellis", "Children's services"),
    PRESENTER: ("Priya Shah", "Social work"),
    "UPOL": ("Dan Okafor", "Police"),
    "UHV": ("Ruth Campbell", "Health visiting"),
    OUTSIDER: ("Sam Jones", "Housing"),
}


def signed_headers(body: str, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


class Workspace:
    """People in one Slack workspace acting in one channel, through the real web app."""

    def __init__(self, client: TestClient, fake: FakeSlack, channel: str = CHANNEL) -> None:
        self.client = client
        self.fake = fake
        self.channel = channel
        self._ids = itertools.count(1)

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):05d}"

    async def send(
        self, body: str, content_type: str, headers: dict[str, str] | None = None
    ) -> ClientResponse:
        all_headers = {"Content-Type": content_type, **signed_headers(body), **(headers or {})}
        return await self.client.post(PATH, data=body.encode(), headers=all_headers)

    async def command(self, user: str, text: str = "") -> ClientResponse:
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "example",
            "channel_id": self.channel,
            "channel_name": "case-discussions",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/reflect",
            "text": text,
            "api_app_id": "A0APP",
            "response_url": "https://hooks.slack.com/commands/T0001/1/abc",
            "trigger_id": self.next_id("trigger."),
        }
        return await self.send(urlencode(form), "application/x-www-form-urlencoded")

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None
    ) -> ClientResponse:
        body = {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0APP",
            "event": {"channel": self.channel, "event_ts": event.get("ts", "1"), **event},
            "type": "event_callback",
            "event_id": event_id or self.next_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        }
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        return await self.send(json.dumps(body), "application/json", headers)

    async def reply(self, user: str, thread_ts: str, text: str, **extra: Any) -> str:
        ts = self.next_id("1700000500.")
        event = {
            "type": "message",
            "user": user,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
            "channel_type": "channel",
            **extra,
        }
        response = await self.event(event)
        assert response.status == 200
        return ts

    async def edit(self, user: str, thread_ts: str, ts: str, old: str, new: str) -> ClientResponse:
        return await self.event(
            {
                "type": "message",
                "subtype": "message_changed",
                "hidden": True,
                "ts": self.next_id("1700000600."),
                "message": {
                    "type": "message",
                    "user": user,
                    "text": new,
                    "ts": ts,
                    "thread_ts": thread_ts,
                    "edited": {"user": user, "ts": "1"},
                },
                "previous_message": {
                    "type": "message",
                    "user": user,
                    "text": old,
                    "ts": ts,
                    "thread_ts": thread_ts,
                },
            }
        )

    async def delete(self, user: str, thread_ts: str, ts: str, text: str) -> ClientResponse:
        return await self.event(
            {
                "type": "message",
                "subtype": "message_deleted",
                "hidden": True,
                "deleted_ts": ts,
                "ts": self.next_id("1700000700."),
                "previous_message": {
                    "type": "message",
                    "user": user,
                    "text": text,
                    "ts": ts,
                    "thread_ts": thread_ts,
                },
            }
        )

    async def interact(self, payload: dict[str, Any]) -> ClientResponse:
        return await self.send(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )

    async def press(
        self,
        user: str,
        button: dict[str, Any],
        message: Call | None = None,
        channel: str | None = None,
    ) -> ClientResponse:
        """Press a button of a posted message (or of an ephemeral one, when message is None)."""
        return await self.interact(self.press_payload(user, button, message, channel))

    def press_payload(
        self,
        user: str,
        button: dict[str, Any],
        message: Call | None = None,
        channel: str | None = None,
    ) -> dict[str, Any]:
        """The block_actions payload Slack sends for one press (sent again, it is a replay)."""
        container: dict[str, Any] = {
            "type": "message",
            "channel_id": channel or self.channel,
            "is_ephemeral": message is None,
        }
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0APP",
            "token": "legacy",
            "container": container,
            "trigger_id": self.next_id("trigger."),
            "team": {"id": TEAM, "domain": "example"},
            "channel": {"id": channel or self.channel, "name": "case-discussions"},
            "response_url": self.fake.response_url(
                channel or self.channel, message.answer["ts"] if message else None
            ),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b1",
                    "text": button["text"],
                    "value": button.get("value", ""),
                    "action_ts": "1700000900.000001",
                }
            ],
        }
        if message is not None:
            container["message_ts"] = message.answer["ts"]
            payload["message"] = {
                "type": "message",
                "ts": message.answer["ts"],
                "blocks": message.args["blocks"],
            }
        return payload

    async def choose(
        self, user: str, view: dict[str, Any], block_id: str, value: str, view_id: str = "V1"
    ) -> ClientResponse:
        """Choose an option of a select in an open modal whose input dispatches its action."""
        element = next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]
        option = next(o for o in element["options"] if o["value"] == value)
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0APP",
            "token": "legacy",
            "container": {"type": "view", "view_id": view_id},
            "trigger_id": self.next_id("trigger."),
            "team": {"id": TEAM, "domain": "example"},
            "view": {
                "id": view_id,
                "team_id": TEAM,
                "type": "modal",
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
                "blocks": view["blocks"],
                "state": {"values": {}},
                "hash": "1700000000.abc",
                "app_id": "A0APP",
            },
            "actions": [
                {
                    "type": "static_select",
                    "action_id": element["action_id"],
                    "block_id": block_id,
                    "selected_option": option,
                    "action_ts": "1700000901.000001",
                }
            ],
        }
        return await self.interact(payload)

    async def submit(
        self, user: str, view: dict[str, Any], values: dict[str, dict[str, Any]]
    ) -> ClientResponse:
        """Submit a modal the bot opened, with `values` as Slack's view.state.values."""
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "example"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM},
            "api_app_id": "A0APP",
            "token": "legacy",
            "trigger_id": self.next_id("trigger."),
            "view": {
                "id": self.next_id("V"),
                "team_id": TEAM,
                "type": "modal",
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
                "blocks": view["blocks"],
                "state": {"values": values},
                "hash": "1700000000.abc",
                "app_id": "A0APP",
            },
        }
        return await self.interact(payload)


def form_values(
    view: dict[str, Any], edits: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """State values of a form modal: each input keeps its initial value unless edited (by
    block id), in the shape Slack gives each kind of element."""
    edits = edits or {}
    values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        if kind == "static_select":
            chosen = next(
                (o for o in element["options"] if o["value"] == edits.get(block["block_id"])), None
            )
            state = {"selected_option": chosen or element.get("initial_option")}
        elif kind == "users_select":
            state = {"selected_user": edits.get(block["block_id"], element.get("initial_user"))}
        elif kind == "datepicker":
            state = {"selected_date": edits.get(block["block_id"], element.get("initial_date"))}
        else:
            state = {"value": edits.get(block["block_id"], element.get("initial_value"))}
        values[block["block_id"]] = {"value": {"type": kind, **state}}
    return values


def setup_values(
    model_id: str,
    participants: list[str],
    presenter: str | None,
    case_reference: str = "RCD-0417",
    pacing: str = "live",
    hours: str | None = "24",
    watchlist: str | None = None,
    scheduled_for: int | None = None,
    no_involvement: bool = False,
    confirmed: tuple[str, ...] = (),
    confidentiality: str | None = None,
    from_request: str = "",
) -> dict[str, dict[str, Any]]:
    """The setup modal's state values; `confirmed` names setup confirmations ticked,
    `from_request` the request whose box is left ticked."""

    def ticked(value: str) -> dict[str, Any]:
        option = {"value": value, "text": {"type": "plain_text", "text": value}}
        return {"value": {"type": "checkboxes", "selected_options": [option]}}

    checks = {
        block: ticked("yes")
        for block in (
            *(["no_involvement"] if no_involvement else []),
            *(f"confirm:{c}" for c in confirmed),
        )
    }
    if from_request:
        checks["from_request"] = ticked(from_request)
    return checks | {
        "confidentiality": {"value": {"type": "plain_text_input", "value": confidentiality}},
        "scheduled_for": {"value": {"type": "datetimepicker", "selected_date_time": scheduled_for}},
        "watchlist": {"value": {"type": "plain_text_input", "value": watchlist}},
        "model": {
            "value": {
                "type": "static_select",
                "selected_option": {
                    "value": model_id,
                    "text": {"type": "plain_text", "text": model_id},
                },
            }
        },
        "participants": {"value": {"type": "multi_users_select", "selected_users": participants}},
        "presenter": {"value": {"type": "users_select", "selected_user": presenter}},
        "case_reference": {"value": {"type": "plain_text_input", "value": case_reference}},
        "pacing": {"value": {"type": "radio_buttons", "selected_option": {"value": pacing}}},
        "stage_hours": {"value": {"type": "number_input", "value": hours}},
    }

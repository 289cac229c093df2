"""Logs hold no message bodies at any level: a whole session, edits, refusals and malformed
requests through the real web app, with every logger at DEBUG, and the logs searched for the
words people sent."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient
from slack_driver import SlackSession
from slack_requests import FACILITATOR, PATH, PRESENTER, Workspace, signed_headers

from bot.runtime import Runtime

# Plain lower-case words, so that the identifier guard leaves them in the record.
MARKER = "periwinkle"
ANSWER = f"the plan drifted, said the {MARKER} answer"
EDITED = f"the plan drifted early, said the edited {MARKER} answer"
REFUSED = f"an unsigned {MARKER} body"
MALFORMED = f"a signed {MARKER} body of the wrong shape"
UNHANDLED = f"a {MARKER} dialog no listener handles"


@pytest.fixture
def at_debug(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
async def web(at_debug: pytest.LogCaptureFixture, web: TestClient) -> AsyncIterator[TestClient]:
    """The web app, built once every logger is at DEBUG."""
    yield web


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )


async def test_a_whole_session_and_its_refusals_leave_no_words_in_the_logs(
    at_debug: pytest.LogCaptureFixture, slack: Workspace, runtime: Runtime
) -> None:
    session = SlackSession(slack, runtime)
    await session.begin("moray-rcd")
    _, thread = await session.open_question()
    ts = await slack.reply(PRESENTER, thread, ANSWER)
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": slack.channel,
        "message": {"user": PRESENTER, "text": EDITED, "ts": ts, "thread_ts": thread},
        "previous_message": {"user": PRESENTER, "text": ANSWER, "ts": ts, "thread_ts": thread},
    }
    assert (await slack.event(edit)).status == 200
    await session.answer_everything(words=ANSWER)
    await session.review_and_approve()

    unsigned = json.dumps({"type": "event_callback", "event": {"type": "message", "text": REFUSED}})
    response = await slack.client.post(
        PATH, data=unsigned, headers={"Content-Type": "application/json"}
    )
    assert response.status == 401
    wrong_shape = urlencode(
        {"payload": json.dumps({"type": "block_actions", "user": MALFORMED, "actions": []})}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(wrong_shape)}
    assert (await slack.client.post(PATH, data=wrong_shape, headers=headers)).status == 400
    unhandled = urlencode(
        {
            "payload": json.dumps(
                {"type": "dialog_submission", "callback_id": "x", "submission": {"a": UNHANDLED}}
            )
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed_headers(unhandled)}
    assert (await slack.client.post(PATH, data=unhandled, headers=headers)).status < 500
    assert (await slack.command(FACILITATOR, f"status {MARKER}")).status == 200

    posted = json.dumps([call.args for call in slack.fake.history])
    assert ANSWER in posted, "the words never reached Slack"
    text = logged(at_debug)
    assert "chat.postMessage" in text, "the Web API calls were not logged at all"
    assert MARKER not in text

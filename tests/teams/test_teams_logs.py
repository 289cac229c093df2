"""Logs hold no message bodies at any level: a whole Teams session, a reply, a malformed and a
refused activity through the real web app with every logger at DEBUG."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient
from teams_activities import PARTICIPANTS, POLICE
from teams_driver import KEY_POINTS, RECORD_NOTE, TeamsChannel

MARKER = "periwinkle"


@pytest.fixture
def at_debug(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
async def web(at_debug: pytest.LogCaptureFixture, web: TestClient) -> AsyncIterator[TestClient]:
    """The web app, built once every logger is at DEBUG."""
    yield web


async def test_a_whole_teams_session_leaves_no_words_in_the_logs(
    at_debug: pytest.LogCaptureFixture, teams: TeamsChannel
) -> None:
    session_id = await teams.run(teams.runtime.catalogue.models["kolb"])
    root = await teams.post_of(session_id, "root")
    await teams.send(teams.acts.reply(POLICE, root.id, f"a late {MARKER} reply"))
    malformed = teams.acts.reply(POLICE, root.id, f"a {MARKER} activity of the wrong shape")
    malformed["channelId"] = ""
    assert (await teams.send(malformed)).status == 400
    not_json = f'{{"text": "{MARKER}"'
    response = await teams.web.post(
        "/api/messages", data=not_json, headers={"Content-Type": "application/json"}
    )
    assert response.status == 400

    sent = json.dumps([call.body for call in teams.connector.calls], default=str)
    assert RECORD_NOTE in sent, "the record never reached Teams"
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in at_debug.records)
    assert logged, "nothing was logged at all"
    secrets = [MARKER, RECORD_NOTE, KEY_POINTS, *(p.name for p in PARTICIPANTS)]
    assert [secret for secret in secrets if secret in logged] == []

"""Without REFLECTBOT_LEARNING_CHANNEL, learning themes are not posted anywhere."""

from __future__ import annotations

import logging

import pytest
from teams_activities import CHANNEL
from teams_driver import TeamsChannel

from bot.config import Settings


@pytest.fixture
def settings() -> Settings:
    return Settings(learning_channel=None, microsoft_app_id=None)


async def test_learning_themes_are_dropped_with_a_log_line(
    teams: TeamsChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.teams.deliverer")
    session_id = await teams.run(teams.runtime.catalogue.models["kolb"])
    channels = {message.conversation for message in teams.connector.messages.values()}
    assert {c for c in channels if c.startswith("19:")} == {CHANNEL}
    assert f"session {session_id}: no learning channel configured" in caplog.text
    async with teams.runtime.store.transaction() as uow:
        assert await uow.messages.parts(session_id, "learning") == []

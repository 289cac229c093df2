"""A whole Moray session in Teams: its learning themes arrive in the CPC Lead Officer's channel
(REFLECTBOT_LEARNING_CHANNELS), not in the default learning channel."""

from __future__ import annotations

import pytest
from teams_activities import CPC_LEAD_CHANNEL, LEARNING_CHANNEL, teams_settings
from teams_driver import TeamsChannel

from bot.config import Settings


@pytest.fixture
def settings() -> Settings:
    return teams_settings(learning_channels=f"CPC Lead Officer={CPC_LEAD_CHANNEL}")


async def test_moray_learning_themes_arrive_in_the_cpc_lead_officers_channel(
    teams: TeamsChannel,
) -> None:
    session_id = await teams.run(teams.runtime.catalogue.models["moray-rcd"])
    (learning,) = teams.connector.channel_posts(CPC_LEAD_CHANNEL)
    assert learning.texts()[0] == "Learning themes for the CPC Lead Officer"
    escaped = "The group agreed the plan &amp; the risks: &lt;b&gt;no&lt;/b&gt; surprises."
    assert escaped in learning.text(), "the facilitator's themes, escaped"
    assert "RCD-0417" not in learning.text()
    assert teams.connector.channel_posts(LEARNING_CHANNEL) == []
    state = await teams.state(session_id)
    assert state.learning is not None and state.learning.channel == CPC_LEAD_CHANNEL

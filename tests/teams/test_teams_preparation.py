"""Teams: the facilitator sends the preparation pack from the root card; each participant gets
it in their 1:1 chat with reflectbot, with every question of the model."""

from __future__ import annotations

from teams_activities import CHANNEL, FACILITATOR, PARTICIPANTS
from teams_driver import TeamsChannel


async def test_the_preparation_pack_arrives_in_each_participants_chat(teams: TeamsChannel) -> None:
    session_id = await teams.start("moray-rcd")
    root = await teams.post_of(session_id, "root")
    before = len(teams.connector.channel_posts(CHANNEL))
    await teams.press(FACILITATOR, root, "send_preparation")
    model = (await teams.state(session_id)).model
    for person in PARTICIPANTS:
        text = "\n".join(m.text() for m in teams.connector.chat(person.teams_id))
        assert "Preparing for the reflective case discussion" in text
        for question in (q for stage in model.stages for q in stage.questions):
            assert question.text.replace("&", "&amp;") in text, question.id
        assert "Discrepancy Matrix" in text
    told = teams.connector.chat(FACILITATOR.teams_id)[-1].text()
    assert "sent privately to each of the 3 participants" in told
    assert len(teams.connector.channel_posts(CHANNEL)) == before, "nothing in the channel"

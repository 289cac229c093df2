"""The setup modal asks what the chosen model's procedure asks of the facilitator: the chair
it expects, the declaration of no involvement, its setup confirmations, and the session's own
confidentiality points for the ground rules."""

from __future__ import annotations

import json

from slack_driver import SlackSession
from slack_requests import FACILITATOR, PARTICIPANTS, PRESENTER, setup_values


async def test_choosing_a_model_shows_its_confirmations_and_keeps_the_modal(
    session: SlackSession,
) -> None:
    await session.slack.command(FACILITATOR)
    opened = session.last_view()
    assert not any(str(b.get("block_id", "")).startswith("confirm:") for b in opened["blocks"])
    await session.slack.choose(FACILITATOR, opened, "model", "space-to-think")
    (update,) = session.fake.called("views.update")
    assert update.args["view_id"] == "V1" and update.args["hash"] == "1700000000.abc"
    labels = [b["label"]["text"] for b in update.args["view"]["blocks"] if b["type"] == "input"]
    assert any(
        label.startswith("Families have been informed that this model exists") for label in labels
    )
    assert labels[:2] == ["Facilitation model", "Your involvement in the case"]
    await session.slack.choose(FACILITATOR, session.last_view(), "model", "morrison-4x4x4")
    shown = json.dumps(session.last_view()["blocks"])
    assert "Families have been informed" not in shown
    assert "Team Manager or Assistant Team Manager in Social Care" in shown


async def test_confirmations_declaration_and_confidentiality_reach_the_session(
    session: SlackSession,
) -> None:
    point = "What is said about other agencies' records stays in this channel."
    await session.start(
        "space-to-think",
        list(PARTICIPANTS),
        PRESENTER,
        no_involvement=True,
        confirmed=("families_informed", "child_record"),
        confidentiality=f"{point}\n\n",
    )
    state = await session.state()
    assert state.no_involvement and state.confirmed == ["families_informed", "child_record"]
    root = " ".join(session.latest(await session.ts_of("root")).texts())
    assert point in root
    assert "declared no involvement in the case" in root


async def test_confidentiality_points_naming_the_family_stay_in_the_modal(
    session: SlackSession,
) -> None:
    await session.slack.command(FACILITATOR)
    await session.slack.choose(FACILITATOR, session.last_view(), "model", "kolb")
    values = setup_values(
        "kolb", list(PARTICIPANTS), PRESENTER, confidentiality="Ring mum on 07700 900123."
    )
    response = await session.slack.submit(FACILITATOR, session.last_view(), values)
    await session.drain()
    told = " ".join(" ".join(c.texts()) for c in session.fake.called("chat.postEphemeral"))
    assert response.status == 200
    assert "confidentiality points seem to contain" in told and "900123" not in told

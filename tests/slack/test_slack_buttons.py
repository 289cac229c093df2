"""Buttons: who may press them, and buttons that are malformed or outlived their session."""

from __future__ import annotations

from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, PRESENTER

from dialogs.content import ActionId
from dialogs.state import Phase


async def test_a_facilitator_button_pressed_by_someone_else_gets_a_private_explanation(
    session: SlackSession,
) -> None:
    await session.start("kolb", ["USW", "UPOL", "UHV"], PRESENTER)
    session.fake.clear()
    await session.press(PRESENTER, "root", ActionId.BEGIN)
    assert (await session.state()).phase is Phase.GROUND_RULES
    (told,) = session.fake.called("chat.postEphemeral")
    assert (told.args["user"], told.args["channel"]) == (PRESENTER, CHANNEL)
    assert "Only the facilitator" in " ".join(told.texts())
    assert session.fake.called("chat.postMessage") == []


async def test_agreeing_updates_the_root_message(session: SlackSession) -> None:
    await session.start("kolb", ["USW", "UPOL", "UHV"], PRESENTER)
    root_ts = await session.ts_of("root")
    session.fake.clear()
    await session.press(PRESENTER, "root", ActionId.AGREE)
    (update,) = session.fake.called("chat.update")
    assert update.args["ts"] == root_ts
    lines = "\n".join(update.texts()).splitlines()
    assert any(line.startswith("• Priya Shah, Social work") for line in lines)
    assert [line.endswith("(agreed)") for line in lines if "Priya Shah" in line] == [True]
    assert "Each participant agrees to the ground rules. Waiting for: <@UPOL>, <@UHV>" in lines


async def test_buttons_on_an_ephemeral_message_find_their_session(session: SlackSession) -> None:
    """The record preview is ephemeral (no stable ts): its buttons carry the session id."""
    await session.begin()
    await session.answer_everything()
    await session.review_and_approve()
    assert (await session.state()).phase is Phase.PUBLISHED


async def test_a_malformed_or_foreign_button_changes_nothing_and_says_so(
    session: SlackSession,
) -> None:
    await session.begin()
    state_before = await session.state()
    session.fake.clear()
    for action_id, value in (
        ("reflect:next:0", "no-separator"),
        ("reflect:next:0", "unknown-session|"),
        ("reflect:launch:0", f"{session.session_id}|"),
        ("reflect:scale:0", f"{session.session_id}|no-number"),
    ):
        button = {
            "action_id": action_id,
            "value": value,
            "text": {"type": "plain_text", "text": "x"},
        }
        response = await session.slack.press(FACILITATOR, button)
        assert response.status == 200
    await session.drain()
    assert await session.state() == state_before
    told = session.fake.called("chat.postEphemeral")
    assert len(told) == 4
    assert all(call.args["user"] == FACILITATOR for call in told)


async def test_key_points_are_written_in_a_modal_and_shown_in_the_channel(
    session: SlackSession,
) -> None:
    await session.begin("moray-rcd")
    while not (await session.state()).awaiting_key_points:
        await session.answer_round()
    stage_id = (await session.state()).awaiting_key_points
    assert stage_id is not None
    await session.write_key_points(stage_id, "Different pictures <!channel> & plans.")
    assert (await session.state()).stage_notes[stage_id] == "Different pictures <!channel> & plans."
    shown = "\n".join(session.latest(await session.ts_of(f"kp:{stage_id}")).texts())
    assert "Different pictures &lt;!channel&gt; &amp; plans." in shown


async def test_only_the_facilitator_opens_the_key_points_form(session: SlackSession) -> None:
    await session.begin("moray-rcd")
    while not (await session.state()).awaiting_key_points:
        await session.answer_round()
    stage_id = (await session.state()).awaiting_key_points
    opened = len(session.fake.called("views.open"))
    await session.press(PRESENTER, f"kp:{stage_id}", ActionId.KEY_POINTS)
    assert len(session.fake.called("views.open")) == opened
    assert session.fake.called("chat.postEphemeral")[-1].args["user"] == PRESENTER

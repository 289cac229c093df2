"""Buttons: who may press them, and buttons that are malformed or outlived their session."""

from __future__ import annotations

from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, PRESENTER

from dialogs.content import ActionId
from dialogs.state import Phase, QuestionStatus


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


async def test_a_replayed_press_is_applied_once(session: SlackSession) -> None:
    """Slack may deliver a signed press again (a retry, or a replay within five minutes): the
    question the facilitator moved on from is closed once, not the ones after it too."""
    await session.begin()
    first, ts = await session.open_question()
    call = session.latest(ts)
    payload = session.slack.press_payload(FACILITATOR, session.button(call, ActionId.NEXT), call)
    for _ in range(3):
        response = await session.slack.interact(payload)
        assert response.status == 200
        await session.drain()
    state = await session.state()
    closed = [q for q in state.questions.values() if q.status is QuestionStatus.CLOSED]
    assert [q.id for q in closed] == [first]
    assert state.open_questions[0].id != first


async def test_a_second_press_on_a_question_that_moved_on_is_refused(
    session: SlackSession,
) -> None:
    """Two people's (or one impatient person's) presses of Next on the same question: the
    second is told the question has closed, and the next question stays open."""
    await session.begin()
    first, ts = await session.open_question()
    call = session.latest(ts)
    button = session.button(call, ActionId.NEXT)
    await session.slack.press(FACILITATOR, button, call)
    await session.drain()
    second = (await session.state()).open_questions[0].id
    assert second != first
    # Its closing is shown by the next question's post, not by a redraw of its own.
    assert session.latest(ts) is call
    session.fake.clear()

    response = await session.slack.press(FACILITATOR, button, call)
    assert response.status == 200
    await session.drain()
    state = await session.state()
    assert state.open_questions[0].id == second
    assert state.questions[second].status is QuestionStatus.OPEN
    (told,) = session.fake.called("chat.postEphemeral")
    assert told.args["user"] == FACILITATOR
    assert "already closed" in " ".join(told.texts())
    assert session.fake.called("chat.postMessage") == []
    # The press redraws the message pressed: it now shows closed, without its buttons.
    (redrawn,) = session.fake.called("chat.update")
    assert redrawn.args["ts"] == ts
    assert "Closed —" in " ".join(redrawn.texts()) and redrawn.buttons() == []


async def test_a_stages_fields_are_asked_in_its_key_points_modal_and_kept(
    session: SlackSession,
) -> None:
    """Kolb's learning themes are asked when Abstract Conceptualisation ends, in the same
    modal as key points, and submitted as a signed view_submission."""
    await session.begin("kolb")
    while (await session.state()).awaiting_key_points != "abstract_conceptualisation":
        await session.answer_round()
    themes = "Information <!here> reaches the core group late & partly."
    await session.write_key_points("abstract_conceptualisation", fields={"learning_themes": themes})
    modal = session.last_view()
    inputs = {b["block_id"]: b["label"]["text"] for b in modal["blocks"] if b["type"] == "input"}
    assert inputs == {
        "field-learning_themes.0": "Learning Themes: any identified multi-agency learning themes"
    }
    state = await session.state()
    assert state.captured == {"learning_themes": themes}
    assert state.awaiting_key_points is None and state.stage_index == 3
    shown = "\n".join(session.latest(await session.ts_of("kp:abstract_conceptualisation")).texts())
    assert "Information &lt;!here&gt; reaches the core group late &amp; partly." in shown


async def test_the_message_left_as_it_was_at_publication_is_redrawn_when_pressed(
    session: SlackSession,
) -> None:
    """The root says at once that the session is published; "The discussion is complete", just
    above the record's post, is not redrawn then, and a press on its button redraws it."""
    await session.begin()
    await session.answer_everything()
    root_ts, ready_ts = await session.ts_of("root"), await session.ts_of("record_draft")
    session.fake.clear()
    await session.review_and_approve()
    assert (await session.state()).phase is Phase.PUBLISHED
    updated = {call.args["ts"] for call in session.fake.called("chat.update")}
    assert root_ts in updated and ready_ts not in updated
    session.fake.clear()

    await session.press(FACILITATOR, "record_draft", ActionId.EDIT_RECORD)
    (told,) = session.fake.called("chat.postEphemeral")
    assert told.args["user"] == FACILITATOR
    (redrawn,) = session.fake.called("chat.update")
    assert redrawn.args["ts"] == ready_ts and redrawn.buttons() == []
    assert "The record has been approved" in " ".join(redrawn.texts())
    assert session.fake.called("views.open") == []

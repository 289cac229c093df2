"""Who writes the record and who confirms it, in Slack: the facilitator hands the record to a
recorder from the root message; the participants confirm the draft from their direct messages
(Morrison 4x4x4); the record names only those who confirmed."""

from __future__ import annotations

from slack_driver import SlackSession
from slack_requests import CHANNEL, FACILITATOR, PRESENTER, form_values

from dialogs.content import ActionId
from dialogs.state import Phase


async def test_a_recorder_writes_it_up_and_the_record_names_who_confirmed(
    session: SlackSession,
) -> None:
    await session.begin("morrison-4x4x4")
    await session.press(FACILITATOR, "root", ActionId.CHOOSE_RECORDER)
    view = session.last_view()
    await session.slack.submit(FACILITATOR, view, form_values(view, {"recorder.0": PRESENTER}))
    await session.drain()
    assert (await session.state()).recorder == PRESENTER
    told = [c for c in session.fake.called("chat.postEphemeral") if c.args["user"] == PRESENTER]
    assert "asked you to record this discussion" in " ".join(told[-1].texts())

    await session.answer_everything()  # the driver writes key points as the facilitator
    await session.press(PRESENTER, "record_draft", ActionId.EDIT_RECORD)
    view = session.last_view()
    edits = {"actions_agreed.0": "Share call-outs with the core group weekly."}
    await session.slack.submit(PRESENTER, view, form_values(view, edits))
    await session.drain()
    previews = session.fake.called("chat.postEphemeral")[-2:]
    assert [c.args["user"] for c in previews] == [PRESENTER, FACILITATOR]
    assert not session.has_button(previews[0], ActionId.APPROVE), "approval stays with the chair"
    assert session.has_button(previews[1], ActionId.ASK_CONFIRMATION)

    preview = await session.ask_to_confirm(["UPOL", "UHV"])
    progress = "\n".join(session.latest(await session.ts_of("record_draft")).texts())
    assert "Confirmed the draft: Dan Okafor, Ruth Campbell." in progress
    assert "not yet confirmed" in progress and f"<@{PRESENTER}>" in progress
    request = next(c for c in session.direct(PRESENTER) if c.buttons())
    assert "Share call-outs with the core group weekly." in "\n".join(request.texts())

    await session.slack.press(FACILITATOR, session.button(preview, ActionId.APPROVE))
    await session.drain()
    assert (await session.state()).phase is Phase.PUBLISHED
    record = session.posted(await session.ts_of("record"))
    assert record.args["channel"] == CHANNEL
    text = "\n".join(record.texts())
    assert "Confirmed by: Dan Okafor, Ruth Campbell (2 of 3 participants)." in text
    assert "recorder Priya Shah" in text


async def test_an_old_confirmation_button_does_not_confirm_an_edited_draft(
    session: SlackSession,
) -> None:
    await session.begin("morrison-4x4x4")
    await session.answer_everything()
    await session.press(FACILITATOR, "record_draft", ActionId.EDIT_RECORD)
    view = session.last_view()
    await session.slack.submit(FACILITATOR, view, form_values(view))
    await session.drain()
    await session.ask_to_confirm([])
    old = next(c for c in session.direct("UPOL") if c.buttons())
    await session.press(FACILITATOR, "record_draft", ActionId.EDIT_RECORD)
    view = session.last_view()
    await session.slack.submit(
        FACILITATOR, view, form_values(view, {"actions_agreed.0": "Changed after asking."})
    )
    await session.drain()
    await session.slack.press(
        "UPOL", session.button(old, ActionId.CONFIRM_RECORD), old, channel="DUPOL"
    )
    await session.drain()
    state = await session.state()
    assert state.record is not None and state.record.confirmations == []
    told = session.fake.called("chat.postEphemeral")[-1]
    assert told.args["user"] == "UPOL"
    assert "changed since it was sent to you" in " ".join(told.texts())

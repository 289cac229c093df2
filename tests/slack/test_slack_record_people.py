"""Who writes the record and who confirms it, in Slack: the facilitator hands the record to a
recorder from the root message; the participants confirm the draft from their direct messages
(Morrison 4x4x4); the record names only those who confirmed."""

from __future__ import annotations

from slack_driver import SlackSession
from slack_fake_api import Call
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
    await _previewed(session)
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


async def _previewed(session: SlackSession) -> Call:
    """A Morrison 4x4x4 discussion over, its draft previewed by the facilitator: the preview."""
    await session.begin("morrison-4x4x4")
    await session.answer_everything()
    await session.press(FACILITATOR, "record_draft", ActionId.EDIT_RECORD)
    view = session.last_view()
    await session.slack.submit(FACILITATOR, view, form_values(view))
    await session.drain()
    preview = session.fake.called("chat.postEphemeral")[-1]
    assert preview.args["user"] == FACILITATOR
    # Every press so far was on a message the channel shares: none was answered in place.
    assert session.fake.responses == []
    return preview


async def test_presses_on_private_messages_are_answered_in_place(session: SlackSession) -> None:
    """The facilitator's "ask to confirm" on their preview, and each participant's Confirm on
    their copy of the draft, are answered by replacing the message pressed through the press's
    response_url: no new message, no Web API call, and the button is gone."""
    preview = await _previewed(session)
    session.fake.clear()
    await session.slack.press(FACILITATOR, session.button(preview, ActionId.ASK_CONFIRMATION))
    await session.drain()
    (asked,) = session.fake.responses
    assert asked.args["ts"] == "ephemeral" and asked.args["channel"] == CHANNEL
    assert asked.args["replace_original"] is True
    assert "sent privately to the 3 participants" in " ".join(asked.texts())
    assert session.has_button(asked, ActionId.APPROVE)
    assert not session.has_button(asked, ActionId.ASK_CONFIRMATION)
    # The participants are sent the draft; nothing else is called: the facilitator's preview
    # shows who has confirmed, and the channel's notice is redrawn as they confirm.
    assert sorted(c.method for c in session.fake.actions()) == [
        *["chat.postMessage"] * 3,
        *["conversations.open"] * 3,
    ]
    notice = "\n".join(session.latest(await session.ts_of("record_draft")).texts())
    assert "Each participant is asked privately to confirm the draft" in notice

    request = next(c for c in session.direct("UPOL") if c.buttons())
    session.fake.clear()
    button = session.button(request, ActionId.CONFIRM_RECORD)
    await session.slack.press("UPOL", button, request, channel="DUPOL")
    await session.drain()
    confirmed = session.fake.responses[-1]
    assert (confirmed.args["channel"], confirmed.args["ts"]) == ("DUPOL", request.answer["ts"])
    assert confirmed.args["replace_original"] is True
    shown = " ".join(confirmed.texts())
    assert "You confirmed this draft at" in shown and "Thank you." in shown
    assert confirmed.buttons() == []
    (copy,) = [m for m in session.fake.in_channel("DUPOL") if m.ts == request.answer["ts"]]
    assert "You confirmed this draft at" in str(copy.blocks), "the copy in their messages"
    assert session.fake.called("chat.postEphemeral") == []
    assert [c.user_id for c in (await session.state()).record.confirmations] == ["UPOL"]  # type: ignore[union-attr]
    # Pressed again (a second tab still showing the button): the same answer, nothing changes.
    await session.slack.press("UPOL", button, request, channel="DUPOL")
    await session.drain()
    assert " ".join(session.fake.responses[-1].texts()) == shown
    assert session.fake.called("chat.postEphemeral") == []
    assert len((await session.state()).record.confirmations) == 1  # type: ignore[union-attr]


async def test_a_press_answered_in_place_falls_back_to_a_private_message(
    session: SlackSession,
) -> None:
    """When the response_url refuses (it has expired), the person is told privately where
    they pressed, as before; their confirmation is recorded all the same."""
    preview = await _previewed(session)
    await session.slack.press(FACILITATOR, session.button(preview, ActionId.ASK_CONFIRMATION))
    await session.drain()
    request = next(c for c in session.direct("UHV") if c.buttons())
    session.fake.clear()
    session.fake.fail("response_url", 404, "expired_url")
    await session.slack.press(
        "UHV", session.button(request, ActionId.CONFIRM_RECORD), request, channel="DUHV"
    )
    await session.drain()
    (told,) = session.fake.called("chat.postEphemeral")
    assert (told.args["channel"], told.args["user"]) == ("DUHV", "UHV")
    assert "your confirmation of the draft record is recorded" in " ".join(told.texts())
    assert [c.user_id for c in (await session.state()).record.confirmations] == ["UHV"]  # type: ignore[union-attr]

"""After the record: evaluation invitations, agreed-action reminders, and publishing a record the
identifier guard still flags."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_driver import SlackSession
from slack_requests import FACILITATOR, form_values

from bot.clock import ManualClock
from dialogs.content import ActionId, FormId
from dialogs.messages import action_field
from dialogs.state import Phase


async def test_participants_evaluate_privately_from_a_direct_message(
    session: SlackSession,
) -> None:
    await session.begin("moray-rcd")
    await session.answer_everything()
    await session.review_and_approve()
    direct = [c for c in session.fake.called("chat.postMessage") if c.args["channel"] == "DUPOL"]
    (invitation,) = [c for c in direct if c.buttons()]
    button = session.button(invitation, ActionId.EVALUATE)
    response = await session.slack.press("UPOL", button, invitation, channel="DUPOL")
    assert response.status == 200
    view = session.last_view()
    assert form_values(view)  # every question is an input
    first = next(b for b in view["blocks"] if b["type"] == "input")
    assert first["element"]["type"] == "static_select"
    edits = {first["block_id"]: "4"}
    assert (await session.slack.submit("UPOL", view, form_values(view, edits))).status == 200
    await session.drain()
    async with session.runtime.store.transaction() as uow:
        stored = await uow.evaluations.answers("moray-rcd")
    assert stored == [("moray-rcd", {first["block_id"].removesuffix(".0"): "4"})]
    assert "UPOL" not in str(stored)


async def test_the_owner_of_an_agreed_action_is_reminded_and_marks_it_done(
    session: SlackSession, clock: ManualClock
) -> None:
    await session.begin("space-to-think")
    await session.answer_everything()
    edits = {
        f"{action_field(1, 'text')}.0": "Invite the school to every core group",
        f"{action_field(1, 'owner')}.0": "UPOL",
        f"{action_field(1, 'review')}.0": "2026-11-30",
    }
    await session.review_and_approve(edits=edits)
    record = await session.record_text()
    assert "Invite the school to every core group — Dan Okafor, review 30 November 2026" in record
    clock.advance(datetime(2026, 11, 30, 9, tzinfo=UTC) - clock.now())
    assert await session.runtime.service.tick_due() == 1
    await session.drain()
    reminder = session.fake.called("chat.postMessage")[-1]
    assert reminder.args["channel"] == "DUPOL"
    done = session.button(reminder, ActionId.ACTION_DONE)
    await session.slack.press("UPOL", done, reminder, channel="DUPOL")
    state = await session.state()
    assert state.record is not None and state.record.actions[0].done


async def test_a_record_the_guard_still_flags_is_published_only_with_a_reason(
    session: SlackSession,
) -> None:
    await session.begin("kolb", watchlist="Jordan Smith\n\n")
    await session.answer_everything()
    await session.press(FACILITATOR, "record_draft", ActionId.EDIT_RECORD)
    view = session.last_view()
    edits = {"escalated_to.0": "Jordan Smith's school"}
    await session.slack.submit(FACILITATOR, view, form_values(view, edits))
    await session.drain()
    preview = session.fake.called("chat.postEphemeral")[-1]
    assert "still seems to contain identifiers" in " ".join(preview.texts())
    anyway = session.button(preview, ActionId.PUBLISH_ANYWAY)
    await session.slack.press(FACILITATOR, anyway)
    override = session.last_view()
    assert FormId.OVERRIDE in override["private_metadata"]
    reason = {"reason.0": "The school is named, not the child; the chair agreed."}
    await session.slack.submit(FACILITATOR, override, form_values(override, reason))
    await session.drain()
    assert (await session.state()).phase is Phase.PUBLISHED


async def test_a_form_submission_that_is_not_ours_changes_nothing(session: SlackSession) -> None:
    await session.begin("kolb")
    before = await session.state()
    for metadata in (
        "not json",
        '{"session": "x"}',
        '{"session": "x", "form": "bogus", "value": "", "parts": {}}',
    ):
        view = {"callback_id": "reflect:form", "private_metadata": metadata, "blocks": []}
        response = await session.slack.submit(FACILITATOR, view, {})
        assert response.status == 200
    await session.drain()
    assert await session.state() == before


async def test_each_participant_receives_the_published_record_privately(
    session: SlackSession,
) -> None:
    """The models' records are shared with participants (for their own supervision): each
    gets a copy in their direct messages with the bot."""
    await session.begin("kolb")
    await session.answer_everything()
    await session.review_and_approve()
    title = (await session.state()).model.record.title
    for person in ("USW", "UPOL", "UHV"):
        direct = [
            c for c in session.fake.called("chat.postMessage") if c.args["channel"] == f"D{person}"
        ]
        assert any(title in " ".join(c.texts()) for c in direct), person

"""Who writes the record and who confirms it, in Teams: the facilitator hands the record to a
recorder from the root card's dialog; the participants confirm the draft from their chats with
the bot (Morrison 4x4x4); the record names only those who confirmed."""

from __future__ import annotations

from teams_activities import CHANNEL, FACILITATOR, HEALTH, POLICE, PRESENTER
from teams_driver import TeamsChannel

from dialogs.state import Phase


async def test_a_recorder_writes_it_up_and_the_record_names_who_confirmed(
    teams: TeamsChannel,
) -> None:
    session_id = await teams.start("morrison-4x4x4")
    root = await teams.post_of(session_id, "root")
    dialog = await teams.open_dialog(FACILITATOR, root, "choose_recorder")
    assert dialog.body["task"]["type"] == "continue", dialog.body
    await teams.submit_dialog(FACILITATOR, root.root, dialog, {"field:recorder": PRESENTER.aad_id})
    assert (await teams.state(session_id)).recorder == PRESENTER.aad_id
    chat = teams.connector.chat(PRESENTER.teams_id)
    assert "asked you to record this discussion" in chat[-1].text()

    await teams.begin(session_id)
    state = await teams.state(session_id)
    while state.phase is Phase.RUNNING:
        state = await teams.advance(session_id)
    ready = await teams.post_of(session_id, "record_draft")
    dialog = await teams.open_dialog(PRESENTER, ready, "edit_record")
    assert dialog.body["task"]["type"] == "continue", dialog.body
    edits = {"field:actions_agreed": "Share call-outs with the core group weekly."}
    await teams.submit_dialog(PRESENTER, ready.root, dialog, edits)
    mine = teams.connector.chat(PRESENTER.teams_id)[-1]
    assert [b["data"]["action"] for b in mine.buttons()] == ["edit_record"]
    preview = teams.connector.chat(FACILITATOR.teams_id)[-1]

    preview = await teams.ask_to_confirm(preview, (POLICE, HEALTH))
    progress = teams.connector.messages[ready.id].text()
    assert "Confirmed the draft: Sam Constable, Jo Visitor." in progress
    assert "not yet confirmed" in progress and PRESENTER.name in progress
    await teams.send(teams.acts.personal_submit(FACILITATOR, preview.id, preview.button("approve")))
    assert (await teams.state(session_id)).phase is Phase.PUBLISHED
    record = await teams.post_of(session_id, "record")
    assert record.conversation == CHANNEL
    assert "Confirmed by: Sam Constable, Jo Visitor (2 of 3 participants)." in record.text()
    assert "recorder Pat Presenter" in record.text()


async def test_presses_in_a_person_s_chat_update_the_card_pressed(teams: TeamsChannel) -> None:
    """Asking the participants from the facilitator's preview, and each participant's Confirm
    on their copy of the draft, update the card pressed in place: no new card in the chat,
    and the button pressed is gone."""
    session_id = await teams.start("morrison-4x4x4")
    await teams.begin(session_id)
    state = await teams.state(session_id)
    while state.phase is Phase.RUNNING:
        state = await teams.advance(session_id)
    ready = await teams.post_of(session_id, "record_draft")
    dialog = await teams.open_dialog(FACILITATOR, ready, "edit_record")
    await teams.submit_dialog(FACILITATOR, ready.root, dialog, {})
    preview = teams.connector.chat(FACILITATOR.teams_id)[-1]
    in_chat = len(teams.connector.chat(FACILITATOR.teams_id))

    ask = preview.button("ask_confirmation")
    await teams.send(teams.acts.personal_submit(FACILITATOR, preview.id, ask))
    assert len(teams.connector.chat(FACILITATOR.teams_id)) == in_chat, "no new card"
    updated = teams.connector.messages[preview.id]
    assert "sent privately to the 3 participants" in updated.text()
    assert [b["data"]["action"] for b in updated.buttons()] == ["approve", "edit_record"]

    request = teams.connector.chat(POLICE.teams_id)[-1]
    in_chat = len(teams.connector.chat(POLICE.teams_id))
    confirm = request.button("confirm_record")
    await teams.send(teams.acts.personal_submit(POLICE, request.id, confirm))
    assert len(teams.connector.chat(POLICE.teams_id)) == in_chat, "no new card"
    confirmed = teams.connector.messages[request.id]
    assert "You confirmed this draft at" in confirmed.text()
    assert confirmed.buttons() == []
    record = (await teams.state(session_id)).record
    assert record is not None and [c.user_id for c in record.confirmations] == [POLICE.aad_id]

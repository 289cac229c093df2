"""What people see when things go their way and when they do not: refusals, redelivery,
edits and deletions, commands, malformed payloads and user text that looks like markup."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from teams_activities import (
    CHANNEL,
    FACILITATOR,
    HEALTH,
    LEARNING_CHANNEL,
    OUTSIDER,
    PARTICIPANTS,
    POLICE,
    PRESENTER,
    TEAM,
    Person,
)
from teams_driver import TeamsChannel

from bot.clock import ManualClock
from dialogs.state import Phase, QuestionStatus


async def _running(teams: TeamsChannel, model_id: str = "kolb") -> tuple[str, str]:
    """A session whose first question is open; returns the session id and the question id."""
    session_id = await teams.start(model_id)
    root = await teams.post_of(session_id, "root")
    for person in PARTICIPANTS:
        await teams.press(person, root, "agree")
    await teams.press(FACILITATOR, root, "begin")
    state = await teams.state(session_id)
    return session_id, state.open_questions[0].id


def _private_texts(teams: TeamsChannel, person) -> list[str]:  # type: ignore[no-untyped-def]
    return [message.text() for message in teams.connector.chat(person.teams_id)]


async def test_setup_card_offers_the_mentioned_people_and_the_models(teams: TeamsChannel) -> None:
    command = teams.acts.command(FACILITATOR, "start kolb", PARTICIPANTS)
    await teams.send(command)

    setup = teams.connector.replies(CHANNEL, command["id"])[-1]
    inputs = {e["id"]: e for e in setup.card["body"] if e["type"].startswith("Input.")}
    assert inputs["model"]["value"] == "kolb"
    leads = {choice["value"] for choice in inputs["lead"]["choices"]} - {""}
    assert leads == {p.aad_id for p in PARTICIPANTS}
    assert "never" in inputs["case_reference"]["placeholder"]
    assert {f"agency:{p.aad_id}" for p in PARTICIPANTS} <= set(inputs)
    assert setup.button("setup")["facilitator"]["id"] == FACILITATOR.aad_id


async def test_start_without_people_explains_how(teams: TeamsChannel) -> None:
    command = teams.acts.command(FACILITATOR, "start kolb")
    await teams.send(command)
    answer = teams.connector.replies(CHANNEL, command["id"])[-1]
    assert "Mention the people taking part" in answer.text()


async def test_only_the_person_who_asked_can_submit_the_setup(teams: TeamsChannel) -> None:
    command = teams.acts.command(FACILITATOR, "start kolb", PARTICIPANTS)
    await teams.send(command)
    setup = teams.connector.replies(CHANNEL, command["id"])[-1]
    data = setup.button("setup") | {"model": "kolb", "case_reference": "RCD-1", "lead": ""}

    await teams.send(teams.acts.submit(POLICE, command["id"], setup.id, data))

    assert teams.connector.channel_posts(CHANNEL) == [], "no session was posted"
    assert any("Only Fran Facilitator" in text for text in _private_texts(teams, POLICE))


async def test_a_start_the_engine_refuses_is_explained_privately(teams: TeamsChannel) -> None:
    # Space to Think asks the case presenter questions, and none is chosen.
    assert await teams.start("space-to-think", lead=None) == ""
    assert any(
        "please choose one of the participants" in t for t in _private_texts(teams, FACILITATOR)
    )
    async with teams.runtime.store.transaction() as uow:
        assert await uow.sessions.active_in("teams", CHANNEL) is None


async def test_the_setup_card_is_closed_once_the_session_starts(teams: TeamsChannel) -> None:
    command = teams.acts.command(FACILITATOR, "start kolb", PARTICIPANTS)
    await teams.send(command)
    setup = teams.connector.replies(CHANNEL, command["id"])[-1]
    data = setup.button("setup") | {
        "model": "kolb",
        "case_reference": "RCD-9",
        "lead": PRESENTER.aad_id,
    }
    await teams.send(teams.acts.submit(FACILITATOR, command["id"], setup.id, data))
    assert not any(e["type"].startswith("Input.") for e in setup.card["body"])
    assert setup.texts()[0] == "Session set up"


async def test_only_the_facilitator_can_begin_and_move_on(teams: TeamsChannel) -> None:
    session_id = await teams.start("kolb")
    root = await teams.post_of(session_id, "root")
    for person in PARTICIPANTS:
        await teams.press(person, root, "agree")

    await teams.press(POLICE, root, "begin")

    assert (await teams.state(session_id)).phase is Phase.GROUND_RULES
    assert any("Only the facilitator" in t for t in _private_texts(teams, POLICE))
    await teams.press(FACILITATOR, root, "begin")
    state = await teams.state(session_id)
    question = await teams.post_of(session_id, f"q:{state.open_questions[0].id}")
    await teams.press(HEALTH, question, "next")
    assert (await teams.state(session_id)).open_questions == state.open_questions


async def test_a_second_private_message_to_a_person_reuses_their_chat(
    teams: TeamsChannel,
) -> None:
    """The 1:1 chat is looked up and created for a person's first private message only: the
    second costs one call, the message itself."""
    session_id = await teams.start("kolb")
    root = await teams.post_of(session_id, "root")
    await teams.press(POLICE, root, "begin")
    before = len(teams.connector.calls)
    await teams.press(POLICE, root, "begin")

    told = [t for t in _private_texts(teams, POLICE) if "Only the facilitator" in t]
    assert len(told) == 2
    calls = teams.connector.calls[before:]
    assert [c for c in calls if "/members/" in c.path] == []
    assert [c for c in calls if c.path == "/v3/conversations"] == []
    (sent,) = [c for c in calls if c.path.endswith("/activities")]
    assert sent.path == f"/v3/conversations/a:{POLICE.teams_id}/activities"


async def test_the_root_card_shows_who_has_agreed(teams: TeamsChannel) -> None:
    session_id = await teams.start("kolb")
    root = await teams.post_of(session_id, "root")
    assert "Pat Presenter" in root.text() and "not yet agreed" in root.text()
    await teams.press(PRESENTER, root, "agree")
    root = await teams.post_of(session_id, "root")
    assert "Pat Presenter, Social work" in root.text()
    assert any("Pat Presenter" in line and "(agreed)" in line for line in root.texts())


async def test_a_non_participant_reply_is_not_counted(teams: TeamsChannel) -> None:
    session_id, question_id = await _running(teams)
    post = await teams.post_of(session_id, f"q:{question_id}")

    await teams.send(teams.acts.reply(OUTSIDER, post.id, "I was not invited"))

    state = await teams.state(session_id)
    assert state.questions[question_id].answers == []
    assert any("Only the people invited" in t for t in _private_texts(teams, OUTSIDER))


async def test_a_reply_anywhere_else_is_ignored(teams: TeamsChannel) -> None:
    await _running(teams)
    unrelated = teams.acts.command(POLICE, "unrelated")
    unrelated["text"], unrelated["entities"] = "A post about something else", []
    calls = len(teams.connector.calls)
    await teams.send(unrelated)
    await teams.send(teams.acts.reply(POLICE, unrelated["id"], "chatting"))
    assert len(teams.connector.calls) == calls


async def test_answers_edits_and_deletions_in_a_thread(teams: TeamsChannel) -> None:
    session_id, question_id = await _running(teams)
    post = await teams.post_of(session_id, f"q:{question_id}")
    reply = teams.acts.reply(POLICE, post.id, "First thoughts", mentions_bot=True)

    await teams.send(reply)
    answers = (await teams.state(session_id)).questions[question_id].answers
    assert [(a.author, a.text) for a in answers] == [(POLICE.aad_id, "First thoughts")]
    assert "1 of 3 answered" in (await teams.post_of(session_id, f"q:{question_id}")).text()

    await teams.send(teams.acts.edit(POLICE, post.id, reply["id"], "Second thoughts"))
    answers = (await teams.state(session_id)).questions[question_id].answers
    assert [a.text for a in answers] == ["Second thoughts"] and answers[0].edited

    await teams.send(teams.acts.delete(POLICE, post.id, reply["id"]))
    assert (await teams.state(session_id)).questions[question_id].answers == []


async def test_someone_else_cannot_delete_an_answer(teams: TeamsChannel) -> None:
    session_id, question_id = await _running(teams)
    post = await teams.post_of(session_id, f"q:{question_id}")
    reply = teams.acts.reply(POLICE, post.id, "Mine")
    await teams.send(reply)
    await teams.send(teams.acts.delete(HEALTH, post.id, reply["id"]))
    assert len((await teams.state(session_id)).questions[question_id].answers) == 1


async def test_a_redelivered_activity_changes_nothing(teams: TeamsChannel) -> None:
    session_id, question_id = await _running(teams)
    post = await teams.post_of(session_id, f"q:{question_id}")
    reply = teams.acts.reply(POLICE, post.id, "Said once")

    assert (await teams.send(reply)).status == 202
    calls = len(teams.connector.calls)
    assert (await teams.send(reply)).status == 202

    answers = (await teams.state(session_id)).questions[question_id].answers
    assert [a.text for a in answers] == ["Said once"]
    assert len(teams.connector.calls) == calls, "nothing was posted or updated again"


async def test_a_redelivered_button_press_changes_nothing(teams: TeamsChannel) -> None:
    session_id = await teams.start("kolb")
    root = await teams.post_of(session_id, "root")
    press = teams.acts.submit(PRESENTER, root.id, root.id, root.button("agree"))
    await teams.send(press)
    await teams.send(press)
    assert (await teams.state(session_id)).agreed == [PRESENTER.aad_id]
    assert not any("already agreed" in t for t in _private_texts(teams, PRESENTER))


async def test_scale_questions_offer_their_choices(teams: TeamsChannel) -> None:
    session_id = await teams.start("moray-rcd")
    state = await teams.state(session_id)
    scale = next(q for s in state.model.stages for q in s.questions if q.scale)
    await teams.run_until_open(session_id, scale.id)
    post = await teams.post_of(session_id, f"q:{scale.id}")
    values = [b["data"]["value"] for b in post.buttons() if b["data"]["action"] == "scale"]
    assert values == [f"{scale.id}:{v}" for v in range(scale.scale.low, scale.scale.high + 1)]

    await teams.press(POLICE, post, "scale", f"{scale.id}:{scale.scale.low}")
    await teams.press(POLICE, post, "scale", f"{scale.id}:{scale.scale.high}")
    answers = (await teams.state(session_id)).questions[scale.id].answers
    assert [(a.author, a.text) for a in answers] == [(POLICE.aad_id, str(scale.scale.high))]


async def test_commands_get_helpful_answers(teams: TeamsChannel) -> None:
    answers = {}
    for words in ("help", "models", "status", "dance", "end"):
        command = teams.acts.command(POLICE, words)
        await teams.send(command)
        answers[words] = teams.connector.replies(CHANNEL, command["id"])[-1].text()
    assert "start MODEL" in answers["help"]
    assert "kolb" in answers["models"] and "space-to-think" in answers["models"]
    assert "No session is running" in answers["status"]
    assert "I do not know the command “dance”" in answers["dance"]
    assert "No session is running" in answers["end"]


async def test_status_and_end_of_a_running_session(teams: TeamsChannel) -> None:
    session_id, _ = await _running(teams)
    status = teams.acts.command(POLICE, "status")
    await teams.send(status)
    text = teams.connector.replies(CHANNEL, status["id"])[-1].text()
    assert "RCD-0417" in text and "Stage 1 of" in text and "Sam Constable" in text

    await teams.send(teams.acts.command(POLICE, "end"))
    assert (await teams.state(session_id)).phase is Phase.RUNNING
    await teams.send(teams.acts.command(FACILITATOR, "end"))
    assert (await teams.state(session_id)).phase is Phase.RECORD_DRAFT


async def test_cancel_by_the_facilitator(teams: TeamsChannel) -> None:
    session_id, _ = await _running(teams)
    await teams.send(teams.acts.command(FACILITATOR, "cancel"))
    assert (await teams.state(session_id)).phase is Phase.CANCELLED
    assert "cancelled" in teams.connector.channel_posts(CHANNEL)[-1].text()


async def test_a_foreign_or_stale_button_gets_an_answer(teams: TeamsChannel) -> None:
    session_id = await teams.start("kolb")
    root = await teams.post_of(session_id, "root")
    for data in (
        {"action": "launch", "value": "", "session": session_id},
        {"action": "agree", "value": "", "session": "no-such-session"},
        {"unexpected": True},
    ):
        press = teams.acts.submit(PRESENTER, root.id, root.id, data)
        await teams.send(press)
        assert "no longer works" in teams.connector.replies(CHANNEL, root.id)[-1].text()
    assert (await teams.state(session_id)).agreed == []


async def test_only_the_facilitator_opens_the_key_points_dialog(teams: TeamsChannel) -> None:
    session_id, _ = await _running(teams, "kolb")
    await teams.send(teams.acts.command(FACILITATOR, "end"))
    ready = await teams.post_of(session_id, "record_draft")

    refused = await teams.open_dialog(POLICE, ready, "edit_record")
    assert refused.body["task"]["type"] == "message"
    assert any("Only the facilitator" in t for t in _private_texts(teams, POLICE))

    opened = await teams.open_dialog(FACILITATOR, ready, "edit_record")
    assert opened.body["task"]["type"] == "continue"


async def test_a_stages_fields_are_asked_in_its_key_points_dialog_and_kept(
    teams: TeamsChannel,
) -> None:
    """Kolb's issues for escalation and who they went to are asked when Active
    Experimentation ends, in the same dialog as key points, submitted from the card."""
    session_id, _ = await _running(teams, "kolb")
    state = await teams.state(session_id)
    while state.awaiting_key_points != "active_experimentation":
        for question in state.open_questions:
            await teams.answer_all(session_id, state.model, question.id, state)
        state = await teams.state(session_id)
        if state.awaiting_key_points == "abstract_conceptualisation":
            await teams.write_key_points(session_id, "abstract_conceptualisation")
            state = await teams.state(session_id)
    written = {
        "agreed_actions": "Police share call-out notes within a week.",
        "issues_for_escalation": "Late information <at>sharing</at>.",
        "escalated_to": "Service manager",
    }
    dialog = await teams.write_key_points(session_id, "active_experimentation", written)
    card = dialog.body["task"]["value"]["card"]["content"]
    labels = {e["id"]: e.get("label") for e in card["body"] if e.get("id", "").startswith("field:")}
    assert labels == {
        "field:field-agreed_actions": "Agreed Actions",
        "field:field-issues_for_escalation": "Issues for Escalation",
        "field:field-escalated_to": "Escalated to",
    }
    state = await teams.state(session_id)
    assert {k: state.captured[k] for k in written} == written
    assert state.phase is Phase.RECORD_DRAFT
    assert state.record is not None
    assert state.record.sections["escalated_to"] == "Service manager"


async def _edit_record(teams: TeamsChannel, session_id: str, section: str, text: str) -> None:
    """The facilitator ends the discussion and writes `text` into a record section."""
    await teams.send(teams.acts.command(FACILITATOR, "end"))
    ready = await teams.post_of(session_id, "record_draft")
    dialog = await teams.open_dialog(FACILITATOR, ready, "edit_record")
    await teams.submit_dialog(FACILITATOR, ready.root, dialog, {f"field:{section}": text})


async def _approve(teams: TeamsChannel) -> None:
    preview = teams.connector.chat(FACILITATOR.teams_id)[-1]
    await teams.send(teams.acts.personal_submit(FACILITATOR, preview.id, preview.button("approve")))


async def test_the_draft_record_stays_private_until_approved(teams: TeamsChannel) -> None:
    session_id, _ = await _running(teams)
    await _edit_record(teams, session_id, "issues_for_escalation", "A distinctive concern")

    channel_text = json.dumps([m.activity for m in teams.connector.channel_posts(CHANNEL)])
    assert "A distinctive concern" not in channel_text
    assert "A distinctive concern" in teams.connector.chat(FACILITATOR.teams_id)[-1].text()

    await _approve(teams)
    notice = await teams.post_of(session_id, "record")  # Kolb's record goes to each person
    assert notice.conversation == CHANNEL and "A distinctive concern" not in notice.text()
    (record,) = await teams.record_copy(session_id)
    assert "A distinctive concern" in record.text()


async def test_learning_themes_and_evaluations_after_publishing(teams: TeamsChannel) -> None:
    session_id = await teams.run(teams.runtime.catalogue.models["moray-rcd"])
    learning = teams.connector.channel_posts(LEARNING_CHANNEL)
    assert len(learning) == 1 and learning[0].texts()[0].startswith("Learning themes")
    assert "RCD-0417" not in learning[0].text()

    invitation = teams.connector.chat(POLICE.teams_id)[-1]
    dialog = await teams.send(
        teams.acts.invoke(POLICE, "task/fetch", invitation.id, invitation.button("evaluate"))
    )
    inputs = dialog.body["task"]["value"]["card"]["content"]["body"]
    choice = next(element for element in inputs if element["type"] == "Input.ChoiceSet")
    await teams.submit_dialog(POLICE, invitation.id, dialog, {choice["id"]: "4"})
    assert POLICE.aad_id in (await teams.state(session_id)).evaluated


MARKUP = "<at>Everyone</at> @here <!channel> <@U123> **bold** [link](https://example.org) & ok"


async def test_user_text_is_shown_literally_and_pings_nobody(teams: TeamsChannel) -> None:
    session_id, _ = await _running(teams)
    await _edit_record(teams, session_id, "issues_for_escalation", MARKUP)
    await _approve(teams)

    record = " ".join(m.text() for m in await teams.record_copy(session_id))
    assert "&lt;at&gt;Everyone&lt;/at&gt; @here &lt;!channel&gt; &lt;@U123&gt;" in record
    assert r"\*\*bold\*\* \[link\](https://example.org) &amp; ok" in record
    for call in teams.connector.calls:
        sent = json.dumps(call.body or {})
        assert "<at>" not in sent and '"mention"' not in sent


async def test_oversized_answers_are_refused_not_truncated(teams: TeamsChannel) -> None:
    session_id, question_id = await _running(teams)
    post = await teams.post_of(session_id, f"q:{question_id}")
    await teams.send(teams.acts.reply(POLICE, post.id, "x" * 9000))
    assert (await teams.state(session_id)).questions[question_id].answers == []
    assert any("9,000 characters" in t for t in _private_texts(teams, POLICE))


async def test_malformed_payloads_get_a_clear_status(teams: TeamsChannel) -> None:
    not_json = await teams.web.post(
        "/api/messages", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert not_json.status == 400
    no_conversation = {"type": "message", "id": "1", "text": "hello"}
    assert (await teams.send(no_conversation)).status == 400
    wrong_shape = teams.acts.command(POLICE, "help")
    wrong_shape["conversation"] = "not an object"
    assert (await teams.send(wrong_shape)).status == 400
    too_big = teams.acts.command(POLICE, "help")
    too_big["text"] = "x" * (2 * 1024 * 1024)
    assert (await teams.send(too_big)).status == 413


async def test_publishing_despite_the_identifier_guard_needs_a_reason(teams: TeamsChannel) -> None:
    session_id, _ = await _running(teams)
    await _edit_record(teams, session_id, "issues_for_escalation", "Ring mum on 07700 900123")
    preview = teams.connector.chat(FACILITATOR.teams_id)[-1]
    assert not [b for b in preview.buttons() if b["data"]["action"] == "approve"]

    dialog = await teams.send(
        teams.acts.invoke(FACILITATOR, "task/fetch", preview.id, preview.button("publish_anyway"))
    )
    assert dialog.body["task"]["value"]["title"] == "Publish anyway"
    await teams.submit_dialog(
        FACILITATOR, preview.id, dialog, {"field:reason": "It is the agency's switchboard."}
    )
    assert (await teams.state(session_id)).phase is Phase.PUBLISHED


async def test_mentions_of_non_members_are_left_out_of_the_setup(teams: TeamsChannel) -> None:
    ghost = Person("29:1ghost", "aad-ghost", "Not In Team")
    command = teams.acts.command(FACILITATOR, "start kolb", (POLICE, ghost))
    await teams.send(command)
    setup = teams.connector.replies(CHANNEL, command["id"])[-1]
    assert [p["id"] for p in setup.button("setup")["people"]] == [POLICE.aad_id]


async def test_logs_hold_ids_not_words_or_names(
    teams: TeamsChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    session_id, question_id = await _running(teams)
    post = await teams.post_of(session_id, f"q:{question_id}")
    await teams.send(teams.acts.reply(POLICE, post.id, "SECRET-ANSWER about the family"))
    malformed = teams.acts.reply(POLICE, post.id, "")
    malformed["text"] = ["SECRET-IN-A-MALFORMED-ACTIVITY"]
    assert (await teams.send(malformed)).status == 400

    logged = "\n".join(
        record.getMessage() + (caplog.text if record.exc_info else "") for record in caplog.records
    )
    assert "refused a malformed Teams activity" in logged
    for secret in ("SECRET", POLICE.name, FACILITATOR.name, "RCD-0417"):
        assert secret not in logged


async def test_reflectbot_introduces_itself_when_added_to_a_team(teams: TeamsChannel) -> None:
    await teams.send(teams.acts.bot_added(FACILITATOR))
    (welcome,) = teams.connector.channel_posts(TEAM)
    assert "reflective case discussions" in welcome.text() and "start MODEL" in welcome.text()


async def test_over_time_pacing_opens_a_stage_at_once_and_reminds_privately(
    teams: TeamsChannel,
) -> None:
    clock = teams.runtime.clock
    assert isinstance(clock, ManualClock)
    session_id = await teams.start("kolb", pacing="async")
    await teams.begin(session_id)
    state = await teams.state(session_id)
    first_stage = state.model.stages[0]
    assert {q.id for q in state.open_questions} == {q.id for q in first_stage.questions}
    posts = [await teams.post_of(session_id, f"q:{q.id}") for q in first_stage.questions]
    assert len({post.id for post in posts}) == len(posts)

    clock.advance(timedelta(hours=13))
    await teams.runtime.service.tick_due()
    await teams.runtime.dispatcher.drain()
    assert any("A reminder" in text for text in _private_texts(teams, POLICE))


async def test_the_facilitator_pauses_resumes_and_skips(teams: TeamsChannel) -> None:
    session_id, first = await _running(teams)
    post = await teams.post_of(session_id, f"q:{first}")

    await teams.press(FACILITATOR, post, "pause")
    post = await teams.post_of(session_id, f"q:{first}")
    assert "Paused by the facilitator" in post.text() and post.button("resume")
    await teams.press(FACILITATOR, post, "resume")
    post = await teams.post_of(session_id, f"q:{first}")
    await teams.press(FACILITATOR, post, "skip")

    state = await teams.state(session_id)
    (second,) = state.open_questions
    assert second.id != first
    assert (await teams.post_of(session_id, f"q:{second.id}")).root != post.id
    # The next question's post shows the skip; the skipped card is redrawn once it is touched.
    skipped = await teams.post_of(session_id, f"q:{first}")
    assert "Skipped by the facilitator" not in skipped.text() and skipped.button("skip")
    await teams.press(FACILITATOR, skipped, "skip")
    skipped = await teams.post_of(session_id, f"q:{first}")
    assert "Skipped by the facilitator" in skipped.text()
    assert "already closed" in _private_texts(teams, FACILITATOR)[-1]


async def test_a_failed_turn_gets_an_apology_not_a_stack_trace(teams: TeamsChannel) -> None:
    command = teams.acts.command(FACILITATOR, "start kolb", PARTICIPANTS)
    teams.connector.fail_next(500)  # looking up the first person mentioned

    reply = await teams.send(command)

    assert reply.status == 202
    (answer,) = teams.connector.replies(CHANNEL, command["id"])
    assert answer.activity["text"].startswith("Sorry, something went wrong")
    assert "Error" not in answer.activity["text"] and "500" not in answer.activity["text"]


@pytest.mark.parametrize("kind", ["personal", "groupChat"])
async def test_sessions_are_started_in_a_team_channel_only(teams: TeamsChannel, kind: str) -> None:
    message = teams.acts.chat_message(POLICE, "start kolb", kind)
    await teams.send(message)
    (answer,) = [m for m in teams.connector.messages.values() if m.conversation != CHANNEL]
    assert answer.conversation == message["conversation"]["id"]
    assert "Sessions run in a team channel" in answer.text()


async def test_help_in_the_personal_chat_needs_no_mention(teams: TeamsChannel) -> None:
    await teams.send(teams.acts.chat_message(POLICE, "models"))
    assert "kolb" in teams.connector.chat(POLICE.teams_id)[-1].text()


async def test_a_card_pressed_after_its_question_closed_changes_nothing(
    teams: TeamsChannel,
) -> None:
    """A Next submitted from a card that was shown before the question closed (a second
    click, a card not yet refreshed) is refused privately; the next question stays open."""
    session_id, first = await _running(teams)
    question = await teams.post_of(session_id, f"q:{first}")
    shown = question.button("next")
    await teams.send(teams.acts.submit(FACILITATOR, question.root, question.id, shown))
    second = (await teams.state(session_id)).open_questions[0].id
    assert second != first

    reply = await teams.send(teams.acts.submit(FACILITATOR, question.root, question.id, shown))

    assert reply.status < 300
    state = await teams.state(session_id)
    assert state.questions[second].status is QuestionStatus.OPEN
    assert any("already closed" in t for t in _private_texts(teams, FACILITATOR))
    # The card pressed is redrawn as closed, without its buttons.
    redrawn = await teams.post_of(session_id, f"q:{first}")
    assert "Closed —" in redrawn.text() and redrawn.buttons() == []

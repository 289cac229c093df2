"""Answers in questions' threads: who counts, what is refused, live and async pacing, edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_kit import (
    FACILITATOR,
    HEALTH,
    OUTSIDER,
    POLICE,
    PRESENTER,
    T0,
    Session,
    content_text,
    small_model,
)

from dialogs import events as ev
from dialogs.effects import Update
from dialogs.engine import MAX_ANSWER_CHARS, reply_refusal
from dialogs.events import Pacing
from dialogs.state import Phase, QuestionStatus

HOUR = timedelta(hours=1)


@pytest.fixture
def live() -> Session:
    session = Session(small_model())
    session.begin()
    return session


@pytest.fixture
def in_second_stage(live: Session) -> Session:
    """Live pacing, at the scale question q4 (q3 answered)."""
    live.answer_open()  # q1
    live.answer_open()  # q2
    live.note("first")
    live.answer_open()  # q3
    assert [q.id for q in live.state.open_questions] == ["q4"]
    return live


# -- live pacing -----------------------------------------------------------------------------


def test_an_answer_is_recorded_and_the_question_shows_progress(live: Session):
    live.answer(POLICE.user_id, "q1", "We met twice.")
    assert live.answers()["q1"] == [(POLICE.user_id, "We met twice.")]
    assert live.updated() == ["q:q1"]
    (update,) = live.effects
    progress = update.content.blocks[-1]
    assert progress.text.startswith("1 of 3 answered")
    assert [p.user_id for p in progress.people] == [PRESENTER.user_id, HEALTH.user_id]


def test_live_pacing_moves_on_when_everyone_asked_has_answered(live: Session):
    live.answer(POLICE.user_id, "q1")
    live.answer(PRESENTER.user_id, "q1")
    assert live.posted() == []
    live.answer(HEALTH.user_id, "q1")
    assert live.state.questions["q1"].status is QuestionStatus.CLOSED
    assert live.posted() == ["q:q2"]


def test_after_the_last_question_of_a_stage_the_facilitator_is_asked_for_key_points(
    live: Session,
):
    live.answer_open()
    live.answer(PRESENTER.user_id, "q2")  # asked of the presenter alone
    assert live.posted() == ["kp:first"]
    assert live.state.awaiting_key_points == "first"
    (prompt,) = [e for e in live.effects if getattr(e, "key", "") == "kp:first"]
    assert [a.value for a in prompt.content.actions] == ["first"]


def test_an_outsider_is_told_once_only_and_nothing_is_recorded(live: Session):
    live.answer(OUTSIDER, "q1", "I was there too.")
    assert len(live.told(OUTSIDER)) == 1
    assert "Only the people invited" in live.told(OUTSIDER)[0]
    live.answer(OUTSIDER, "q1", "Hello?")
    assert live.effects == []
    assert live.answers()["q1"] == []


def test_a_participant_not_asked_is_told_once_per_question(live: Session):
    live.answer_open()  # q1 done: q2 is for the presenter only
    live.answer(POLICE.user_id, "q2", "May I add something?")
    assert "Asked of the lead professional" in live.told(POLICE.user_id)[0]
    live.answer(POLICE.user_id, "q2", "And another thing.")
    assert live.effects == []
    assert live.answers()["q2"] == []


def test_the_facilitator_is_not_asked_a_question_for_participants(live: Session):
    live.answer(FACILITATOR.user_id, "q1", "As chair I think…")
    assert "Asked of every participant" in live.told(FACILITATOR.user_id)[0]
    assert live.answers()["q1"] == []


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_reply_records_nothing(live: Session, text: str):
    live.do(ev.Answer(actor=POLICE.user_id, question_id="q1", message_id="m-empty", text=text))
    assert live.answers()["q1"] == []
    assert "empty" in live.told(POLICE.user_id)[0]


def test_an_over_long_reply_is_refused_with_its_length_and_the_limit(live: Session):
    long_text = "x" * (MAX_ANSWER_CHARS + 1)
    live.answer(POLICE.user_id, "q1", long_text)
    assert live.answers()["q1"] == []
    (told,) = live.told(POLICE.user_id)
    assert f"{MAX_ANSWER_CHARS + 1:,} characters" in told
    assert f"up to {MAX_ANSWER_CHARS:,}" in told
    assert "Nothing was recorded" in told


def test_a_reply_of_exactly_the_limit_is_kept(live: Session):
    live.answer(POLICE.user_id, "q1", "y" * MAX_ANSWER_CHARS)
    assert len(live.answers()["q1"][0][1]) == MAX_ANSWER_CHARS


def test_a_reply_to_a_question_not_yet_open_is_refused(live: Session):
    live.answer(POLICE.user_id, "q3", "Early.")
    assert "not open yet" in live.told(POLICE.user_id)[0]
    assert "q3" not in live.state.questions


def test_a_late_reply_to_a_closed_question_is_added_and_its_author_told(live: Session):
    live.answer_open()  # q1 closes and q2 opens
    live.answer(POLICE.user_id, "q1", "Something I forgot to say.", message_id="late")
    assert ("U-POL", "Something I forgot to say.") in [
        (a.author, a.text) for a in live.state.questions["q1"].answers
    ]
    assert "moved on from this question" in live.told(POLICE.user_id)[0]


@pytest.mark.parametrize("number", ["1", "3", " 2 ", "2."])
def test_a_scale_answer_in_range_is_accepted(in_second_stage: Session, number: str):
    in_second_stage.answer(POLICE.user_id, "q4", number)
    assert in_second_stage.answers()["q4"] == [(POLICE.user_id, number.strip())]


@pytest.mark.parametrize("words", ["0", "4", "-1", "two", "3 or so"])
def test_a_scale_answer_out_of_range_or_in_words_is_refused(in_second_stage: Session, words: str):
    in_second_stage.answer(POLICE.user_id, "q4", words)
    assert in_second_stage.answers()["q4"] == []
    assert "a number from 1 to 3" in in_second_stage.told(POLICE.user_id)[0]


def test_the_same_message_id_again_is_an_edit_not_a_second_answer(live: Session):
    live.answer(POLICE.user_id, "q1", "First thought.", message_id="m-7")
    live.answer(POLICE.user_id, "q1", "Second thought.", message_id="m-7")
    assert live.answers()["q1"] == [(POLICE.user_id, "Second thought.")]
    assert live.state.questions["q1"].answers[0].edited


# -- edits and deletions ---------------------------------------------------------------------


def test_an_edit_changes_the_answer(live: Session):
    live.answer(POLICE.user_id, "q1", "Before.", message_id="m-1")
    live.do(ev.EditAnswer(actor=POLICE.user_id, message_id="m-1", text="After."))
    assert live.answers()["q1"] == [(POLICE.user_id, "After.")]
    assert live.updated() == ["q:q1"]


def test_an_edit_by_someone_else_changes_nothing(live: Session):
    live.answer(POLICE.user_id, "q1", "Mine.", message_id="m-1")
    live.do(ev.EditAnswer(actor=HEALTH.user_id, message_id="m-1", text="Not yours."))
    assert live.answers()["q1"] == [(POLICE.user_id, "Mine.")]


def test_an_edit_that_is_too_long_keeps_the_answer(live: Session):
    live.answer(POLICE.user_id, "q1", "Short.", message_id="m-1")
    live.do(
        ev.EditAnswer(actor=POLICE.user_id, message_id="m-1", text="z" * (MAX_ANSWER_CHARS + 5))
    )
    assert live.answers()["q1"] == [(POLICE.user_id, "Short.")]
    assert "Nothing was recorded" in live.told(POLICE.user_id)[0]


def test_a_deleted_answer_no_longer_counts(live: Session):
    live.answer(POLICE.user_id, "q1", "Oops.", message_id="m-1")
    live.do(ev.DeleteAnswer(actor=POLICE.user_id, message_id="m-1"))
    assert live.answers()["q1"] == []
    assert POLICE.user_id in {p.user_id for p in live.state.waiting_for("q1")}


def test_answering_editing_and_deleting_leave_the_state_stepped_from_as_it_was(live: Session):
    """A step shares the questions of the state it is given until it changes one, and its
    answers (they are frozen): it must still change only its own copy, or a step retried from
    the stored state would start from its own half-finished work."""
    steps = [
        ev.Answer(actor=POLICE.user_id, question_id="q1", message_id="m-1", text="Before."),
        ev.EditAnswer(actor=POLICE.user_id, message_id="m-1", text="After."),
        ev.Answer(actor=HEALTH.user_id, question_id="q1", message_id="m-2", text="Another."),
        ev.DeleteAnswer(actor=POLICE.user_id, message_id="m-1"),
    ]
    for event in steps:
        before = live.state
        kept = before.model_dump_json()
        live.do(event)
        assert before.model_dump_json() == kept, type(event).__name__
    assert live.answers()["q1"] == [(HEALTH.user_id, "Another.")]


def test_a_deletion_by_someone_else_changes_nothing(live: Session):
    live.answer(POLICE.user_id, "q1", "Stays.", message_id="m-1")
    live.do(ev.DeleteAnswer(actor=HEALTH.user_id, message_id="m-1"))
    assert live.answers()["q1"] == [(POLICE.user_id, "Stays.")]


def drafted(session: Session) -> Session:
    session.answer(POLICE.user_id, "q1", "Original words.", message_id="m-police")
    session.answer_open()
    while session.state.phase is Phase.RUNNING:
        if session.state.awaiting_key_points:
            session.note(session.state.awaiting_key_points)
        else:
            session.answer_open()
    assert session.state.phase is Phase.RECORD_DRAFT
    return session


def test_an_edit_after_drafting_refreshes_the_untouched_sections(live: Session):
    session = drafted(live)
    session.do(ev.EditAnswer(actor=POLICE.user_id, message_id="m-police", text="Better words."))
    assert session.state.record is not None
    assert "Better words." in session.state.record.sections["answers"]
    assert "Original words." not in session.state.record.sections["answers"]
    assert "draft has been refreshed" in session.told(FACILITATOR.user_id)[0]


def test_a_redraft_keeps_the_sections_the_facilitator_edited_and_names_them(live: Session):
    session = drafted(live)
    session.edit_record(answers="The facilitator's own summary.")
    assert session.state.phase is Phase.AWAITING_APPROVAL
    session.do(ev.DeleteAnswer(actor=POLICE.user_id, message_id="m-police"))
    assert session.state.record is not None
    assert session.state.record.sections["answers"] == "The facilitator's own summary."
    told = session.told(FACILITATOR.user_id)[0]
    assert "check the sections you edited: What was said" in told
    # The approved preview is out of date: a fresh preview is needed before approving.
    assert session.state.phase is Phase.RECORD_DRAFT


def test_a_new_reply_after_the_discussion_closed_is_not_added(live: Session):
    session = drafted(live)
    session.answer(HEALTH.user_id, "q1", "Late thought.")
    assert (HEALTH.user_id, "Late thought.") not in session.answers()["q1"]
    assert "can still edit your earlier replies" in session.told(HEALTH.user_id)[0]


def test_edits_and_deletions_after_publishing_are_refused(live: Session):
    session = drafted(live)
    session.edit_record()
    session.do(ev.Approve(actor=FACILITATOR.user_id))
    assert session.state.phase is Phase.PUBLISHED
    before = session.answers()
    session.do(ev.EditAnswer(actor=POLICE.user_id, message_id="m-police", text="Changed."))
    assert "published" in session.told(POLICE.user_id)[0]
    session.answer(POLICE.user_id, "q1", "Changed again.", message_id="m-police")
    session.do(ev.DeleteAnswer(actor=POLICE.user_id, message_id="m-police"))
    session.answer(HEALTH.user_id, "q3", "Brand new.")
    assert "no longer recorded" in session.told(HEALTH.user_id)[0]
    assert session.answers() == before


def test_an_edit_after_cancelling_says_the_session_was_cancelled(live: Session):
    live.answer(POLICE.user_id, "q1", "Words.", message_id="m-1")
    live.do(ev.Cancel(actor=FACILITATOR.user_id))
    live.do(ev.EditAnswer(actor=POLICE.user_id, message_id="m-1", text="Changed."))
    (told,) = live.told(POLICE.user_id)
    assert "cancelled" in told and "published" not in told
    assert live.answers()["q1"] == [(POLICE.user_id, "Words.")]


# -- async pacing ----------------------------------------------------------------------------


@pytest.fixture
def overnight() -> Session:
    session = Session(small_model(), pacing=Pacing.ASYNC, stage_hours=24)
    session.begin()
    return session


def test_async_posts_all_of_a_stages_questions_together_with_a_deadline(overnight: Session):
    assert overnight.posted() == ["q:q1", "q:q2"]
    assert overnight.state.deadline == T0 + 24 * HOUR


def test_async_moves_on_when_everyone_has_answered_every_question(overnight: Session):
    overnight.answer_open()
    assert overnight.state.awaiting_key_points == "first"
    assert {q.status for q in overnight.state.questions.values()} == {QuestionStatus.CLOSED}


def test_async_reminds_those_still_waiting_once_at_half_time(overnight: Session):
    overnight.answer(POLICE.user_id, "q1")
    overnight.do(ev.Tick(), later=11 * HOUR)
    assert overnight.direct_messages() == []
    overnight.do(ev.Tick(), later=1 * HOUR)
    reminded = {dm.user_id: dm for dm in overnight.direct_messages()}
    assert set(reminded) == {PRESENTER.user_id, HEALTH.user_id}
    assert "2 question(s)" in reminded[PRESENTER.user_id].content.summary
    assert "1 question(s)" in reminded[HEALTH.user_id].content.summary
    assert "24 November 2026 at 09:30 (UK time)" in reminded[HEALTH.user_id].content.summary
    overnight.do(ev.Tick(), later=1 * HOUR)
    assert overnight.direct_messages() == []


def test_async_deadline_closes_the_open_questions(overnight: Session):
    overnight.answer(POLICE.user_id, "q1")
    overnight.do(ev.Tick(), later=23 * HOUR)
    assert len(overnight.state.open_questions) == 2
    overnight.do(ev.Tick(), later=1 * HOUR)
    assert overnight.state.open_questions == []
    assert sorted(overnight.updated()) == ["q:q1", "q:q2"]
    assert overnight.posted() == ["kp:first"]


def test_async_deadline_opens_the_next_stage_when_no_key_points_are_asked():
    session = Session(small_model(key_points=False), pacing=Pacing.ASYNC, stage_hours=2)
    session.begin()
    session.do(ev.Tick(), later=2 * HOUR)
    assert session.posted() == ["q:q3", "q:q4"]
    assert session.state.deadline == T0 + 4 * HOUR
    assert session.state.reminded is False


# -- the rule for replies, shared by every adapter ------------------------------------------


def test_a_new_reply_while_paused_is_not_recorded_and_earlier_ones_can_still_change(
    live: Session,
):
    live.answer(POLICE.user_id, "q1", "Before the pause.", message_id="m-before")
    live.do(ev.Pause(actor=FACILITATOR.user_id, on="q1"))
    assert live.state.paused_at
    card = " ".join(content_text(e) for e in live.effects if isinstance(e, Update))
    assert "new replies are not recorded until it resumes" in card, "the rule is said"
    live.answer(HEALTH.user_id, "q1", "During the pause.", message_id="m-during")
    assert "paused, so this reply was not recorded" in live.told(HEALTH.user_id)[0]
    assert (HEALTH.user_id, "During the pause.") not in live.answers()["q1"]
    live.do(ev.EditAnswer(actor=POLICE.user_id, message_id="m-before", text="Edited, paused."))
    assert live.answers()["q1"] == [(POLICE.user_id, "Edited, paused.")]
    live.do(ev.Resume(actor=FACILITATOR.user_id, on="q1"))
    live.answer(HEALTH.user_id, "q1", "After the pause.", message_id="m-after")
    assert (HEALTH.user_id, "After the pause.") in live.answers()["q1"]


def test_a_deletion_after_publishing_is_refused_and_said_so(live: Session):
    session = drafted(live)
    session.edit_record()
    session.do(ev.Approve(actor=FACILITATOR.user_id))
    before = session.answers()
    session.do(ev.DeleteAnswer(actor=POLICE.user_id, message_id="m-police"))
    assert "published, so changes to replies are not recorded" in session.told(POLICE.user_id)[0]
    assert session.answers() == before


def test_until_approval_replies_change_and_the_draft_follows(live: Session):
    session = drafted(live)
    assert reply_refusal(session.state, new=False) is None
    session.do(ev.DeleteAnswer(actor=POLICE.user_id, message_id="m-police"))
    assert (POLICE.user_id, "Original words.") not in session.answers()["q1"]
    assert reply_refusal(session.state, new=True), "no new answers once the record is drafted"

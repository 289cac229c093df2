"""Steering the discussion: Next, Skip, Pause, Resume, End and the timer's Tick."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_kit import FACILITATOR, POLICE, T0, Session, content_text, small_model

from dialogs import events as ev
from dialogs.effects import AuditNote, Update
from dialogs.engine import next_wake
from dialogs.events import Pacing
from dialogs.state import Phase, QuestionStatus

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
FAC = FACILITATOR.user_id


@pytest.fixture
def live() -> Session:
    session = Session(small_model())
    session.begin()
    return session


# -- next and skip ---------------------------------------------------------------------------


def test_next_closes_the_question_and_opens_the_following_one(live: Session):
    live.answer(POLICE.user_id, "q1")
    live.do(ev.Next(actor=FAC))
    assert live.state.questions["q1"].status is QuestionStatus.CLOSED
    assert live.posted() == ["q:q2"]
    # Its redraw as closed is lazy: the next question's post shows the group moved on.
    (closed,) = [e for e in live.effects if isinstance(e, Update)]
    assert closed.key == "q:q1" and closed.lazy
    assert "Closed — 1 of 3 answered." in content_text(closed)


def test_a_progress_update_is_not_lazy(live: Session):
    live.answer(POLICE.user_id, "q1")
    (progress,) = [e for e in live.effects if isinstance(e, Update)]
    assert progress.key == "q:q1" and not progress.lazy


def test_skip_marks_the_question_skipped(live: Session):
    live.do(ev.Skip(actor=FAC))
    assert live.state.questions["q1"].status is QuestionStatus.SKIPPED
    assert live.posted() == ["q:q2"]


@pytest.mark.parametrize("move", [ev.Next, ev.Skip, ev.Pause, ev.End])
def test_a_control_pressed_on_a_closed_question_changes_nothing(live: Session, move):
    live.do(ev.Next(actor=FAC, on="q1"))
    before = live.state
    live.do(move(actor=FAC, on="q1"))
    assert live.state == before
    assert "This question has already closed, so nothing has changed." in live.told(FAC)[-1]
    # The press redraws the message it was shown on: whoever touches it sees it closed.
    (redraw,) = [e for e in live.effects if isinstance(e, Update)]
    assert redraw.key == "q:q1" and not redraw.lazy
    assert "Closed —" in content_text(redraw) and not redraw.content.actions


def test_a_participant_pressing_a_closed_question_sees_it_redrawn(live: Session):
    live.do(ev.Skip(actor=FAC, on="q1"))
    live.do(ev.Next(actor=POLICE.user_id, on="q1"))
    assert "Only the facilitator" in live.told(POLICE.user_id)[-1]
    (redraw,) = [e for e in live.effects if isinstance(e, Update)]
    assert redraw.key == "q:q1" and "Skipped by the facilitator" in content_text(redraw)


def test_a_control_on_an_open_question_redraws_nothing_else(live: Session):
    live.do(ev.Pause(actor=FAC, on="q1"))
    assert [(e.key, e.lazy) for e in live.effects if isinstance(e, Update)] == [("q:q1", False)]


def test_resume_pressed_on_a_closed_question_changes_nothing(live: Session):
    # Paused on q1, resumed, moved on and paused on q2: q1's old card still shows Resume.
    live.do(ev.Pause(actor=FAC, on="q1"))
    live.do(ev.Resume(actor=FAC, on="q1"))
    live.do(ev.Next(actor=FAC, on="q1"))
    live.do(ev.Pause(actor=FAC, on="q2"))
    before = live.state
    live.do(ev.Resume(actor=FAC, on="q1"))
    assert live.state == before
    assert "already closed" in live.told(FAC)[-1]


def test_a_control_names_the_question_its_button_is_shown_on(live: Session):
    from dialogs import messages
    from dialogs.actions import button_event

    shown = messages.question(live.state, "q1", live.now).actions
    events = [button_event(a.id, a.value, FAC) for a in shown if a.id != "scale"]
    assert events and all(isinstance(e, ev.Control) and e.on == "q1" for e in events)
    live.do(ev.Next(actor=FAC, on="q1"))
    assert live.state.questions["q2"].status is QuestionStatus.OPEN


@pytest.mark.parametrize("move", [ev.Next, ev.Skip, ev.Pause, ev.Resume, ev.End])
def test_only_the_facilitator_steers(live: Session, move: type[ev.Event]):
    before = live.state
    live.do(move(actor=POLICE.user_id))
    assert live.state == before
    assert "Only the facilitator" in live.told(POLICE.user_id)[0]


@pytest.mark.parametrize("move", [ev.Next, ev.Skip])
def test_moving_on_while_paused_is_refused(live: Session, move: type[ev.Event]):
    live.do(ev.Pause(actor=FAC))
    live.do(move(actor=FAC))
    assert live.state.questions["q1"].status is QuestionStatus.OPEN
    assert "paused" in live.told(FAC)[0]


@pytest.mark.parametrize("move", [ev.Next, ev.Skip])
def test_moving_on_while_key_points_are_awaited_is_refused(live: Session, move: type[ev.Event]):
    live.do(ev.Skip(actor=FAC))
    live.do(ev.Skip(actor=FAC))
    assert live.state.awaiting_key_points == "first"
    live.do(move(actor=FAC))
    assert live.posted() == []
    assert "key points of this stage first" in live.told(FAC)[0]


@pytest.mark.parametrize("move", [ev.Next, ev.Skip, ev.Pause])
def test_steering_before_the_discussion_begins_is_explained(move: type[ev.Event]):
    session = Session(small_model())
    session.do(move(actor=FAC))
    assert session.state.phase is Phase.GROUND_RULES
    assert "has not begun yet" in session.told(FAC)[0]


def test_skipping_the_last_question_of_a_stage_without_key_points_opens_the_next_stage():
    session = Session(small_model(key_points=False))
    session.begin()
    session.do(ev.Skip(actor=FAC))
    session.do(ev.Skip(actor=FAC))
    assert session.posted() == ["q:q3"]
    assert session.state.stage_index == 1


def test_async_next_closes_the_whole_stage():
    session = Session(small_model(), pacing=Pacing.ASYNC)
    session.begin()
    session.do(ev.Next(actor=FAC))
    assert session.state.open_questions == []
    assert session.posted() == ["kp:first"]


# -- pause and resume ------------------------------------------------------------------------


def test_pause_stops_auto_advance_and_resume_picks_up(live: Session):
    live.do(ev.Pause(actor=FAC))
    assert AuditNote(action="paused", actor=FAC) in live.effects
    assert live.updated() == ["q:q1"]
    live.answer_open()
    assert live.state.questions["q1"].status is QuestionStatus.OPEN
    live.do(ev.Resume(actor=FAC))
    assert live.state.paused_at is None
    live.do(ev.Next(actor=FAC))
    assert live.posted() == ["q:q2"]


def test_pause_twice_and_resume_unpaused_are_explained(live: Session):
    live.do(ev.Resume(actor=FAC))
    assert "not paused" in live.told(FAC)[0]
    live.do(ev.Pause(actor=FAC))
    live.do(ev.Pause(actor=FAC))
    assert "already paused" in live.told(FAC)[0]


def test_pausing_while_key_points_are_awaited_is_refused(live: Session):
    live.do(ev.Skip(actor=FAC))
    live.do(ev.Skip(actor=FAC))
    live.do(ev.Pause(actor=FAC))
    assert live.state.paused_at is None
    assert "key points" in live.told(FAC)[0]


def test_async_deadline_moves_by_the_time_paused():
    session = Session(small_model(), pacing=Pacing.ASYNC, stage_hours=10)
    session.begin()
    session.do(ev.Pause(actor=FAC), later=HOUR)
    session.do(ev.Resume(actor=FAC), later=3 * HOUR)
    assert session.state.deadline == T0 + 13 * HOUR
    session.do(ev.Tick(), later=8 * HOUR)  # 12 hours after beginning: not yet
    assert session.state.open_questions != []
    session.do(ev.Tick(), later=HOUR)
    assert session.state.open_questions == []


# -- end -------------------------------------------------------------------------------------


def test_end_closes_what_is_open_and_drafts_the_record(live: Session):
    live.answer(POLICE.user_id, "q1", "Only this.")
    live.do(ev.End(actor=FAC))
    assert live.state.phase is Phase.RECORD_DRAFT
    assert live.state.questions["q1"].status is QuestionStatus.CLOSED
    assert "record_draft" in live.posted()
    assert live.state.record is not None
    assert live.state.record.sections["answers"] == "Only this."


def test_end_while_paused_drafts_the_record(live: Session):
    live.do(ev.Pause(actor=FAC))
    live.do(ev.End(actor=FAC))
    assert live.state.phase is Phase.RECORD_DRAFT
    assert live.state.paused_at is None


def test_end_during_the_ground_rules_cancels():
    session = Session(small_model())
    session.do(ev.End(actor=FAC))
    assert session.state.phase is Phase.CANCELLED
    assert session.posted() == ["cancelled"]


def test_end_after_the_discussion_is_refused(live: Session):
    live.do(ev.End(actor=FAC))
    live.do(ev.End(actor=FAC))
    assert live.posted() == []
    assert "record is being drafted" in live.told(FAC)[0]


# -- tick ------------------------------------------------------------------------------------


def test_tick_does_nothing_for_untimed_live_sessions(live: Session):
    before = live.state
    live.do(ev.Tick(), later=48 * HOUR)
    assert live.effects == []
    assert live.state == before
    assert next_wake(live.state, live.now) is None


@pytest.mark.parametrize("phase_setup", ["ground_rules", "record_draft", "cancelled"])
def test_tick_outside_the_discussion_does_nothing(phase_setup: str):
    session = Session(small_model(), pacing=Pacing.ASYNC)
    if phase_setup == "record_draft":
        session.begin()
        session.do(ev.End(actor=FAC))
    elif phase_setup == "cancelled":
        session.do(ev.Cancel(actor=FAC))
    before = session.state
    session.do(ev.Tick(), later=100 * HOUR)
    assert session.effects == []
    assert session.state == before

"""Timed steps (the Tees "Space to Think" procedure): held open until the facilitator moves on,
an early move confirmed, a warning at the maximum, the minutes shown; several replies a person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_kit import (
    FACILITATOR,
    POLICE,
    PRESENTER,
    T0,
    Session,
    builtin,
    content_text,
    small_model,
)

from dialogs import events as ev
from dialogs.actions import button_event
from dialogs.content import ActionId
from dialogs.effects import AuditNote, Ephemeral, Update
from dialogs.engine import next_wake
from dialogs.events import Pacing
from dialogs.models.schema import FacilitationModel
from dialogs.state import QuestionStatus, SessionState

MINUTE = timedelta(minutes=1)
FAC = FACILITATOR.user_id


@pytest.fixture
def tees() -> Session:
    """A Space to Think session, just begun: the offload (5–10 minutes) is open."""
    session = Session(builtin("space-to-think"))
    session.begin()
    return session


def stage_id(session: Session) -> str:
    assert session.state.stage is not None
    return session.state.stage.id


def shown(session: Session, key: str) -> str:
    """The text of the last update of a message among the last event's effects."""
    (update,) = [e for e in session.effects if isinstance(e, Update) and e.key == key]
    return content_text(update)


def confirmation(session: Session) -> Ephemeral:
    (asked,) = [
        e
        for e in session.effects
        if isinstance(e, Ephemeral)
        and any(a.id is ActionId.MOVE_ON_EARLY for a in e.content.actions)
    ]
    return asked


# -- a timed step stays open until the facilitator moves on -----------------------------------


def test_the_offload_stays_open_after_the_presenters_first_reply(tees: Session):
    # "Only the Case Presenter speaks and the group listens (5mins - 10 mins)"
    tees.answer(PRESENTER.user_id, "overview", "First, the background.", later=MINUTE)
    tees.answer(PRESENTER.user_id, "overview", "Then why I am stuck.", later=3 * MINUTE)
    assert stage_id(tees) == "offload"
    assert tees.state.questions["overview"].status is QuestionStatus.OPEN
    assert "stays open until the facilitator moves on" in shown(tees, "q:overview")
    tees.do(ev.Next(actor=FAC), later=2 * MINUTE)  # six minutes: past the minimum
    assert tees.state.questions["overview"].status is QuestionStatus.CLOSED
    assert stage_id(tees) == "checking_facts"
    assert tees.answers()["overview"] == [
        (PRESENTER.user_id, "First, the background."),
        (PRESENTER.user_id, "Then why I am stuck."),
    ]


def test_a_step_without_a_time_box_still_closes_when_everyone_has_replied():
    session = Session(small_model())
    session.begin()
    session.answer_open()
    assert session.state.questions["q1"].status is QuestionStatus.CLOSED


def test_time_boxes_are_not_kept_in_async_pacing():
    """Over days, a stage closes at its deadline or when everyone has answered, as before."""
    session = Session(builtin("space-to-think"), pacing=Pacing.ASYNC)
    session.begin()
    session.answer_open()
    assert stage_id(session) == "checking_facts"
    session.do(ev.Tick(), later=30 * MINUTE)
    assert session.told(FAC) == []


def test_within_a_timed_stage_the_next_question_opens_without_a_confirmation():
    session = Session(small_model(time_box={"min_minutes": 5, "max_minutes": 8}))
    session.begin()
    session.answer_open()
    assert session.state.questions["q1"].status is QuestionStatus.OPEN  # held open
    session.do(ev.Next(actor=FAC), later=MINUTE)  # q2 is still in the step
    assert session.posted() == ["q:q2"]
    session.do(ev.Next(actor=FAC), later=MINUTE)  # leaving the step at two minutes
    assert confirmation(session).user_id == FAC
    assert session.state.questions["q2"].status is QuestionStatus.OPEN


# -- moving on before the minimum is confirmed ----------------------------------------------


def test_next_before_the_minimum_asks_the_facilitator_privately_first(tees: Session):
    tees.answer(PRESENTER.user_id, "overview", "A short outline.")
    tees.do(ev.Next(actor=FAC, on="overview"), later=2 * MINUTE)
    asked = confirmation(tees)
    assert asked.user_id == FAC
    words = content_text(asked)
    assert "“Case Presenter offloads” has run 2 of 5–10 minutes: its minimum is 5 minutes" in words
    assert "session has run 2 of 30–35 minutes" in words
    assert [e for e in tees.effects if not isinstance(e, Ephemeral)] == []
    assert tees.state.questions["overview"].status is QuestionStatus.OPEN

    (button,) = asked.content.actions
    assert (button.label, button.value) == ("Move on now", "overview")
    tees.do(button_event(button.id, button.value, FAC))  # type: ignore[arg-type]
    assert stage_id(tees) == "checking_facts"
    assert AuditNote(action="moved on before the step's minimum time", actor=FAC) in tees.effects


def test_the_confirmation_is_the_facilitators_and_spent_once_the_step_has_moved_on(tees: Session):
    tees.do(ev.Next(actor=FAC, on="overview"), later=MINUTE)
    (button,) = confirmation(tees).content.actions
    tees.do(button_event(button.id, button.value, PRESENTER.user_id))  # type: ignore[arg-type]
    assert "Only the facilitator" in tees.told(PRESENTER.user_id)[0]
    assert stage_id(tees) == "offload"
    tees.do(button_event(button.id, button.value, FAC))  # type: ignore[arg-type]
    tees.do(button_event(button.id, button.value, FAC))  # type: ignore[arg-type]
    assert "already closed" in tees.told(FAC)[0]
    assert stage_id(tees) == "checking_facts"


def test_next_at_the_minimum_moves_on_at_once(tees: Session):
    tees.do(ev.Next(actor=FAC), later=5 * MINUTE)
    assert stage_id(tees) == "checking_facts"
    assert not [e for e in tees.effects if isinstance(e, Ephemeral)]


def test_the_minimum_does_not_count_the_time_paused(tees: Session):
    tees.do(ev.Pause(actor=FAC), later=3 * MINUTE)
    tees.do(ev.Resume(actor=FAC), later=10 * MINUTE)
    tees.do(ev.Next(actor=FAC), later=MINUTE)  # four minutes of the step
    assert "has run 4 of 5–10 minutes" in content_text(confirmation(tees))


# -- the warning at the maximum --------------------------------------------------------------


def test_the_facilitator_is_warned_once_when_the_step_reaches_its_maximum(tees: Session):
    tees.do(ev.Tick(), later=9 * MINUTE)
    assert tees.told(FAC) == []
    tees.do(ev.Tick(), later=MINUTE)
    (warning,) = tees.told(FAC)
    assert "time box for “Case Presenter offloads” (5–10 minutes) is over" in warning
    assert "it has run 10 minutes, and the session 10 of 30–35 minutes" in warning
    assert [e.user_id for e in tees.effects if isinstance(e, Ephemeral)] == [FAC]
    tees.do(ev.Tick(), later=MINUTE)
    tees.do(ev.Tick(), later=5 * MINUTE)
    assert tees.told(FAC) == []


def test_each_timed_step_gets_its_own_warning(tees: Session):
    tees.do(ev.Tick(), later=10 * MINUTE)
    tees.do(ev.Next(actor=FAC))
    assert stage_id(tees) == "checking_facts"
    tees.do(ev.Tick(), later=5 * MINUTE)
    assert tees.told(FAC) == []
    tees.do(ev.Tick(), later=MINUTE)
    assert "“Checking of facts” (3–6 minutes) is over" in tees.told(FAC)[0]
    assert "the session 16 of 30–35 minutes" in tees.told(FAC)[0]


def test_the_warning_runs_late_by_the_time_paused(tees: Session):
    tees.do(ev.Pause(actor=FAC), later=2 * MINUTE)
    tees.do(ev.Tick(), later=20 * MINUTE)
    assert tees.told(FAC) == []  # nothing while paused
    assert tees.effects == []
    tees.do(ev.Resume(actor=FAC), later=MINUTE)
    assert tees.state.stage_opened_at == T0 + 21 * MINUTE
    tees.do(ev.Tick(), later=7 * MINUTE)  # 2 + 7 minutes of the box used
    assert tees.told(FAC) == []
    tees.do(ev.Tick(), later=MINUTE)
    assert "time box for “Case Presenter offloads” (5–10 minutes) is over" in tees.told(FAC)[0]


# -- the minutes everyone sees ---------------------------------------------------------------


def test_the_step_message_shows_the_steps_and_the_sessions_minutes(tees: Session):
    opened = content_text(tees.post("q:overview"))
    assert "Case Presenter offloads: 0 of 5–10 minutes · session 0 of 30–35 minutes" in opened
    tees.do(ev.Tick(), later=4 * MINUTE)
    assert "Case Presenter offloads: 4 of 5–10 minutes · session 4 of 30–35 minutes" in shown(
        tees, "q:overview"
    )
    tees.do(ev.Next(actor=FAC), later=3 * MINUTE)
    assert "Checking of facts: 0 of 3–6 minutes · session 7 of 30–35 minutes" in content_text(
        tees.post("q:facts_summary")
    )
    tees.do(ev.Tick(), later=7 * MINUTE)
    assert "Checking of facts: 7 of 3–6 minutes (time is up) · session 14 of 30–35 minutes" in (
        shown(tees, "q:facts_summary")
    )


def test_the_closed_step_no_longer_shows_a_running_clock(tees: Session):
    tees.do(ev.Next(actor=FAC), later=6 * MINUTE)
    closed = shown(tees, "q:overview")
    assert "Closed" in closed and "of 5–10 minutes" not in closed


def test_ticks_come_each_minute_of_a_timed_step_and_stop_while_paused(tees: Session):
    assert next_wake(tees.state, tees.now) == T0 + MINUTE
    tees.do(ev.Tick(), later=MINUTE + timedelta(seconds=10))
    assert next_wake(tees.state, tees.now) == T0 + 2 * MINUTE
    tees.do(ev.Pause(actor=FAC), later=timedelta(seconds=20))
    assert next_wake(tees.state, tees.now) is None
    tees.do(ev.Tick(), later=5 * MINUTE)
    assert tees.effects == []
    tees.do(ev.Resume(actor=FAC), later=MINUTE)  # paused for six minutes, at 1:30 of both
    assert next_wake(tees.state, tees.now) == T0 + 8 * MINUTE


def test_a_forgotten_step_stops_ticking_an_hour_past_its_maximum(tees: Session):
    tees.do(ev.Tick(), later=69 * MINUTE)
    assert next_wake(tees.state, tees.now) == T0 + 70 * MINUTE
    tees.do(ev.Tick(), later=MINUTE)
    assert next_wake(tees.state, tees.now) is None


def test_the_session_clock_keeps_its_own_minutes_across_steps(tees: Session):
    tees.do(ev.Next(actor=FAC), later=5 * MINUTE + timedelta(seconds=30))
    # The step's minutes turn at 5:30 past, the session's on the minute: whichever is first.
    assert next_wake(tees.state, tees.now) == T0 + 6 * MINUTE


# -- several replies from one person ----------------------------------------------------------


def test_several_replies_of_one_person_are_their_answer_in_order_each_editable():
    session = Session(small_model())
    session.begin()
    for words in ("One.", "Two.", "Three."):
        session.answer(POLICE.user_id, "q1", words)
    assert session.state.questions["q1"].status is QuestionStatus.OPEN
    assert [p.user_id for p in session.state.waiting_for("q1")] == [
        PRESENTER.user_id,
        "U-HEA",
    ]
    session.do(ev.EditAnswer(actor=POLICE.user_id, message_id="m2", text="Two, on reflection."))
    session.do(ev.DeleteAnswer(actor=POLICE.user_id, message_id="m1"))
    assert session.answers()["q1"] == [
        (POLICE.user_id, "Two, on reflection."),
        (POLICE.user_id, "Three."),
    ]
    session.do(ev.End(actor=FAC))
    assert session.state.record is not None
    assert session.state.record.sections["answers"] == "Two, on reflection.\nThree."


def test_a_later_reply_after_a_step_moved_on_is_added_after_the_earlier_ones(tees: Session):
    tees.answer(PRESENTER.user_id, "overview", "The outline.")
    tees.do(ev.Next(actor=FAC), later=6 * MINUTE)
    tees.answer(PRESENTER.user_id, "overview", "One thing I forgot.")
    assert (
        "moved on from this question, but your reply has been added"
        in (tees.told(PRESENTER.user_id)[0])
    )
    assert [text for _, text in tees.answers()["overview"]] == [
        "The outline.",
        "One thing I forgot.",
    ]


# -- the session's target ---------------------------------------------------------------------


def test_a_single_duration_in_minutes_is_read_as_a_target_of_that_many(tees: Session):
    data = small_model().model_dump(exclude={"duration"}) | {"duration_minutes": 45}
    model = FacilitationModel.model_validate(data)
    assert model.duration is not None
    assert (model.duration.min_minutes, model.duration.max_minutes) == (45, 45)
    # A session saved before the target had a range still loads.
    saved = tees.state.model_dump(mode="json")
    saved["model"].pop("duration")
    saved["model"]["duration_minutes"] = 35
    loaded = SessionState.model_validate(saved)
    assert loaded.model.duration is not None and loaded.model.duration.max_minutes == 35

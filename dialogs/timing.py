"""Time boxes: what a timed step means and how its time reads.

A stage with a time box is a timed step when the group moves live: it stays open until the
facilitator moves on, moving on before its minimum is confirmed first, the facilitator is warned
once at its maximum, and its message shows the step's and the session's minutes against their
targets. Pure: the time is the event's `now`; pauses do not count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs.content import (
    Action,
    ActionId,
    ActionStyle,
    Audience,
    Block,
    BlockStyle,
    Content,
)
from dialogs.events import Pacing
from dialogs.models.schema import TimeBox
from dialogs.state import Phase, SessionState

MINUTE = timedelta(minutes=1)
# How long past a step's maximum its minutes keep moving on the message: a session left open
# and forgotten should not edit its message every minute for ever.
SHOWN_PAST_MAXIMUM = timedelta(hours=1)


def time_box_words(box: TimeBox) -> str:
    """A time box in words: "10 minutes", or "5–10 minutes" for a range."""
    if box.min_minutes == box.max_minutes:
        return f"{box.max_minutes} minutes"
    return f"{box.min_minutes}–{box.max_minutes} minutes"


def timed_step(state: SessionState) -> TimeBox | None:
    """The time box of the step under way, when it is kept: live pacing, a stage with a time
    box, running (not waiting for its key points)."""
    stage = state.stage
    if (
        state.phase is not Phase.RUNNING
        or state.pacing is not Pacing.LIVE
        or state.awaiting_key_points
        or stage is None
        or stage.time_box is None
        or state.stage_opened_at is None
    ):
        return None
    return stage.time_box


def _clock(state: SessionState, now: datetime) -> datetime:
    # A pause stops the clock.
    return state.paused_at or now


def step_elapsed(state: SessionState, now: datetime) -> timedelta:
    assert state.stage_opened_at is not None
    return _clock(state, now) - state.stage_opened_at


def session_elapsed(state: SessionState, now: datetime) -> timedelta:
    assert state.began_at is not None
    return _clock(state, now) - state.began_at - state.paused_for


def minutes(elapsed: timedelta) -> int:
    """Whole minutes gone, as a clock on the wall shows them."""
    return max(0, int(elapsed // MINUTE))


def held_open(state: SessionState) -> bool:
    """A timed step does not close when everyone has replied: the facilitator moves on."""
    return timed_step(state) is not None


def moving_on_early(state: SessionState, now: datetime) -> bool:
    """Next would leave the timed step before its minimum (in live pacing the step is left
    from its last question)."""
    box = timed_step(state)
    stage = state.stage
    if box is None or stage is None:
        return False
    leaves_the_step = all(q.id in state.questions for q in stage.questions)
    return leaves_the_step and step_elapsed(state, now) < box.min_minutes * MINUTE


def warning_due(state: SessionState, now: datetime) -> bool:
    box = timed_step(state)
    return (
        box is not None
        and not state.time_box_warned
        and not state.paused_at
        and step_elapsed(state, now) >= box.max_minutes * MINUTE
    )


def next_change(state: SessionState, now: datetime) -> datetime | None:
    """When the minutes shown next change (the step's or the session's); the maximum's warning
    falls on one of the step's minutes. None when nothing is timed or the clock is stopped."""
    box = timed_step(state)
    if box is None or state.paused_at or state.began_at is None:
        return None
    assert state.stage_opened_at is not None
    if step_elapsed(state, now) >= box.max_minutes * MINUTE + SHOWN_PAST_MAXIMUM:
        return None
    starts = (state.stage_opened_at, state.began_at + state.paused_for)
    return min(start + (minutes(now - start) + 1) * MINUTE for start in starts)


def _session_minutes(state: SessionState, now: datetime) -> str:
    """E.g. "4 of 30–35 minutes", or "4 minutes" for a model without a target."""
    gone = minutes(session_elapsed(state, now))
    target = state.model.duration
    return f"{gone} of {time_box_words(target)}" if target else f"{gone} minutes"


def clock_line(state: SessionState, now: datetime) -> str | None:
    """E.g. "Case Presenter offloads: 4 of 5–10 minutes · session 4 of 30–35 minutes"."""
    box = timed_step(state)
    stage = state.stage
    if box is None or stage is None:
        return None
    gone = minutes(step_elapsed(state, now))
    over = " (time is up)" if gone >= box.max_minutes else ""
    return f"{stage.title}: {gone} of {time_box_words(box)}{over} · session {_session_minutes(state, now)}"


def early_move_confirmation(state: SessionState, question_id: str, now: datetime) -> Content:
    """For the facilitator only: the step has not had its minimum; move on anyway?"""
    box = timed_step(state)
    stage = state.stage
    assert box is not None and stage is not None
    gone = minutes(step_elapsed(state, now))
    message = (
        f"“{stage.title}” has run {gone} of {time_box_words(box)}: its minimum is "
        f"{box.min_minutes} minutes."
    )
    return Content(
        title="Move on before the step's minimum?",
        blocks=(
            Block(style=BlockStyle.TEXT, text=message),
            Block(
                style=BlockStyle.NOTE, text=f"The session has run {_session_minutes(state, now)}."
            ),
            Block(
                style=BlockStyle.TEXT,
                text="Move on now anyway? Otherwise carry on: nothing has changed.",
            ),
        ),
        actions=(
            Action(
                id=ActionId.MOVE_ON_EARLY,
                label="Move on now",
                value=question_id,
                audience=Audience.FACILITATOR,
                style=ActionStyle.PRIMARY,
            ),
        ),
        summary=message,
    )


def maximum_warning(state: SessionState, now: datetime) -> str:
    box = timed_step(state)
    stage = state.stage
    assert box is not None and stage is not None
    return (
        f"The time box for “{stage.title}” ({time_box_words(box)}) is over: it has run "
        f"{minutes(step_elapsed(state, now))} minutes, and the session "
        f"{_session_minutes(state, now)}. "
        "Press Next when the group is ready to move on."
    )

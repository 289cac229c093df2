"""An event is handled with the answers it needs; one that needs every answer (the answer that
ends the discussion drafts the record) gets them all, and the outcome is the pure engine's."""

from __future__ import annotations

from service_kit import STEP, conversation, current_state, next_event, start_event

from bot.clock import ManualClock
from bot.service import SessionService
from dialogs import events as ev
from dialogs.engine import step
from dialogs.state import Phase, QuestionStatus, SessionState


async def test_the_answer_that_ends_the_discussion_drafts_the_record_from_every_answer(
    service: SessionService, clock: ManualClock
):
    start = start_event("space-to-think")
    started = clock.now()
    await service.start(conversation(), start)
    handled: list[tuple[ev.Event, object]] = []
    partial_loads = 0
    state = await current_state(service.store, "s-1")
    while state.phase in (Phase.GROUND_RULES, Phase.RUNNING):
        event = next_event(state)
        assert event is not None
        clock.advance(STEP)
        outcome = await service.handle("s-1", event)
        handled.append((event, clock.now()))
        assert outcome.state is not None
        closed = [q for q in outcome.state.questions.values() if q.status is QuestionStatus.CLOSED]
        if isinstance(event, ev.Answer) and closed and outcome.state.phase is Phase.RUNNING:
            assert not any(q.answers_loaded for q in closed if q.id != event.question_id)
            partial_loads += 1
        state = await current_state(service.store, "s-1")
    assert partial_loads, "answers after the first question were handled without the others"
    assert state.phase is Phase.RECORD_DRAFT

    pure: SessionState | None = step(None, start, started, secret=service.secret).state
    for event, at in handled:
        assert pure is not None
        pure = step(pure, event, at, secret=service.secret).state  # type: ignore[arg-type]
    assert pure is not None and pure.record is not None
    assert state == pure, "stored, loaded and stepped in parts, as the engine alone steps it"
    # The record draws on the answers to a question closed stages before it was drafted.
    assert state.questions["exploration"].answers
    drafted = "\n".join(state.record.generated.values())  # type: ignore[union-attr]
    assert all(a.text in drafted for a in state.questions["exploration"].answers)

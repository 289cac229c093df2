"""Raw answers go a set number of days after a session ends; erasure removes a session at once.
Both leave the audit log, and time comes from the test's clock."""

from __future__ import annotations

from datetime import timedelta

from service_kit import (
    FACILITATOR,
    PEOPLE,
    answer_text,
    conversation,
    current_state,
    next_event,
    run_to_publication,
    start_event,
)

from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs import events as ev
from dialogs.state import Phase
from storage.unit_of_work import Store


async def _published(service: SessionService, dispatcher: Dispatcher, clock: ManualClock):  # type: ignore[no-untyped-def]
    await service.start(conversation(), start_event("space-to-think"))
    return await run_to_publication(service, dispatcher, clock, "s-1")


async def test_raw_answers_go_after_the_retention_days_and_the_record_stays(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock, store: Store
):
    published = await _published(service, dispatcher, clock)
    assert any(q.answers for q in published.questions.values())
    async with store.transaction() as uow:
        answers = await uow.sessions.answer_count("s-1")
    assert answers == sum(len(q.answers) for q in published.questions.values())
    clock.advance(timedelta(days=29))
    assert await service.apply_retention(30) == 0
    clock.advance(timedelta(days=1, minutes=1))
    assert await service.apply_retention(30) == 1
    kept = await current_state(store, "s-1")
    assert all(not q.answers for q in kept.questions.values())
    assert kept.record is not None and published.record is not None
    assert kept.record.sections == published.record.sections, "the approved record stays"
    assert kept.record.generated == {}, "the draft the template made of the answers goes"
    assert kept.stage_notes == published.stage_notes
    assert published.captured and kept.captured == {}, "the fields' raw copies go too"
    assert kept.answers_deleted_at == clock.now()
    async with store.transaction() as uow:
        actions = [entry.action for entry in await uow.audit.entries("s-1")]
        assert await uow.outbox.statuses("s-1") == [], "copies of what was posted go too"
        assert await uow.sessions.answer_count("s-1") == 0, "the answers' rows go"
    assert "raw answers deleted (retention)" in actions
    assert await service.apply_retention(30) == 0, "once"


async def test_a_session_that_has_not_ended_keeps_its_answers(
    service: SessionService, clock: ManualClock, store: Store
):
    await service.start(conversation(), start_event("space-to-think"))
    clock.advance(timedelta(days=365))
    assert await service.apply_retention(30) == 0


async def test_erasure_leaves_only_an_audit_entry_that_it_was_erased(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock, store: Store
):
    await _published(service, dispatcher, clock)
    async with store.transaction() as uow:
        assert await uow.sessions.answer_count("s-1") > 0
    assert await service.erase("s-1", actor="an administrator")
    async with store.transaction() as uow:
        assert await uow.sessions.get("s-1") is None
        assert await uow.sessions.answer_count("s-1") == 0, "the answers' rows go"
        assert await uow.messages.parts("s-1", "root") == []
        assert await uow.outbox.statuses("s-1") == []
        entries = await uow.audit.entries("s-1")
    assert entries[-1].action == "erased" and entries[-1].actor == "an administrator"
    assert not await service.erase("s-1", actor="an administrator"), "nothing left to erase"


async def test_a_cancelled_sessions_draft_goes_with_its_answers(
    service: SessionService, clock: ManualClock, store: Store
):
    """Cancelled after the draft was made: there is no approved record to keep, so the draft,
    the key points and the answers all go."""
    await service.start(conversation(), start_event("space-to-think"))
    state = await current_state(store, "s-1")
    while state.phase is not Phase.AWAITING_APPROVAL and state.phase is not Phase.RECORD_DRAFT:
        event = next_event(state)
        assert event is not None
        await service.handle("s-1", event)
        state = await current_state(store, "s-1")
    assert state.record is not None and state.record.generated
    await service.handle("s-1", ev.Cancel(actor=FACILITATOR.user_id))
    clock.advance(timedelta(days=31))
    assert await service.apply_retention(30) == 1
    kept = await current_state(store, "s-1")
    assert kept.record is None and kept.stage_notes == {} and kept.captured == {}
    assert all(not q.answers for q in kept.questions.values())
    async with store.transaction() as uow:
        assert await uow.sessions.answer_count("s-1") == 0, "the answers' rows go"
    words = [answer_text(person, q) for q in state.questions for person in PEOPLE]
    assert not [w for w in words if w in kept.model_dump_json()]

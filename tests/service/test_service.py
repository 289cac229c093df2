"""SessionService: one transaction per event, redeliveries ignored, immediate effects returned."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from service_kit import (
    FACILITATOR,
    PEOPLE,
    PLATFORM,
    FakePlatform,
    conversation,
    current_state,
    run_to_publication,
    start_event,
)

from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionNotFound, SessionService
from dialogs import events as ev
from dialogs.effects import DirectMessage, Ephemeral, OpenForm, Post
from dialogs.events import Pacing
from dialogs.state import Phase
from storage.repositories import Outbox, Sessions
from storage.unit_of_work import Store

FAC = FACILITATOR.user_id


async def started(service: SessionService, model_id: str = "kolb", **options: object) -> str:
    outcome = await service.start(conversation(), start_event(model_id, **options))
    assert outcome.session_id is not None and not outcome.immediate
    return outcome.session_id


async def outbox_and_audit(store: Store, session_id: str) -> tuple[list, list]:
    async with store.transaction() as uow:
        return await uow.outbox.statuses(session_id), await uow.audit.entries(session_id)


async def test_a_whole_session_runs_to_its_published_record(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock, platform: FakePlatform
):
    session_id = await started(service)
    await dispatcher.drain()
    final = await run_to_publication(service, dispatcher, clock, session_id)
    assert final.phase is Phase.PUBLISHED
    posted = platform.posted_keys()
    assert posted[0] == "root"
    # Every question, and each stage's key-points form where its model asks for one.
    expected = [
        key
        for stage in final.model.stages
        for key in [
            *(f"q:{q.id}" for q in stage.questions),
            *([f"kp:{stage.id}"] if final.model.stage_fields(stage.id) else []),
        ]
    ]
    assert posted[1 : 1 + len(expected)] == expected
    assert posted[-2:] == ["record", "learning"]
    async with service.store.transaction() as uow:
        assert await uow.outbox.pending_count() == 0
        actions = [e.action for e in await uow.audit.entries(session_id)]
        assert await uow.sessions.active_in("fake", "C-ROOM") is None
    assert actions[0] == "started" and actions[-3:] == [
        "approved the record",
        "published the record",
        "learning themes sent to the learning channel",
    ]


async def test_a_redelivered_event_changes_nothing(service: SessionService, store: Store):
    session_id = await started(service)
    first = await service.handle(session_id, ev.AgreeRules(actor="U-POL"), event_id="Ev-1")
    before = await outbox_and_audit(store, session_id)
    again = await service.handle(session_id, ev.AgreeRules(actor="U-POL"), event_id="Ev-1")
    assert not first.duplicate and again.duplicate
    assert again.state == first.state
    assert await outbox_and_audit(store, session_id) == before
    # The same id from another platform is another event.
    other = await service.handle(
        session_id, ev.AgreeRules(actor="U-HEA"), platform="teams", event_id="Ev-1"
    )
    assert not other.duplicate


async def test_a_redelivered_start_makes_no_second_session(service: SessionService, store: Store):
    first = await service.start(conversation(), start_event("kolb"), event_id="Ev-start")
    again = await service.start(conversation(), start_event("kolb", "s-2"), event_id="Ev-start")
    assert again.duplicate and again.session_id is None
    async with store.transaction() as uow:
        assert [s.id for s in await uow.sessions.listing()] == [first.session_id]


async def test_a_refused_start_is_answered_at_once_and_stores_nothing(
    service: SessionService, store: Store
):
    refused = start_event("kolb").model_copy(update={"participants": ()})
    outcome = await service.start(conversation(), refused)
    assert outcome.session_id is None
    (answer,) = outcome.immediate
    assert isinstance(answer, Ephemeral) and answer.user_id == FAC
    async with store.transaction() as uow:
        assert await uow.sessions.listing() == []
        assert await uow.outbox.pending_count() == 0


async def test_a_start_where_a_session_is_running_is_answered_at_once(
    service: SessionService, store: Store
):
    session_id = await started(service)
    outcome = await service.start(conversation(), start_event("kolb", "s-2"))
    assert outcome.session_id == session_id
    (answer,) = outcome.immediate
    assert "already running" in answer.content.summary
    async with store.transaction() as uow:
        assert len(await uow.sessions.listing()) == 1


async def test_a_form_comes_back_to_the_adapter_and_is_not_queued(
    service: SessionService, store: Store
):
    session_id = await started(service)
    for person in PEOPLE:
        await service.handle(session_id, ev.AgreeRules(actor=person.user_id))
    await service.handle(session_id, ev.Begin(actor=FAC))
    await service.handle(session_id, ev.End(actor=FAC))
    async with store.transaction() as uow:
        queued = await uow.outbox.pending_count()
    outcome = await service.handle(session_id, ev.RequestForm(actor=FAC, form="record"))
    (form,) = outcome.immediate
    assert isinstance(form, OpenForm) and form.user_id == FAC
    async with store.transaction() as uow:
        assert await uow.outbox.pending_count() == queued


async def test_an_unknown_session_is_reported(service: SessionService):
    with pytest.raises(SessionNotFound):
        await service.handle("no-such-session", ev.Begin(actor=FAC))


async def test_state_outbox_and_audit_commit_together_or_not_at_all(
    service: SessionService, store: Store, monkeypatch: pytest.MonkeyPatch
):
    session_id = await started(service)
    before_state = await current_state(store, session_id)
    before = await outbox_and_audit(store, session_id)

    async def broken_add(*_: object) -> None:
        raise RuntimeError("the database went away mid-transaction")

    with monkeypatch.context() as patch:
        patch.setattr(Outbox, "add", broken_add)
        with pytest.raises(RuntimeError):
            await service.handle(session_id, ev.AgreeRules(actor="U-POL"), event_id="Ev-9")
    assert await current_state(store, session_id) == before_state
    assert await outbox_and_audit(store, session_id) == before
    # The event id was not kept either, so the platform's retry is handled.
    retried = await service.handle(session_id, ev.AgreeRules(actor="U-POL"), event_id="Ev-9")
    assert not retried.duplicate and retried.state is not None
    assert retried.state.agreed == ["U-POL"]


async def test_tick_due_reminds_async_participants_and_closes_the_stage(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock, platform: FakePlatform
):
    session_id = await started(service, pacing=Pacing.ASYNC, stage_hours=24)
    for person in PEOPLE:
        await service.handle(session_id, ev.AgreeRules(actor=person.user_id))
    await service.handle(session_id, ev.Begin(actor=FAC))
    await dispatcher.drain()
    clock.advance(timedelta(hours=11))
    assert await service.tick_due() == 0
    clock.advance(timedelta(hours=1))
    assert await service.tick_due() == 1
    await dispatcher.drain()
    reminded = {e.user_id for e in platform.effects() if isinstance(e, DirectMessage)}
    assert reminded == {p.user_id for p in PEOPLE}
    clock.advance(timedelta(hours=12))
    assert await service.tick_due() == 1
    state = await current_state(service.store, session_id)
    assert state.stage_index == 1  # Kolb's first stage closed; the second opened
    await dispatcher.drain()
    opened = [e for e in platform.effects() if isinstance(e, Post)][-1]
    assert opened.key == f"q:{state.model.stages[1].questions[-1].id}"


async def test_a_start_that_loses_the_race_for_a_channel_is_told_plainly(
    service: SessionService, monkeypatch: pytest.MonkeyPatch
):
    """Two processes start a session in one channel at the same moment: both look, both find
    the channel free, both write. The database keeps the first; the second facilitator is
    told who is running the session, and nothing of theirs is left behind."""
    await started(service)
    real_active_in = Sessions.active_in
    looks = 0

    async def stale_look(self: Sessions, platform: str, key: str):  # type: ignore[no-untyped-def]
        nonlocal looks
        looks += 1
        # The first look happened before the other process committed.
        return None if looks == 1 else await real_active_in(self, platform, key)

    monkeypatch.setattr(Sessions, "active_in", stale_look)
    outcome = await service.start(conversation(), start_event("kolb", session_id="s-2"))

    assert outcome.session_id == "s-1"
    (told,) = outcome.immediate
    assert isinstance(told, Ephemeral) and told.user_id == FAC
    assert "already running here, facilitated by" in told.content.summary
    async with service.store.transaction() as uow:
        assert await uow.sessions.get("s-2") is None
        assert [s.id for s in await uow.sessions.in_conversation(PLATFORM, "C-ROOM")] == ["s-1"]


async def test_simultaneous_starts_in_one_channel_make_one_session(service: SessionService):
    starts = [start_event("kolb", session_id=f"s-{n}") for n in range(6)]
    outcomes = await asyncio.gather(*(service.start(conversation(), s) for s in starts))
    async with service.store.transaction() as uow:
        sessions = await uow.sessions.in_conversation(PLATFORM, "C-ROOM")
    assert len(sessions) == 1
    assert {o.session_id for o in outcomes} == {sessions[0].id}
    refused = [o for o in outcomes if o.immediate]
    assert len(refused) == 5

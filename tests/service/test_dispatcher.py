"""The outbox dispatcher: order, message ids written back, retries, failures and coalescing."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest
from service_kit import (
    FACILITATOR,
    PEOPLE,
    PLATFORM,
    FakePlatform,
    conversation,
    current_state,
    fail_on,
    next_event,
    start_event,
)
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.clock import ManualClock
from bot.dispatcher import PROGRESS_WINDOW, Delivery, DeliveryFailed, Dispatcher, RetryLater
from bot.service import SessionService
from dialogs import events as ev
from dialogs.effects import Ephemeral, Post, Response, Update
from storage.tables import OutboxRow
from storage.unit_of_work import Store
from tests.conftest import START

FAC = FACILITATOR.user_id


async def begun(service: SessionService, session_id: str = "s-1", room: str = "C-ROOM") -> str:
    outcome = await service.start(conversation(room), start_event("kolb", session_id))
    assert outcome.session_id is not None
    for person in PEOPLE:
        await service.handle(session_id, ev.AgreeRules(actor=person.user_id))
    await service.handle(session_id, ev.Begin(actor=FAC))
    return session_id


def answer(
    person_id: str, question_id: str = "brought_to_reflect", text: str = "A view."
) -> ev.Answer:
    return ev.Answer(
        actor=person_id, question_id=question_id, message_id=f"m-{person_id}", text=text
    )


async def rows(store: Store, session_id: str) -> list[OutboxRow]:
    async with store.transaction() as uow:
        query = select(OutboxRow).where(OutboxRow.session_id == session_id).order_by(OutboxRow.id)
        return list((await uow.db.execute(query)).scalars())


async def test_effects_are_delivered_in_order_per_session(
    service: SessionService, dispatcher: Dispatcher, platform: FakePlatform, store: Store
):
    await begun(service, "s-a", "C-A")
    await begun(service, "s-b", "C-B")
    await dispatcher.drain()
    for session_id in ("s-a", "s-b"):
        queued = await rows(store, session_id)
        assert {r.status for r in queued} == {"delivered", "superseded"}
        mine = [d.effect for d in platform.deliveries if d.session_id == session_id]
        assert [e.type for e in mine] == [r.kind for r in queued if r.status == "delivered"]
        assert [e.key for e in mine if isinstance(e, Post)] == ["root", "q:brought_to_reflect"]


async def test_posted_message_ids_are_written_back_for_updates_and_thread_replies(
    service: SessionService, dispatcher: Dispatcher, platform: FakePlatform, store: Store
):
    session_id = await begun(service)
    await dispatcher.drain()
    (question_post,) = [
        d
        for d in platform.deliveries
        if isinstance(d.effect, Post) and d.effect.key.startswith("q:")
    ]
    async with store.transaction() as uow:
        (landed,) = await uow.messages.parts(session_id, question_post.effect.key)
        assert await uow.messages.find(PLATFORM, "C-ROOM", landed.message_id) == (
            session_id,
            "q:brought_to_reflect",
        )
    platform.deliveries.clear()
    await service.handle(session_id, answer("U-POL", text=""))  # refused in the thread
    await service.handle(session_id, answer("U-HEA"))
    await dispatcher.drain()
    reply, update = platform.deliveries
    assert isinstance(reply.effect, Ephemeral) and reply.effect.thread == "q:brought_to_reflect"
    assert reply.target == (landed,)
    assert isinstance(update.effect, Update) and update.target == (landed,)


async def test_retry_later_waits_the_given_seconds_and_holds_the_session_back(
    service: SessionService,
    dispatcher: Dispatcher,
    platform: FakePlatform,
    clock: ManualClock,
    store: Store,
):
    platform.failures.append(fail_on(Post, RetryLater(30, "429 rate limited"), times=1))
    session_id = await begun(service)
    await dispatcher.drain()
    assert platform.deliveries == []
    clock.advance(timedelta(seconds=29))
    assert await dispatcher.drain() == 0
    clock.advance(timedelta(seconds=1))
    await dispatcher.drain()
    assert platform.posted_keys()[:2] == ["root", "q:brought_to_reflect"]
    (root,) = [
        r for r in await rows(store, session_id) if r.message_key == "root" and r.kind == "post"
    ]
    assert root.attempts == 1 and root.status == "delivered"


async def test_an_unexpected_error_is_given_up_after_the_maximum_attempts(
    service: SessionService,
    dispatcher: Dispatcher,
    platform: FakePlatform,
    clock: ManualClock,
    store: Store,
):
    platform.failures.append(fail_on(Post, RuntimeError("a bug"), times=4))
    session_id = await begun(service)
    for _ in range(10):
        await dispatcher.drain()
        clock.advance(timedelta(seconds=5))
    first = (await rows(store, session_id))[0]
    assert (first.kind, first.status, first.attempts) == ("post", "failed", 3)
    assert first.last_error == "RuntimeError"
    # What followed it is delivered: one lost message does not stop the session.
    assert "q:brought_to_reflect" in platform.posted_keys()


async def test_a_platform_that_stays_down_is_waited_for_with_growing_pauses_then_given_up(
    service: SessionService,
    dispatcher: Dispatcher,
    platform: FakePlatform,
    clock: ManualClock,
    store: Store,
):
    platform.failures.append(fail_on(Post, RetryLater(5, "503 unavailable"), times=10_000))
    session_id = await begun(service)
    waited = []
    for _ in range(12):
        await dispatcher.drain()
        (first,) = [r for r in await rows(store, session_id)][:1]
        waited.append((first.available_at - clock.now()).total_seconds())
        clock.advance(timedelta(seconds=max(waited[-1], 0)))
    first = (await rows(store, session_id))[0]
    assert first.status == "pending", "an outage of minutes loses nothing"
    assert waited[0] == 5 and waited[-1] == 300 and waited == sorted(waited)
    clock.advance(dispatcher.max_age)
    await dispatcher.drain()
    first = (await rows(store, session_id))[0]
    assert (first.status, first.last_error) == ("failed", "503 unavailable")


async def test_a_delivery_that_cannot_succeed_is_failed_at_once(
    service: SessionService, dispatcher: Dispatcher, platform: FakePlatform, store: Store
):
    platform.failures.append(fail_on(Ephemeral, DeliveryFailed("channel_not_found"), times=1))
    session_id = await begun(service)
    await service.handle(session_id, ev.AgreeRules(actor="U-OUTSIDER"))
    await service.handle(session_id, answer("U-POL"))
    await dispatcher.drain()
    failed = [r for r in await rows(store, session_id) if r.status == "failed"]
    assert [(r.kind, r.attempts, r.last_error) for r in failed] == [
        ("ephemeral", 0, "channel_not_found")
    ]
    assert platform.deliveries[-1].effect.type == "update"


async def test_an_update_whose_post_never_landed_fails_clearly(
    service: SessionService, dispatcher: Dispatcher, platform: FakePlatform, store: Store
):
    platform.failures.append(fail_on(Post, DeliveryFailed("msg_too_long"), times=1))
    session_id = await begun(service)
    await dispatcher.drain()
    root_rows = [r for r in await rows(store, session_id) if r.message_key == "root"]
    # Three agreements and Begin each updated the root; the first three were coalesced away.
    assert [(r.kind, r.status) for r in root_rows] == [
        ("post", "failed"),
        ("update", "superseded"),
        ("update", "superseded"),
        ("update", "superseded"),
        ("update", "failed"),
    ]
    assert root_rows[-1].last_error == "the message to update was never posted"
    assert "root" not in [getattr(d.effect, "key", None) for d in platform.deliveries]


async def test_progress_updates_of_one_message_are_coalesced(
    service: SessionService, dispatcher: Dispatcher, platform: FakePlatform, store: Store
):
    session_id = await begun(service)
    await dispatcher.drain()
    platform.deliveries.clear()
    # An answer and four edits arrive before the dispatcher runs: each updates the question's
    # progress, and only the last update matters.
    await service.handle(session_id, answer("U-POL"))
    for edit in range(4):
        await service.handle(session_id, answer("U-POL", text=f"Edited {edit}"))
    await dispatcher.drain()
    updates = [d.effect for d in platform.deliveries if isinstance(d.effect, Update)]
    assert len(updates) == 1
    statuses = [
        r.status for r in await rows(store, session_id) if r.message_key == "q:brought_to_reflect"
    ]
    assert statuses == ["delivered"] + ["superseded"] * 4 + ["delivered"]


async def test_an_unexpected_error_is_retried_with_backoff(
    service: SessionService,
    dispatcher: Dispatcher,
    platform: FakePlatform,
    clock: ManualClock,
    store: Store,
):
    platform.failures.append(fail_on(Post, ValueError("unexpected answer"), times=1))
    session_id = await begun(service)
    await dispatcher.drain()
    assert platform.deliveries == []
    (first, *_) = await rows(store, session_id)
    assert first.last_error == "ValueError" and first.attempts == 1
    clock.advance(timedelta(seconds=1))
    await dispatcher.drain()
    assert platform.posted_keys()[0] == "root"


async def test_a_platform_without_a_deliverer_fails_its_effects(
    service: SessionService, store: Store, clock: ManualClock
):
    session_id = await begun(service)
    lonely = Dispatcher(store, clock, {})
    await lonely.drain()
    found = await rows(store, session_id)
    assert {r.status for r in found} == {"failed", "superseded"}
    assert {r.last_error for r in found if r.kind == "post"} == {f"no adapter for {PLATFORM}"}


async def test_an_effect_claimed_by_a_dispatcher_that_died_is_delivered_after_its_lease(
    service: SessionService,
    dispatcher: Dispatcher,
    platform: FakePlatform,
    clock: ManualClock,
    store: Store,
):
    await begun(service)
    async with store.transaction() as uow:
        (orphan,) = await uow.outbox.claim(clock.now(), dispatcher.lease)  # then the process died
    await dispatcher.drain()
    assert platform.deliveries == []
    clock.advance(dispatcher.lease + timedelta(seconds=1))
    await dispatcher.drain()
    assert platform.deliveries[0].effect == orphan.effect
    assert platform.posted_keys() == ["root", "q:brought_to_reflect"]


async def test_two_dispatchers_deliver_each_effect_once_and_in_order(
    service: SessionService, platform: FakePlatform, clock: ManualClock, store: Store
):
    for number in range(3):
        await begun(service, f"s-{number}", f"C-{number}")
    first, second = (Dispatcher(store, clock, {PLATFORM: platform}) for _ in range(2))
    await asyncio.gather(first.drain(), second.drain())
    for number in range(3):
        queued = await rows(store, f"s-{number}")
        delivered = [r for r in queued if r.status == "delivered"]
        assert {r.status for r in queued} <= {"delivered", "superseded"}
        mine = [d.effect for d in platform.deliveries if d.session_id == f"s-{number}"]
        assert [e.type for e in mine] == [r.kind for r in delivered]


async def test_a_database_outage_is_one_log_line_a_round_not_a_traceback(
    dispatcher: Dispatcher, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    stop = asyncio.Event()
    rounds = 0

    async def database_down() -> int:
        nonlocal rounds
        rounds += 1
        if rounds == 2:
            stop.set()
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("refused"))

    monkeypatch.setattr(dispatcher, "run_once", database_down)
    caplog.set_level(logging.WARNING)
    await dispatcher.run_forever(stop, idle_seconds=0)
    lines = [r for r in caplog.records if r.name == "bot.dispatcher"]
    assert [r.getMessage() for r in lines] == [
        "outbox dispatch: database unavailable (OperationalError); retrying"
    ] * 2
    assert all(r.exc_info is None for r in lines)


async def deliver_due(dispatcher: Dispatcher) -> None:
    """What a woken dispatcher does: deliver what is ready, holding progress updates."""
    while await dispatcher.run_once():
        pass


def shown(delivery: Delivery) -> str:
    return delivery.effect.model_dump_json()


@pytest.fixture
def windowed(store: Store, clock: ManualClock, platform: FakePlatform) -> Dispatcher:
    return Dispatcher(store, clock, {PLATFORM: platform}, progress_window=PROGRESS_WINDOW)


async def test_progress_updates_within_the_window_are_one_update_at_its_end(
    service: SessionService, windowed: Dispatcher, platform: FakePlatform, clock: ManualClock
):
    session_id = await begun(service)
    await windowed.drain()
    platform.deliveries.clear()
    await service.handle(session_id, answer("U-POL"))
    await deliver_due(windowed)
    clock.advance(timedelta(seconds=0.5))
    await service.handle(session_id, answer("U-HEA"))
    await deliver_due(windowed)
    assert platform.deliveries == [], "held for the window"
    assert windowed.next_ready == START + timedelta(seconds=PROGRESS_WINDOW.total_seconds())
    clock.advance(PROGRESS_WINDOW - timedelta(seconds=0.5))  # the first update's window ends
    await deliver_due(windowed)
    (update,) = platform.deliveries
    assert isinstance(update.effect, Update) and "2 of 3 answered" in shown(update)


async def test_a_post_behind_held_updates_is_not_held_and_releases_them(
    service: SessionService, windowed: Dispatcher, platform: FakePlatform, clock: ManualClock
):
    session_id = await begun(service)
    await windowed.drain()
    platform.deliveries.clear()
    for person in PEOPLE:  # the last answer closes the question and posts the next
        await service.handle(session_id, answer(person.user_id))
        await deliver_due(windowed)
        clock.advance(timedelta(seconds=0.1))
    update, post = platform.deliveries
    # The held progress updates went with the question's closing, whose redraw is lazy: a
    # platform that counts its calls leaves it out, as the next question's post shows it.
    assert isinstance(update.effect, Update) and "Closed — 3 of 3 answered" in shown(update)
    assert update.effect.lazy
    assert isinstance(post.effect, Post) and post.effect.key.startswith("q:")


async def test_a_stream_of_updates_is_shown_within_the_window_of_the_first(
    service: SessionService, windowed: Dispatcher, platform: FakePlatform, clock: ManualClock
):
    session_id = await begun(service)
    await windowed.drain()
    platform.deliveries.clear()
    await service.handle(session_id, answer("U-POL"))
    for edit in range(6):  # an edit every half second, for longer than the window
        clock.advance(timedelta(seconds=0.5))
        await service.handle(session_id, answer("U-POL", text=f"Edited {edit}"))
        await deliver_due(windowed)
        if clock.now() - START < PROGRESS_WINDOW:
            assert platform.deliveries == []
    assert len(platform.deliveries) == 1, "the first update's window ended: one update went"


async def asked_to_confirm(service: SessionService, dispatcher: Dispatcher) -> str:
    """A session whose model asks the participants to confirm the record, just asked."""
    kolb = start_event("kolb")
    record = kolb.model.record.model_copy(update={"confirmed_by_participants": True})
    start = kolb.model_copy(update={"model": kolb.model.model_copy(update={"record": record})})
    outcome = await service.start(conversation(), start)
    assert outcome.session_id is not None
    state = await current_state(service.store, outcome.session_id)
    while state.record is None or not state.record.confirmation_asked:
        event = next_event(state)
        assert event is not None
        await service.handle(outcome.session_id, event)
        state = await current_state(service.store, outcome.session_id)
    await dispatcher.drain()
    return outcome.session_id


async def test_confirmations_close_together_are_one_redraw_within_the_window_of_the_first(
    service: SessionService, windowed: Dispatcher, platform: FakePlatform, clock: ManualClock
):
    session_id = await asked_to_confirm(service, windowed)
    platform.deliveries.clear()
    first = clock.now()
    for person in PEOPLE:
        await service.handle(session_id, ev.ConfirmRecord(actor=person.user_id, revision=1))
        await deliver_due(windowed)
        clock.advance(timedelta(seconds=0.5))
    # Each thank-you (and the facilitator's news that all have confirmed) goes at once.
    assert [d.effect.type for d in platform.deliveries] == ["ephemeral"] * (len(PEOPLE) + 1)
    assert windowed.next_ready == first + PROGRESS_WINDOW
    clock.advance(first + PROGRESS_WINDOW - clock.now())
    await deliver_due(windowed)
    (redraw,) = [d for d in platform.deliveries if isinstance(d.effect, Update)]
    assert redraw.effect.key == "record_draft"
    assert "Every participant has confirmed the draft." in shown(redraw)


async def test_an_answer_given_in_place_is_handed_back_and_not_queued(
    service: SessionService, windowed: Dispatcher, platform: FakePlatform
):
    """A press the adapter can answer on the message pressed: the engine's answer comes back in
    `immediate`; the rest goes through the outbox as ever. Without it, the person is told
    through the outbox, privately."""
    session_id = await asked_to_confirm(service, windowed)
    platform.deliveries.clear()
    first, second = PEOPLE[0].user_id, PEOPLE[1].user_id
    outcome = await service.handle(
        session_id, ev.ConfirmRecord(actor=first, revision=1), in_place=True
    )
    (answer,) = outcome.immediate
    assert isinstance(answer, Response) and answer.user_id == first
    assert "You confirmed this draft at" in answer.content.blocks[0].text
    await windowed.drain()
    assert not [d for d in platform.deliveries if d.effect.type in ("ephemeral", "response")]
    outcome = await service.handle(session_id, ev.ConfirmRecord(actor=second, revision=1))
    assert outcome.immediate == []
    await windowed.drain()
    (told,) = [d.effect for d in platform.deliveries if isinstance(d.effect, Ephemeral)]
    assert told.user_id == second
    assert "your confirmation of the draft record is recorded" in told.content.summary

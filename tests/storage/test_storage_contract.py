"""The storage contract: every implementation (SQLite, PostgreSQL) behaves the same.

Each test runs once per database through the `store` fixture.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.clock import ManualClock
from dialogs import events as ev
from dialogs.content import Content
from dialogs.effects import DirectMessage, Ephemeral, Post, Update
from dialogs.engine import step
from dialogs.events import Participant, Person, Role
from dialogs.learning_report import SubmittedEvaluation
from dialogs.models.catalogue import Catalogue
from dialogs.state import AnswersNotLoaded, Phase, SessionState
from storage.pending import Thread
from storage.repositories import Conversation, OutboxItem, PostedMessage, StoredSession
from storage.unit_of_work import Store

LEASE = timedelta(seconds=60)
FACILITATOR = Person(user_id="U-FAC", name="Zoë Ó Briain", agency="Chair")
PEOPLE = (
    Participant(user_id="U-PRE", name="Pat", agency="Social work", role=Role.PRESENTER),
    Participant(user_id="U-POL", name="Sam", agency="Police"),
)
MODEL = Catalogue.load().models["space-to-think"]


def running_state(session_id: str, now: datetime) -> SessionState:
    """A session with answers in it: unicode, markup-like text and microsecond times included."""
    start = ev.Start(
        actor=FACILITATOR.user_id,
        session_id=session_id,
        model=MODEL,
        facilitator=FACILITATOR,
        participants=PEOPLE,
        case_reference="RCD-7",
    )
    state = step(None, start, now).state
    for event in (
        ev.AgreeRules(actor="U-PRE"),
        ev.AgreeRules(actor="U-POL"),
        ev.Begin(actor=FACILITATOR.user_id),
        ev.Answer(
            actor="U-PRE",
            question_id="overview",
            message_id="1700000000.000100",
            text="<!channel> café — “quoted” & <b>bold</b> 🙂",
        ),
    ):
        now += timedelta(microseconds=123457)
        state = step(state, event, now).state
    assert state is not None
    return state


def stored(session_id: str, now: datetime, conversation: str = "C1") -> StoredSession:
    return StoredSession(
        id=session_id,
        platform="slack",
        conversation=conversation,
        conversation_data={"team": "T1", "names": {"U-PRE": "Pat"}},
        state=running_state(session_id, now),
    )


def finished(state: SessionState, now: datetime) -> SessionState:
    cancelled = step(state, ev.Cancel(actor=FACILITATOR.user_id), now).state
    assert cancelled is not None
    return cancelled


def note(text: str) -> Content:
    return Content(title="", summary=text)


async def add_session(store: Store, session: StoredSession, now: datetime) -> None:
    async with store.transaction() as uow:
        await uow.sessions.add(session, now, None)


# -- sessions ----------------------------------------------------------------------------------


async def test_a_session_round_trips_exactly(store: Store, clock: ManualClock):
    original = stored("s-1", clock.now())
    await add_session(store, original, clock.now())
    async with store.transaction() as uow:
        loaded = await uow.sessions.get("s-1")
    assert loaded == original
    assert loaded.state.questions["overview"].answers[0].text.startswith("<!channel> café")


async def test_an_unknown_session_is_none(store: Store):
    async with store.transaction() as uow:
        assert await uow.sessions.get("nope") is None
        assert await uow.sessions.get("nope", lock=True) is None
        assert await uow.sessions.conversation("nope") is None


async def test_save_replaces_the_state_and_the_wake_time(store: Store, clock: ManualClock):
    session = stored("s-1", clock.now())
    await add_session(store, session, clock.now())
    changed = step(session.state, ev.Pause(actor=FACILITATOR.user_id), clock.now()).state
    assert changed is not None
    session.state = changed
    wake = clock.now() + timedelta(minutes=5)
    async with store.transaction() as uow:
        await uow.sessions.save(session, clock.now(), wake)
    async with store.transaction() as uow:
        loaded = await uow.sessions.get("s-1", lock=True)
        assert loaded is not None and loaded.state == changed
        assert await uow.sessions.due(wake - timedelta(seconds=1)) == []
        assert await uow.sessions.due(wake) == ["s-1"]


async def test_active_in_finds_the_unfinished_session_of_a_conversation(
    store: Store, clock: ManualClock
):
    session = stored("s-1", clock.now())
    await add_session(store, session, clock.now())
    async with store.transaction() as uow:
        found = await uow.sessions.active_in("slack", "C1")
        assert found is not None and found.id == "s-1"
        assert await uow.sessions.active_in("slack", "C2") is None
        assert await uow.sessions.active_in("teams", "C1") is None
    session.state = finished(session.state, clock.now())
    async with store.transaction() as uow:
        await uow.sessions.save(session, clock.now(), None)
    async with store.transaction() as uow:
        assert await uow.sessions.active_in("slack", "C1") is None


async def test_in_conversation_lists_a_conversations_sessions_newest_first(
    store: Store, clock: ManualClock
):
    for session_id, conversation in (("old", "C1"), ("elsewhere", "C2"), ("new", "C1")):
        session = stored(session_id, clock.now(), conversation)
        if session_id == "old":  # finished before "new" began: one active at a time
            session.state = finished(session.state, clock.now())
        await add_session(store, session, clock.now())
        clock.advance(timedelta(minutes=1))
    async with store.transaction() as uow:
        every = await uow.sessions.in_conversation("slack", "C1")
        latest = await uow.sessions.in_conversation("slack", "C1", limit=1)
        assert await uow.sessions.in_conversation("teams", "C1") == []
    assert [s.id for s in every] == ["new", "old"]
    assert [s.id for s in latest] == ["new"]
    assert every[1].state.phase is Phase.CANCELLED


async def test_due_lists_sessions_whose_wake_time_has_come_earliest_first(
    store: Store, clock: ManualClock
):
    now = clock.now()
    async with store.transaction() as uow:
        await uow.sessions.add(stored("late", now, "C1"), now, now + timedelta(minutes=9))
        await uow.sessions.add(stored("early", now, "C2"), now, now + timedelta(minutes=3))
        await uow.sessions.add(stored("never", now, "C3"), now, None)
        await uow.sessions.add(stored("future", now, "C4"), now, now + timedelta(hours=2))
    async with store.transaction() as uow:
        assert await uow.sessions.due(now) == []
        assert await uow.sessions.due(now + timedelta(minutes=10)) == ["early", "late"]


async def test_listing_holds_every_session_oldest_first(store: Store, clock: ManualClock):
    for number, conversation in enumerate(("C1", "C2", "C3")):
        await add_session(store, stored(f"s-{number}", clock.now(), conversation), clock.now())
        clock.advance(timedelta(minutes=1))
    async with store.transaction() as uow:
        listed = await uow.sessions.listing()
        conversation = await uow.sessions.conversation("s-1")
    assert [s.id for s in listed] == ["s-0", "s-1", "s-2"]
    assert conversation == Conversation("slack", "C2", {"team": "T1", "names": {"U-PRE": "Pat"}})


async def test_a_failed_transaction_leaves_nothing(store: Store, clock: ManualClock):
    with pytest.raises(RuntimeError):
        async with store.transaction() as uow:
            await uow.sessions.add(stored("s-1", clock.now()), clock.now(), None)
            await uow.outbox.add("s-1", [Post(key="root", content=note("hi"))], clock.now())
            await uow.audit.add("s-1", "started", "U-FAC", clock.now())
            raise RuntimeError("the process fell over")
    async with store.transaction() as uow:
        assert await uow.sessions.get("s-1") is None
        assert await uow.outbox.pending_count() == 0
        assert await uow.audit.entries() == []


# -- answers, rows of their own ----------------------------------------------------------------

OVERVIEW_ANSWER = "1700000000.000100"  # the answer running_state gives


async def answer_rows(store: Store, session_id: str) -> list[tuple[int, str, str, str, bool]]:
    """The session's answer rows in order: (id, question, message id, text, edited)."""
    async with store.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT id, question_id, message_id, text, edited FROM answers "
                "WHERE session_id = :session_id ORDER BY id"
            ),
            {"session_id": session_id},
        )
        return [(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]


async def state_document(store: Store, session_id: str) -> str:
    async with store.engine.connect() as connection:
        query = text("SELECT state FROM sessions WHERE id = :session_id")
        return (await connection.execute(query, {"session_id": session_id})).scalar_one()


async def stepped(store: Store, session_id: str, event: ev.Event, now: datetime) -> SessionState:
    """Step an event the way the service does: load what it needs under lock, save."""
    async with store.transaction() as uow:
        session = await uow.sessions.get(session_id, lock=True, for_event=event)
        assert session is not None
        changed = step(session.state, event, now).state
        assert changed is not None
        session.state = changed
        await uow.sessions.save(session, now, None)
    return changed


async def test_answers_are_rows_of_their_own_written_as_they_change(
    store: Store, clock: ManualClock
):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    [(first_id, *first)] = await answer_rows(store, "s-1")
    assert first == [
        "overview",
        OVERVIEW_ANSWER,
        "<!channel> café — “quoted” & <b>bold</b> 🙂",
        False,
    ]
    assert "café" not in await state_document(store, "s-1"), "the session row holds no answer"

    await stepped(
        store,
        "s-1",
        ev.Answer(actor="U-PRE", question_id="overview", message_id="m2", text="A second reply."),
        clock.now(),
    )
    await stepped(
        store,
        "s-1",
        ev.EditAnswer(actor="U-PRE", message_id=OVERVIEW_ANSWER, text="Edited."),
        clock.now(),
    )
    rows = await answer_rows(store, "s-1")
    assert [row[1:] for row in rows] == [
        ("overview", OVERVIEW_ANSWER, "Edited.", True),
        ("overview", "m2", "A second reply.", False),
    ]
    assert rows[0][0] == first_id, "an edit changes its row in place"

    await stepped(
        store, "s-1", ev.DeleteAnswer(actor="U-PRE", message_id=OVERVIEW_ANSWER), clock.now()
    )
    assert [row[2] for row in await answer_rows(store, "s-1")] == ["m2"]
    async with store.transaction() as uow:
        loaded = await uow.sessions.get("s-1")
    assert loaded is not None
    assert [a.text for a in loaded.state.questions["overview"].answers] == ["A second reply."]


async def test_an_event_is_given_the_answers_it_needs_and_reading_others_fails(
    store: Store, clock: ManualClock
):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    clock.advance(timedelta(minutes=6))
    moved_on = await stepped(
        store, "s-1", ev.Next(actor=FACILITATOR.user_id, confirmed=True), clock.now()
    )
    assert [q.id for q in moved_on.open_questions] == ["facts_summary"]
    answer = ev.Answer(actor="U-POL", question_id="facts_summary", message_id="m3", text="Facts.")
    edit = ev.EditAnswer(actor="U-PRE", message_id=OVERVIEW_ANSWER, text="Later words.")
    async with store.transaction() as uow:
        for_answer = await uow.sessions.get("s-1", lock=True, for_event=answer)
        for_edit = await uow.sessions.get("s-1", lock=True, for_event=edit)
        everything = await uow.sessions.get("s-1")
    assert for_answer is not None and for_edit is not None and everything is not None
    assert for_answer.state.questions["facts_summary"].answers == []
    with pytest.raises(AnswersNotLoaded):
        list(for_answer.state.questions["overview"].answers)
    with pytest.raises(AnswersNotLoaded):
        for_answer.state.find_answer("a message nobody looked up")
    with pytest.raises(AnswersNotLoaded):
        step(for_answer.state, edit, clock.now())
    assert for_answer.state.find_answer("m3") is None, "looked up: no such answer yet"
    found = for_edit.state.find_answer(OVERVIEW_ANSWER)
    assert found is not None and found[0].id == "overview", "the edited answer's question"
    assert everything.state.find_answer(OVERVIEW_ANSWER) is not None


async def test_a_late_answer_to_a_closed_question_is_written_to_its_question(
    store: Store, clock: ManualClock
):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    clock.advance(timedelta(minutes=6))
    await stepped(store, "s-1", ev.Next(actor=FACILITATOR.user_id, confirmed=True), clock.now())
    late = ev.Answer(actor="U-PRE", question_id="overview", message_id="m4", text="Late words.")
    await stepped(store, "s-1", late, clock.now())
    assert [row[1:3] for row in await answer_rows(store, "s-1")] == [
        ("overview", OVERVIEW_ANSWER),
        ("overview", "m4"),
    ]


async def test_a_deleted_session_takes_its_answer_rows(store: Store, clock: ManualClock):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    async with store.transaction() as uow:
        assert await uow.sessions.answer_count("s-1") == 1
        assert await uow.sessions.delete("s-1")
    assert await answer_rows(store, "s-1") == []


async def test_each_session_keeps_the_model_version_it_started_with(
    store: Store, clock: ManualClock
):
    """Model snapshots are stored once each, apart from the sessions that run them."""
    first = stored("s-1", clock.now())
    revised = MODEL.model_copy(update={"version": "2", "name": "Space to Think, revised"})
    second = stored("s-2", clock.now(), conversation="C2")
    second.state = second.state.model_copy(update={"model": revised})
    third = stored("s-3", clock.now(), conversation="C3")
    for session in (first, second, third):
        await add_session(store, session, clock.now())
    async with store.transaction() as uow:
        loaded = [await uow.sessions.get(s) for s in ("s-1", "s-2", "s-3")]
    assert [s.state.model.version if s else None for s in loaded] == [
        MODEL.version,
        "2",
        MODEL.version,
    ]
    assert loaded[1] is not None and loaded[1].state.model == revised
    assert MODEL.name not in await state_document(store, "s-1"), "the row holds no model"
    async with store.engine.connect() as connection:
        count = await connection.execute(text("SELECT count(*) FROM model_snapshots"))
        assert count.scalar_one() == 2


# -- messages ----------------------------------------------------------------------------------


async def test_posted_messages_are_found_by_their_platform_ids(store: Store, clock: ManualClock):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    parts = [PostedMessage("C1", "111.2", part=1), PostedMessage("C1", "111.1", part=0)]
    async with store.transaction() as uow:
        await uow.messages.record("s-1", "q:overview", "slack", parts)
    async with store.transaction() as uow:
        assert await uow.messages.find("slack", "C1", "111.1") == ("s-1", "q:overview")
        assert await uow.messages.find("slack", "C1", "111.2") == ("s-1", "q:overview")
        assert await uow.messages.find("teams", "C1", "111.1") is None
        assert await uow.messages.find("slack", "C9", "111.1") is None
        assert await uow.messages.parts("s-1", "q:overview") == sorted(parts, key=lambda p: p.part)
        assert await uow.messages.parts("s-1", "root") == []


async def test_a_message_finds_its_session_locked_and_read_for_an_event(
    store: Store, clock: ManualClock
):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    async with store.transaction() as uow:
        await uow.messages.record("s-1", "q:overview", "slack", [PostedMessage("C1", "111.1")])
    answer = ev.Answer(actor="U-POL", question_id="overview", message_id="m3", text="Facts.")
    async with store.transaction() as uow:
        assert await uow.sessions.locked_by_message("slack", "C9", "111.1") is None
        found = await uow.sessions.locked_by_message("slack", "C1", "111.1")
        assert found is not None
        key, row = found
        loaded = await uow.sessions.loaded(row, for_event=answer)
        expected = await uow.sessions.get("s-1", for_event=answer)
    assert key == "q:overview"
    assert loaded == expected


async def test_replace_parts_swaps_every_part(store: Store, clock: ManualClock):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    async with store.transaction() as uow:
        await uow.messages.record(
            "s-1", "record", "slack", [PostedMessage("C1", "a", 0), PostedMessage("C1", "b", 1)]
        )
    async with store.transaction() as uow:
        await uow.messages.replace_parts("s-1", "record", "slack", [PostedMessage("C1", "c", 0)])
    async with store.transaction() as uow:
        assert await uow.messages.parts("s-1", "record") == [PostedMessage("C1", "c", 0)]
        assert await uow.messages.find("slack", "C1", "b") is None


# -- processed events --------------------------------------------------------------------------


async def test_an_event_id_is_claimed_once(store: Store, clock: ManualClock):
    async with store.transaction() as uow:
        assert await uow.events.claim("slack", "Ev1", clock.now()) is True
    async with store.transaction() as uow:
        assert await uow.events.claim("slack", "Ev1", clock.now()) is False
        # The refused claim leaves the transaction usable.
        assert await uow.events.claim("slack", "Ev2", clock.now()) is True
        assert await uow.events.claim("teams", "Ev1", clock.now()) is True


async def test_a_claim_twice_in_one_transaction_is_refused_the_second_time(store: Store, clock):
    async with store.transaction() as uow:
        assert await uow.events.claim("slack", "Ev1", clock.now()) is True
        assert await uow.events.claim("slack", "Ev1", clock.now()) is False


async def test_a_rolled_back_transaction_does_not_keep_its_claim(store: Store, clock: ManualClock):
    with pytest.raises(RuntimeError):
        async with store.transaction() as uow:
            assert await uow.events.claim("slack", "Ev1", clock.now()) is True
            raise RuntimeError("handling the event failed")
    async with store.transaction() as uow:
        assert await uow.events.claim("slack", "Ev1", clock.now()) is True


async def test_old_event_ids_are_forgotten(store: Store, clock: ManualClock):
    async with store.transaction() as uow:
        await uow.events.claim("slack", "old", clock.now() - timedelta(days=3))
        await uow.events.claim("slack", "new", clock.now())
        await uow.events.forget_before(clock.now() - timedelta(days=1))
    async with store.transaction() as uow:
        assert await uow.events.claim("slack", "old", clock.now()) is True
        assert await uow.events.claim("slack", "new", clock.now()) is False


# -- the outbox --------------------------------------------------------------------------------


async def two_sessions_with_effects(store: Store, now: datetime) -> None:
    async with store.transaction() as uow:
        await uow.sessions.add(stored("a", now, "C1"), now, None)
        await uow.sessions.add(stored("b", now, "C2"), now, None)
        await uow.outbox.add(
            "a",
            [Post(key="root", content=note("a1")), Update(key="root", content=note("a2"))],
            now,
        )
        await uow.outbox.add("b", [DirectMessage(user_id="U-POL", content=note("b1"))], now)
        await uow.outbox.add("a", [Ephemeral(user_id="U-FAC", content=note("a3"))], now)


async def test_claim_returns_the_oldest_pending_effect_of_each_session(
    store: Store, clock: ManualClock
):
    await two_sessions_with_effects(store, clock.now())
    async with store.transaction() as uow:
        claimed = await uow.outbox.claim(clock.now(), LEASE)
    assert [(item.session_id, item.effect.content.summary) for item in claimed] == [
        ("a", "a1"),
        ("b", "b1"),
    ]
    assert all(item.attempts == 0 for item in claimed)


async def test_a_claimed_effect_is_leased_until_it_expires(store: Store, clock: ManualClock):
    await two_sessions_with_effects(store, clock.now())
    async with store.transaction() as uow:
        first = await uow.outbox.claim(clock.now(), LEASE)
    async with store.transaction() as uow:
        assert await uow.outbox.claim(clock.now() + LEASE - timedelta(seconds=1), LEASE) == []
    async with store.transaction() as uow:
        again = await uow.outbox.claim(clock.now() + LEASE + timedelta(seconds=1), LEASE)
    assert [i.id for i in again] == [i.id for i in first]
    # Only the second claim may have been carried out already by the first claimant.
    assert [i.reclaimed for i in first] == [False, False]
    assert [i.reclaimed for i in again] == [True, True]


async def test_finishing_an_effect_releases_the_next_of_its_session(
    store: Store, clock: ManualClock
):
    await two_sessions_with_effects(store, clock.now())
    async with store.transaction() as uow:
        a1, _ = await uow.outbox.claim(clock.now(), LEASE)
        await uow.outbox.finish(a1.id, "delivered", clock.now())
    async with store.transaction() as uow:
        (a2,) = await uow.outbox.claim(clock.now(), LEASE)
        assert a2.effect.content.summary == "a2"
        assert await uow.outbox.statuses("a") == [
            ("post", "delivered"),
            ("update", "pending"),
            ("ephemeral", "pending"),
        ]


async def test_a_retried_effect_waits_and_holds_back_its_session(store: Store, clock: ManualClock):
    await two_sessions_with_effects(store, clock.now())
    async with store.transaction() as uow:
        a1, b1 = await uow.outbox.claim(clock.now(), LEASE)
        await uow.outbox.retry(a1.id, clock.now() + timedelta(seconds=30), "429 rate limited")
        await uow.outbox.finish(b1.id, "delivered", clock.now())
    async with store.transaction() as uow:
        assert await uow.outbox.claim(clock.now() + timedelta(seconds=29), LEASE) == []
    async with store.transaction() as uow:
        (again,) = await uow.outbox.claim(clock.now() + timedelta(seconds=30), LEASE)
    assert again.id == a1.id and again.attempts == 1


async def test_what_is_queued_after_an_effect_is_listed_in_order(store: Store, clock: ManualClock):
    now = clock.now()
    await add_session(store, stored("a", now), now)
    async with store.transaction() as uow:
        await uow.outbox.add(
            "a",
            [
                Post(key="q:x", content=note("posted")),
                Update(key="q:x", content=note("1 of 3")),
                Update(key="q:y", content=note("other message")),
                Update(key="q:x", content=note("2 of 3")),
            ],
            now,
        )
    async with store.transaction() as uow:
        (post,) = await uow.outbox.claim(now, LEASE)
        after = await uow.outbox.queued_after(post)
        assert [(kind, key) for _, kind, key in after] == [
            ("update", "q:x"),
            ("update", "q:y"),
            ("update", "q:x"),
        ]
        assert [row_id for row_id, _, _ in after] == sorted(row_id for row_id, _, _ in after)


async def _held_update(store: Store, now: datetime) -> OutboxItem:
    """A session's progress update, claimed and held for the window (2 s)."""
    await add_session(store, stored("a", now), now)
    async with store.transaction() as uow:
        await uow.outbox.add("a", [Update(key="q:x", content=note("1 of 3"))], now)
    async with store.transaction() as uow:
        (held,) = await uow.outbox.claim(now, LEASE)
        await uow.outbox.hold(held.id, now + timedelta(seconds=2))
    return held


async def test_a_held_update_is_claimed_only_when_due_or_when_a_post_is_queued(
    store: Store, clock: ManualClock
):
    now = clock.now()
    held = await _held_update(store, now)
    async with store.transaction() as uow:
        assert await uow.outbox.next_available(now) == now + timedelta(seconds=2)
    async with store.transaction() as uow:
        assert await uow.outbox.claim(now + timedelta(seconds=1), LEASE) == []
    async with store.transaction() as uow:
        (again,) = await uow.outbox.claim(now + timedelta(seconds=2), LEASE)
        assert again.id == held.id
        await uow.outbox.hold(held.id, now + timedelta(seconds=2))
    later = now + timedelta(seconds=1)
    async with store.transaction() as uow:
        await uow.outbox.add("a", [Post(key="q:y", content=note("next question"))], later)
        assert await uow.outbox.next_available(later) is None
    async with store.transaction() as uow:
        (released,) = await uow.outbox.claim(later, LEASE)
    assert released.id == held.id


async def test_a_held_update_is_released_by_a_private_message_queued_behind_it(
    store: Store, clock: ManualClock
):
    """Queuing effects behind a held update is one statement, the insert: the held row is not
    written to, and the claim finds it released."""
    now = clock.now()
    held = await _held_update(store, now)
    statements: list[str] = []

    def sent(_: Any, __: Any, statement: str, *rest: Any) -> None:
        statements.append(statement)

    later = now + timedelta(seconds=1)
    moved_on = Ephemeral(user_id="U1", content=note("The group has moved on"), thread="q:x")
    sqlalchemy_event.listen(store.engine.sync_engine, "before_cursor_execute", sent)
    try:
        async with store.transaction() as uow:
            await uow.outbox.add("a", [moved_on, Update(key="q:x", content=note("2 of 3"))], later)
    finally:
        sqlalchemy_event.remove(store.engine.sync_engine, "before_cursor_execute", sent)
    assert [s.split()[0] for s in statements if "outbox" in s] == ["INSERT"]
    async with store.transaction() as uow:
        assert await uow.outbox.next_available(later) is None
        (released,) = await uow.outbox.claim(later, LEASE)
    assert released.id == held.id


async def test_a_later_update_takes_over_and_is_leased(store: Store, clock: ManualClock):
    now = clock.now()
    await add_session(store, stored("a", now), now)
    async with store.transaction() as uow:
        await uow.outbox.add(
            "a",
            [Update(key="q:x", content=note(f"{n} of 3")) for n in (1, 2, 3)],
            now,
        )
    async with store.transaction() as uow:
        (first,) = await uow.outbox.claim(now, LEASE)
        later = [row_id for row_id, _, _ in await uow.outbox.queued_after(first)]
        newest = await uow.outbox.take_over(first.id, later, now, LEASE)
        assert newest.id == later[-1] and not newest.reclaimed
        assert newest.effect.content.summary == "3 of 3"
    async with store.transaction() as uow:
        assert await uow.outbox.claim(now, LEASE) == [], "leased to the one that took it over"
        assert [status for _, status in await uow.outbox.statuses("a")] == [
            "superseded",
            "superseded",
            "pending",
        ]


async def test_pending_count_and_oldest_pending(store: Store, clock: ManualClock):
    async with store.transaction() as uow:
        assert await uow.outbox.pending_count() == 0
        assert await uow.outbox.oldest_pending() is None
    first = clock.now()
    await two_sessions_with_effects(store, first)
    async with store.transaction() as uow:
        assert await uow.outbox.pending_count() == 4
        assert await uow.outbox.oldest_pending() == first
        claimed = await uow.outbox.claim(first, LEASE)
        for item in claimed:
            await uow.outbox.finish(item.id, "delivered", first)
        assert await uow.outbox.pending_count() == 2


async def test_effects_round_trip_through_the_outbox(store: Store, clock: ManualClock):
    state = running_state("a", clock.now())
    await add_session(store, stored("a", clock.now()), clock.now())
    effects = step(
        state,
        ev.Answer(actor="U-POL", question_id="overview", message_id="m", text="x"),
        clock.now(),
    ).effects
    async with store.transaction() as uow:
        await uow.outbox.add("a", effects, clock.now())
    delivered = []
    while True:
        async with store.transaction() as uow:
            claimed = await uow.outbox.claim(clock.now(), LEASE)
            if not claimed:
                break
            delivered.extend(item.effect for item in claimed)
            await uow.outbox.finish(claimed[0].id, "delivered", clock.now())
    assert delivered == effects


# -- audit -------------------------------------------------------------------------------------


async def test_audit_entries_keep_who_did_what_and_when(store: Store, clock: ManualClock):
    at = datetime(2026, 11, 23, 10, 0, 0, 250000, tzinfo=UTC)
    async with store.transaction() as uow:
        await uow.audit.add("s-1", "started", "U-FAC", at)
        await uow.audit.add("s-2", "started", "U-OTHER", at)
        await uow.audit.add("s-1", "approved the record", "U-FAC", at + timedelta(hours=1))
        await uow.audit.add(None, "erased", "operator", at + timedelta(hours=2))
    async with store.transaction() as uow:
        everything = await uow.audit.entries()
        one = await uow.audit.entries("s-1")
    assert [(e.session_id, e.action) for e in everything] == [
        ("s-1", "started"),
        ("s-2", "started"),
        ("s-1", "approved the record"),
        (None, "erased"),
    ]
    assert [e.action for e in one] == ["started", "approved the record"]
    assert one[0].at == at and one[0].at.tzinfo is not None


# -- pacing ---------------------------------------------------------------------------------


async def test_evaluations_submitted_in_a_period_come_back_with_their_model_and_day(
    store: Store,
):
    days = [date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 1)]
    async with store.transaction() as uow:
        for number, day in enumerate(days):
            await uow.evaluations.add("kolb", {"q": f"answer {number} — “café”"}, day)
    async with store.transaction() as uow:
        november = await uow.evaluations.submitted(date(2026, 11, 1), date(2026, 11, 30))
        everything = await uow.evaluations.submitted(None, None)
        from_december = await uow.evaluations.submitted(date(2026, 12, 1), None)
    assert november == [
        SubmittedEvaluation("kolb", days[1], {"q": "answer 1 — “café”"}),
        SubmittedEvaluation("kolb", days[2], {"q": "answer 2 — “café”"}),
    ]
    assert [e.submitted_on for e in everything] == days
    assert [e.submitted_on for e in from_december] == [days[3]]


async def test_a_claim_is_had_once_until_it_is_released(store: Store):
    async with store.transaction() as uow:
        assert await uow.instance.claim("learning-digest:2026-11:C1", "first")
        assert not await uow.instance.claim("learning-digest:2026-11:C1", "second")
        assert await uow.instance.claim("learning-digest:2026-11:C2", "other channel")
    async with store.transaction() as uow:
        assert not await uow.instance.claim("learning-digest:2026-11:C1", "later")
        await uow.instance.release("learning-digest:2026-11:C1")
    async with store.transaction() as uow:
        assert await uow.instance.claim("learning-digest:2026-11:C1", "again")


async def test_a_place_is_written_only_when_it_changes(store: Store, clock: ManualClock):
    place = {"service_url": "https://smba.example/emea/", "tenant_id": "T1"}
    async with store.transaction() as uow:
        assert await uow.places.remember("teams", "19:a@thread.tacv2", place, clock.now())
        assert not await uow.places.remember("teams", "19:a@thread.tacv2", place, clock.now())
    clock.advance(timedelta(minutes=1))
    moved = place | {"service_url": "https://smba.example/uk/"}
    async with store.transaction() as uow:
        assert not await uow.places.remember("teams", "19:a@thread.tacv2", place, clock.now())
        assert await uow.places.remember("teams", "19:b@thread.tacv2", place, clock.now())
    clock.advance(timedelta(minutes=1))
    async with store.transaction() as uow:
        assert await uow.places.remember("teams", "19:a@thread.tacv2", moved, clock.now())
    async with store.transaction() as uow:
        assert await uow.places.get("teams", "19:a@thread.tacv2") == moved
        assert await uow.places.get("slack", "19:a@thread.tacv2") is None
        latest = await uow.places.latest("teams")
    assert [channel for channel, _ in latest] == ["19:a@thread.tacv2", "19:b@thread.tacv2"]


async def test_pacing_slots_follow_each_other_by_the_interval(store: Store):
    async with store.transaction() as uow:
        first = await uow.pacing.reserve("post:C1", 1000.0, 1.0)
        second = await uow.pacing.reserve("post:C1", 1000.0, 1.0)
        other_channel = await uow.pacing.reserve("post:C2", 1000.0, 1.0)
    assert (first, second, other_channel) == (1000.0, 1001.0, 1000.0)


async def test_a_pacing_slot_is_never_in_the_past(store: Store):
    async with store.transaction() as uow:
        await uow.pacing.reserve("update", 1000.0, 1.2)
    async with store.transaction() as uow:
        # Long after the last slot: go now, and the next caller 1.2 s later.
        assert await uow.pacing.reserve("update", 2000.0, 1.2) == 2000.0
        assert await uow.pacing.reserve("update", 2000.5, 1.2) == pytest.approx(2001.2)


async def test_a_conversation_holds_one_active_session_at_a_time(store: Store, clock: ManualClock):
    """However many processes start a session in one channel at the same moment, the
    database keeps one; a finished session does not count."""
    await add_session(store, stored("first", clock.now()), clock.now())
    with pytest.raises(IntegrityError):
        await add_session(store, stored("second", clock.now()), clock.now())
    async with store.transaction() as uow:
        first = await uow.sessions.get("first")
        assert first is not None
        first.state = finished(first.state, clock.now())
        await uow.sessions.save(first, clock.now(), None)
    await add_session(store, stored("third", clock.now()), clock.now())
    await add_session(store, stored("elsewhere", clock.now(), "C2"), clock.now())
    async with store.transaction() as uow:
        active = await uow.sessions.active_in("slack", "C1")
    assert active is not None and active.id == "third"


# -- replies kept until their post is recorded ---------------------------------------------


async def test_kept_replies_come_back_in_order_until_their_post_is_recorded(
    store: Store, clock: ManualClock
):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    thread = Thread("slack", "C1", "1700000000.000200")
    elsewhere = Thread("slack", "C1", "1700000000.000999")
    async with store.transaction() as uow:
        await uow.outbox.add("s-1", [Post(key="q:overview", content=note("Q"))], clock.now())
        assert await uow.pending.post_on_its_way("s-1", "q:")
        assert not await uow.pending.post_on_its_way("s-1", "kp:")
        await uow.pending.add("s-1", thread, "U-PRE", "m1", "first", clock.now())
        await uow.pending.add("s-1", thread, "U-PRE", "m1", "first, edited", clock.now())
        await uow.pending.add("s-1", elsewhere, "U-POL", "m2", "not ours", clock.now())
        await uow.pending.add("s-1", thread, "U-POL", "m3", None, clock.now())
    async with store.transaction() as uow:
        kept = await uow.pending.in_thread(thread)
        assert [(r.author, r.message_id, r.text) for r in kept] == [
            ("U-PRE", "m1", "first"),
            ("U-PRE", "m1", "first, edited"),
            ("U-POL", "m3", None),
        ]
        assert await uow.pending.threads_recorded() == []
        assert await uow.pending.forget_unclaimed() == 0  # the post is still on its way
        posted = PostedMessage(channel="C1", message_id=thread.thread, part=0)
        await uow.messages.record("s-1", "q:overview", "slack", [posted])
        assert await uow.pending.threads_recorded() == [thread]
        assert await uow.pending.waiting_in(thread)
        await uow.pending.remove([r.id for r in kept])
        assert not await uow.pending.waiting_in(thread)
        (item,) = await uow.outbox.claim(clock.now(), LEASE)
        await uow.outbox.finish(item.id, "delivered", clock.now())
        assert await uow.pending.forget_unclaimed() == 1  # the other thread was never ours
        assert await uow.pending.in_thread(elsewhere) == []


async def test_kept_replies_go_with_their_session(store: Store, clock: ManualClock):
    await add_session(store, stored("s-1", clock.now()), clock.now())
    thread = Thread("slack", "C1", "1700000000.000200")
    async with store.transaction() as uow:
        await uow.pending.add("s-1", thread, "U-PRE", "m1", "words", clock.now())
    async with store.transaction() as uow:
        assert await uow.sessions.delete("s-1")
    async with store.transaction() as uow:
        assert await uow.pending.in_thread(thread) == []

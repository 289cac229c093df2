"""A session's events are serialised: concurrent handlers never overwrite each other's change."""

from __future__ import annotations

import asyncio

from bot.clock import ManualClock
from bot.service import SessionService
from dialogs import events as ev
from dialogs.events import Participant, Person
from dialogs.models.catalogue import Catalogue
from storage.repositories import Conversation
from storage.unit_of_work import Store

FACILITATOR = Person(user_id="U-FAC", name="Fran")
PEOPLE = tuple(Participant(user_id=f"U-{n}", name=f"Person {n}") for n in range(6))
MODEL = Catalogue.load().models["kolb"]


async def started(service: SessionService) -> str:
    outcome = await service.start(
        Conversation("slack", "C1"),
        ev.Start(
            actor=FACILITATOR.user_id,
            session_id="s-1",
            model=MODEL,
            facilitator=FACILITATOR,
            participants=PEOPLE,
            case_reference="RCD-3",
        ),
    )
    assert outcome.session_id is not None
    return outcome.session_id


async def test_two_concurrent_events_on_one_session_both_apply(store: Store, clock: ManualClock):
    service = SessionService(store, clock)
    session_id = await started(service)
    first, second = await asyncio.gather(
        service.handle(session_id, ev.AgreeRules(actor="U-0"), event_id="e-0"),
        service.handle(session_id, ev.AgreeRules(actor="U-1"), event_id="e-1"),
    )
    assert not first.duplicate and not second.duplicate
    async with store.transaction() as uow:
        stored = await uow.sessions.get(session_id)
    assert stored is not None
    assert sorted(stored.state.agreed) == ["U-0", "U-1"]


async def test_many_concurrent_answers_are_all_counted(store: Store, clock: ManualClock):
    service = SessionService(store, clock)
    session_id = await started(service)
    for person in PEOPLE:
        await service.handle(session_id, ev.AgreeRules(actor=person.user_id))
    await service.handle(session_id, ev.Begin(actor=FACILITATOR.user_id))
    question_id = MODEL.stages[0].questions[0].id
    await asyncio.gather(
        *(
            service.handle(
                session_id,
                ev.Answer(
                    actor=person.user_id,
                    question_id=question_id,
                    message_id=f"m-{person.user_id}",
                    text=f"Answer from {person.name}",
                ),
                event_id=f"ev-{person.user_id}",
            )
            for person in PEOPLE
        ),
        # A redelivery racing its original changes nothing.
        service.handle(
            session_id,
            ev.Answer(actor="U-0", question_id=question_id, message_id="m-again", text="Again"),
            event_id="ev-U-0",
        ),
    )
    async with store.transaction() as uow:
        stored = await uow.sessions.get(session_id)
    assert stored is not None
    answers = stored.state.questions[question_id].answers
    assert sorted(a.author for a in answers) == sorted(p.user_id for p in PEOPLE)
    # Everyone answered, so live pacing moved on to the next stage exactly once.
    assert stored.state.stage_index == 1

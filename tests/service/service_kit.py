"""A fake platform that records what it is asked to do, and a cooperative group that runs a
session to its published record one event at a time."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import ManualClock
from bot.dispatcher import Delivery, Dispatcher
from bot.service import SessionService
from dialogs import events as ev
from dialogs.effects import AnyEffect, Post, Update
from dialogs.events import Participant, Person, Role
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel
from dialogs.state import Phase, SessionState
from storage.repositories import Conversation, PostedMessage
from storage.unit_of_work import Store

PLATFORM = "fake"
STEP = timedelta(minutes=2)
CATALOGUE = Catalogue.load()
FACILITATOR = Person(user_id="U-FAC", name="Winifred Facilitator", agency="Chair")
PEOPLE = (
    Participant(
        user_id="U-PRE", name="Ottoline Quarrington", agency="Social work", role=Role.PRESENTER
    ),
    Participant(user_id="U-POL", name="Barnaby Fenwick-Lowe", agency="Police"),
    Participant(user_id="U-HEA", name="Ysolde Marchbanks", agency="Health visiting"),
)
NAMES = [FACILITATOR.name, *(p.name for p in PEOPLE)]


def model(model_id: str) -> FacilitationModel:
    return CATALOGUE.models[model_id]


def start_event(model_id: str, session_id: str = "s-1", **options: object) -> ev.Start:
    facilitation = model(model_id)
    # The facilitator declares no involvement in the case where the model requires it.
    declared = {"no_involvement": facilitation.requires_independent_facilitator}
    return ev.Start(
        actor=FACILITATOR.user_id,
        session_id=session_id,
        model=facilitation,
        facilitator=FACILITATOR,
        participants=PEOPLE,
        case_reference="RCD-0099",
        **(declared | options),  # type: ignore[arg-type]
    )


def conversation(key: str = "C-ROOM") -> Conversation:
    return Conversation(PLATFORM, key)


def answer_text(person: Person, question_id: str) -> str:
    return f"Confidential answer {question_id} by {person.user_id}"


def next_event(state: SessionState) -> ev.Event | None:
    """What a cooperative group does next; None once the record is published."""
    fac = FACILITATOR.user_id
    if state.phase is Phase.GROUND_RULES:
        waiting = [p for p in state.participants if p.user_id not in state.agreed]
        return ev.AgreeRules(actor=waiting[0].user_id) if waiting else ev.Begin(actor=fac)
    if state.phase is Phase.RUNNING:
        if state.awaiting_key_points:
            stage_id = state.awaiting_key_points
            return ev.StageNote(
                actor=fac,
                stage_id=stage_id,
                text="Key points, agreed.",
                fields={f.id: f"Noted: {f.id}." for f in state.model.stage_fields(stage_id)},
            )
        for question in state.open_questions:
            item = state.model.question(question.id)
            for person in state.waiting_for(question.id):
                words = str(item.scale.high) if item.scale else answer_text(person, question.id)
                return ev.Answer(
                    actor=person.user_id,
                    question_id=question.id,
                    message_id=f"msg-{question.id}-{person.user_id}",
                    text=words,
                )
        # Everyone has answered and the step is held open (a timed step): the facilitator
        # moves on, confirming it if the step has not had its minimum yet.
        return ev.Next(actor=fac, confirmed=True)
    if state.phase is Phase.RECORD_DRAFT:
        assert state.record is not None
        edited = {k: f"{v}\nReviewed by the facilitator." for k, v in state.record.sections.items()}
        return ev.EditRecord(actor=fac, sections=edited)
    if state.phase is Phase.AWAITING_APPROVAL:
        assert state.record is not None
        if state.model.record.confirmed_by_participants and not state.record.confirmation_asked:
            return ev.AskConfirmation(actor=fac)
        if state.confirmation_waiting:
            revision = state.record.revision
            return ev.ConfirmRecord(actor=state.confirmation_waiting[0].user_id, revision=revision)
        return ev.Approve(actor=fac)
    return None


Failure = Callable[[Delivery], None]


def fail_on(kind: type, error: Exception, times: int = 1_000) -> Failure:
    """Raise `error` for the first `times` deliveries of one kind of effect."""
    left = [times]

    def fail(delivery: Delivery) -> None:
        if isinstance(delivery.effect, kind) and left[0] > 0:
            left[0] -= 1
            raise error

    return fail


@dataclass
class FakePlatform:
    """Implements Deliverer: records every delivery; `failures` may raise for chosen ones."""

    deliveries: list[Delivery] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    attempts: int = 0
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    async def deliver(self, delivery: Delivery) -> list[PostedMessage]:
        self.attempts += 1
        for failure in self.failures:
            failure(delivery)
        self.deliveries.append(delivery)
        effect = delivery.effect
        if isinstance(effect, Post):
            return [PostedMessage(delivery.conversation.key, f"ts-{next(self._ids)}")]
        if isinstance(effect, Update):
            return list(delivery.target)
        return []

    def effects(self) -> list[AnyEffect]:
        return [d.effect for d in self.deliveries]

    def posted_keys(self) -> list[str]:
        return [e.key for e in self.effects() if isinstance(e, Post)]


async def current_state(store: Store, session_id: str) -> SessionState:
    async with store.transaction() as uow:
        stored = await uow.sessions.get(session_id)
    assert stored is not None
    return stored.state


async def run_to_publication(
    service: SessionService, dispatcher: Dispatcher, clock: ManualClock, session_id: str
) -> SessionState:
    """Drive a started session event by event, two minutes apart, delivering as it goes."""
    while (event := next_event(await current_state(service.store, session_id))) is not None:
        clock.advance(STEP)
        await service.handle(session_id, event)
        await service.tick_due()
        await dispatcher.drain()
    return await current_state(service.store, session_id)

"""What one answer costs as its session grows: the bot's CPU and the time to handle (load the
session under lock, step the engine, save state and outbox, commit) the 10th answer of a
session and its 500th, measured in this process on SQLite or PostgreSQL."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.servers import database
from bench.workload import FACILITATOR, SECRET, begin
from bot.clock import ManualClock
from bot.service import SessionService
from dialogs import events as ev
from dialogs.models.catalogue import Catalogue
from storage import migrate
from storage.repositories import Conversation
from storage.unit_of_work import Store

MODEL = "morrison-4x4x4"  # 42 questions: 12 participants give it 504 answers
PARTICIPANTS = tuple(
    ev.Participant(
        user_id=f"UA{number:02d}",
        name=f"Participant {number}",
        agency=f"Agency {number}",
        role=ev.Role.PRESENTER if number == 0 else ev.Role.CONSULTANT,
    )
    for number in range(12)
)
ANSWERS = 500
# Each figure is the median of AROUND answers around the 10th and around the 500th, in each of
# SESSIONS pairs of sessions. The two of a pair are answered in turn (one answer of the young
# session, then one of the old), so that the machine's speed, which drifts from second to
# second on a shared host, weighs on both alike.
AROUND = 10
SESSIONS = 3


@dataclass(frozen=True)
class Cost:
    cpu_ms: float
    wall_ms: float


@dataclass(frozen=True)
class Growth:
    tenth: Cost
    five_hundredth: Cost

    @property
    def cpu_ratio(self) -> float:
        return self.five_hundredth.cpu_ms / self.tenth.cpu_ms


def _median(costs: list[Cost]) -> Cost:
    return Cost(
        statistics.median(cost.cpu_ms for cost in costs),
        statistics.median(cost.wall_ms for cost in costs),
    )


async def _answer(
    service: SessionService, store: Store, clock: ManualClock, session_id: str, number: int
) -> Cost:
    """Give the session's next answer (the key points first, where a stage waits for them);
    its cost."""
    while True:
        async with store.transaction() as uow:
            stored = await uow.sessions.get(session_id)
        assert stored is not None
        state = stored.state
        if not state.awaiting_key_points:
            break
        note = ev.StageNote(
            actor=FACILITATOR.user_id, stage_id=state.awaiting_key_points, text="Key points."
        )
        await service.handle(session_id, note)
    question = state.open_questions[0]
    person = state.waiting_for(question.id)[0]
    answer = ev.Answer(
        actor=person.user_id,
        question_id=question.id,
        message_id=f"m{number}",
        text="3" if state.model.question(question.id).scale else "What my agency saw, and when.",
    )
    clock.advance(timedelta(seconds=5))
    cpu, wall = time.process_time(), time.perf_counter()
    await service.handle(session_id, answer, platform="slack", event_id=f"Ev{session_id}{number}")
    return Cost((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000)


async def _begun(service: SessionService, session_id: str) -> None:
    model = Catalogue.load().get(MODEL)
    assert model is not None
    await begin(service, Conversation("slack", f"C{session_id}"), session_id, model, PARTICIPANTS)


async def _pair(
    service: SessionService, store: Store, clock: ManualClock, number: int
) -> tuple[list[Cost], list[Cost]]:
    """A young session and an old one, brought to the answers before the windows, then
    answered in turn through them."""
    young, old = f"young{number}", f"old{number}"
    await _begun(service, young)
    await _begun(service, old)
    first = 10 - AROUND // 2
    for given in range(first):
        await _answer(service, store, clock, young, given)
    for given in range(ANSWERS - AROUND):
        await _answer(service, store, clock, old, given)
    tenths: list[Cost] = []
    five_hundredths: list[Cost] = []
    for given in range(AROUND):
        tenths.append(await _answer(service, store, clock, young, first + given))
        five_hundredths.append(await _answer(service, store, clock, old, ANSWERS - AROUND + given))
    return tenths, five_hundredths


async def run(kind: str, postgres_url: str | None) -> Growth:
    clock = ManualClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    tenths: list[Cost] = []
    five_hundredths: list[Cost] = []
    async with database(kind, postgres_url) as url:
        store = Store.open(url)
        try:
            await migrate.upgrade(store)
            service = SessionService(store, clock, secret=SECRET.encode())
            for number in range(SESSIONS):
                young, old = await _pair(service, store, clock, number)
                tenths += young
                five_hundredths += old
        finally:
            await store.close()
    return Growth(tenth=_median(tenths), five_hundredth=_median(five_hundredths))

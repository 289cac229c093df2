"""What one answer costs as its session grows: the bot's CPU and the time to handle (load the
session under lock, step the engine, save state and outbox, commit) the 10th answer of a
session and its 500th, measured in this process on SQLite or PostgreSQL."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.servers import database
from bench.workload import FACILITATOR, SECRET
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
# Each figure is the median of this many answers around the 10th and around the 500th, in each
# of SESSIONS sessions run one after another: one answer's cost is a fraction of a millisecond
# of work on a shared machine, and ten answers of one session were not enough to tell a change.
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


async def _answers(
    service: SessionService, store: Store, clock: ManualClock, session_id: str
) -> list[Cost]:
    """Answer the session's open questions, everyone asked, until ANSWERS have been given;
    the cost of each, in order."""
    costs: list[Cost] = []
    while len(costs) < ANSWERS:
        async with store.transaction() as uow:
            stored = await uow.sessions.get(session_id)
        assert stored is not None
        state = stored.state
        if state.awaiting_key_points:
            note = ev.StageNote(
                actor=FACILITATOR.user_id, stage_id=state.awaiting_key_points, text="Key points."
            )
            await service.handle(session_id, note)
            continue
        for question in state.open_questions:
            scale = state.model.question(question.id).scale
            for person in state.waiting_for(question.id):
                answer = ev.Answer(
                    actor=person.user_id,
                    question_id=question.id,
                    message_id=f"m{len(costs)}",
                    text="3" if scale else "What my agency saw, and when it saw it.",
                )
                clock.advance(timedelta(seconds=5))
                cpu, wall = time.process_time(), time.perf_counter()
                await service.handle(
                    session_id, answer, platform="slack", event_id=f"Ev{session_id}{len(costs)}"
                )
                costs.append(
                    Cost((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000)
                )
    return costs


async def _session(
    service: SessionService, store: Store, clock: ManualClock, number: int
) -> list[Cost]:
    """One session begun and answered ANSWERS times: the cost of each answer, in order."""
    model = Catalogue.load().get(MODEL)
    assert model is not None
    session_id = f"growth{number}"
    start = ev.Start(
        actor=FACILITATOR.user_id,
        session_id=session_id,
        model=model,
        facilitator=FACILITATOR,
        participants=PARTICIPANTS,
        case_reference=f"BENCH-GROWTH-{number}",
    )
    await service.start(Conversation("slack", f"CGROWTH{number}"), start)
    for person in PARTICIPANTS:
        await service.handle(session_id, ev.AgreeRules(actor=person.user_id))
    await service.handle(session_id, ev.Begin(actor=FACILITATOR.user_id))
    return await _answers(service, store, clock, session_id)


async def run(kind: str, postgres_url: str | None) -> Growth:
    clock = ManualClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    tenths: list[Cost] = []
    five_hundredths: list[Cost] = []
    half = AROUND // 2
    async with database(kind, postgres_url) as url:
        store = Store.open(url)
        try:
            await migrate.upgrade(store)
            service = SessionService(store, clock, secret=SECRET.encode())
            for number in range(SESSIONS):
                costs = await _session(service, store, clock, number)
                tenths += costs[10 - half : 10 + half]
                five_hundredths += costs[ANSWERS - AROUND : ANSWERS]
        finally:
            await store.close()
    return Growth(tenth=_median(tenths), five_hundredth=_median(five_hundredths))

"""Engine step time: event -> effects, median and p99, over whole Morrison 4x4x4 sessions."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

from dialogs import engine
from dialogs import events as ev
from dialogs.models.catalogue import Catalogue
from dialogs.state import Phase

SECRET = b"bench-secret-bench-secret-bench!"


def one_session(model_id: str, participants: int) -> list[float]:
    """Run a whole live session; return each step's duration in seconds."""
    model = Catalogue.load().get(model_id)
    assert model is not None
    now = datetime(2026, 1, 1, tzinfo=UTC)
    facilitator = ev.Person(user_id="F", name="Facilitator", agency="Chair")
    people = tuple(
        ev.Participant(
            user_id=f"P{i}",
            name=f"Person {i}",
            agency=f"Agency {i}",
            role=ev.Role.PRESENTER if i == 0 else ev.Role.CONSULTANT,
        )
        for i in range(participants)
    )
    timings: list[float] = []

    def step(state, event):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = engine.step(state, event, now, secret=SECRET)
        timings.append(time.perf_counter() - started)
        return result.state

    state = step(
        None,
        ev.Start(
            actor="F",
            session_id="bench",
            model=model,
            facilitator=facilitator,
            participants=people,
            case_reference="BENCH-1",
            no_involvement=True,  # a bench facilitator has no involvement
            watchlist=("Jayden Smith",),
        ),
    )
    for person in people:
        state = step(state, ev.AgreeRules(actor=person.user_id))
    state = step(state, ev.Begin(actor="F"))
    replies = 0
    while state.phase is Phase.RUNNING:
        if state.awaiting_key_points:
            state = step(
                state,
                ev.StageNote(actor="F", stage_id=state.awaiting_key_points, text="Key points."),
            )
            continue
        question = state.open_questions[0]
        scale = model.question(question.id).scale
        for person in state.waiting_for(question.id):
            replies += 1
            text = "3" if scale else "A considered answer of a sentence or two about the case."
            state = step(
                state,
                ev.Answer(
                    actor=person.user_id,
                    question_id=question.id,
                    message_id=f"m{replies}",
                    text=text,
                ),
            )
        now += timedelta(minutes=1)
    state = step(state, ev.EditRecord(actor="F", sections={}))
    step(state, ev.Approve(actor="F"))
    return timings


def run(sessions: int = 5, participants: int = 6) -> dict[str, float]:
    timings = [t for _ in range(sessions) for t in one_session("morrison-4x4x4", participants)]
    timings.sort()
    return {
        "steps": len(timings),
        "median_ms": statistics.median(timings) * 1000,
        "p99_ms": timings[int(len(timings) * 0.99) - 1] * 1000,
        "max_ms": timings[-1] * 1000,
    }


if __name__ == "__main__":
    figures = run()
    print("Engine step (event -> effects), Morrison 4x4x4, 6 participants, 5 sessions")
    print(f"{'steps':>8} {'median ms':>10} {'p99 ms':>8} {'max ms':>8}")
    print(
        f"{figures['steps']:>8} {figures['median_ms']:>10.2f} {figures['p99_ms']:>8.2f} "
        f"{figures['max_ms']:>8.2f}"
    )

"""A whole Space to Think session in the practice room, with the injected clock: each timed step
stays open past everyone's first reply, an early Next is confirmed, the facilitator is warned at
a step's maximum, and everyone sees the step's and the session's minutes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from practice_kit import Page, Visitor, begin, session_phase, session_state, start_session

from bot.clock import ManualClock
from bot.runtime import Runtime
from dialogs.state import Phase, QuestionStatus

MINUTE = timedelta(minutes=1)
CONFIRMATION = "Move on before the step's minimum?"


async def later(runtime: Runtime, clock: ManualClock, minutes: int) -> None:
    """Time passes; the timers tick as the scheduler would, and what they queued is delivered."""
    for _ in range(minutes):
        clock.advance(MINUTE)
        await runtime.service.tick_due()
    await runtime.dispatcher.drain()


async def reply(runtime: Runtime, person: Visitor, thread: str, text: str) -> None:
    page = await person.act("/reply", {"thread": thread, "text": text}, f"?thread={thread}")
    assert page.status == 200, seen(page)
    await runtime.dispatcher.drain()


def seen(page: Page) -> str:
    """The page's words, as a person reads them."""
    return " ".join(page.tree.text_content().split())


def clock_of(page: Page, step: str) -> str:
    """The note of a step's message that shows its minutes."""
    return next(note for note in page.texts("//p[@class='note']") if note.startswith(step))


async def test_a_space_to_think_session_keeps_its_time_boxes(
    runtime: Runtime, visitors: Callable[[], Visitor], clock: ManualClock
) -> None:
    chair, priya, dan, room_id = await start_session(runtime, visitors, model="space-to-think")
    offload = await begin(runtime, chair, priya, dan)
    state = await session_state(runtime, room_id)
    assert state.presenter is not None
    presenter = {"Priya": priya, "Dan": dan}[state.presenter.name]
    consultant = dan if presenter is priya else priya
    everyone = (chair, presenter, consultant)

    # Step 1, the offload (5–10 minutes): the presenter's first reply does not close it.
    page = await consultant.page()
    assert "Case Presenter offloads: 0 of 5–10 minutes · session 0 of 30–35 minutes" in seen(page)
    await later(runtime, clock, 1)
    await reply(runtime, presenter, offload, "The background, first.")
    await later(runtime, clock, 1)
    await reply(runtime, presenter, offload, "And why I am bringing it today.")
    state = await session_state(runtime, room_id)
    assert state.questions["overview"].status is QuestionStatus.OPEN
    assert [a.text for a in state.questions["overview"].answers] == [
        "The background, first.",
        "And why I am bringing it today.",
    ]
    await later(runtime, clock, 2)
    for person in everyone:  # the minutes move on for everyone, as the step goes
        shown = clock_of(await person.page(), "Case Presenter offloads:")
        assert shown == "Case Presenter offloads: 4 of 5–10 minutes · session 4 of 30–35 minutes"

    # Next at four minutes: the facilitator is asked, on a page of their own, before the step
    # closes; going back changes nothing.
    asked = await chair.press("Next")
    assert asked.tree.xpath("//h1")[0].text_content() == CONFIRMATION
    assert "has run 4 of 5–10 minutes: its minimum is 5 minutes" in seen(asked)
    assert "The session has run 4 of 30–35 minutes." in seen(asked)
    assert asked.texts("//div[@id='confirm']//button") == ["Move on now"]
    assert asked.texts("//div[@id='confirm']//a") == ["No, stay on this step"]
    await runtime.dispatcher.drain()
    assert CONFIRMATION not in seen(await presenter.page())
    assert (await session_state(runtime, room_id)).stage_index == 0
    moved = await chair.confirm(asked)  # "Move on now"
    assert moved.status == 200
    await runtime.dispatcher.drain()
    state = await session_state(runtime, room_id)
    assert state.stage is not None and state.stage.id == "checking_facts"

    # Step 2 (3–6 minutes), the facilitator's summary: at six minutes they are warned, once.
    facts = (await chair.page()).question_threads()[-1]
    await reply(runtime, chair, facts, "What I understood, checked with the presenter.")
    await later(runtime, clock, 5)
    assert "time box" not in seen(await chair.page())
    await later(runtime, clock, 1)
    page = await chair.page()
    warning = "The time box for “Checking of facts” (3–6 minutes) is over"
    assert seen(page).count(warning) == 1
    assert "it has run 6 minutes, and the session 10 of 30–35 minutes" in seen(page)
    assert warning not in seen(await consultant.page())
    assert clock_of(page, "Checking of facts:") == (
        "Checking of facts: 6 of 3–6 minutes (time is up) · session 10 of 30–35 minutes"
    )
    await later(runtime, clock, 2)
    assert seen(await chair.page()).count(warning) == 1
    moved = await chair.press("Next")  # past the minimum: no confirmation
    assert CONFIRMATION not in seen(moved)
    await runtime.dispatcher.drain()

    # Steps 3 to 6: everyone asked replies, and the step waits for its minimum and for Next.
    while await session_phase(runtime, room_id) is Phase.RUNNING:
        state = await session_state(runtime, room_id)
        if state.awaiting_key_points:  # what the facilitator writes down after a step
            form = await chair.press("Write key points")
            asked = form.tree.xpath("//main//textarea/@name")
            written = {name: "Noted by the facilitator." for name in asked}
            saved = await chair.post(
                chair.base + "/form", {"token": form.token(), "form": "key_points", **written}
            )
            assert saved.status == 200, saved.text
            await runtime.dispatcher.drain()
            continue
        assert state.stage is not None and state.stage.time_box is not None
        thread = (await chair.page()).question_threads()[-1]
        for person in state.waiting_for(state.open_questions[0].id):
            visitor = {"Morgan": chair, "Priya": priya, "Dan": dan}[person.name]
            await reply(runtime, visitor, thread, f"{person.name} in {state.stage.title}.")
        assert (await session_state(runtime, room_id)).stage_index == state.stage_index
        await later(runtime, clock, state.stage.time_box.min_minutes)
        moved = await chair.press("Next")
        assert CONFIRMATION not in seen(moved), "asked only when early"
        await runtime.dispatcher.drain()

    assert await session_phase(runtime, room_id) is Phase.RECORD_DRAFT

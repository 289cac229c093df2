"""Slack Web API calls per completed session (published, after the participants confirm the
record where the model asks them to), against issue 17's minimum (the root message, one post per
question, the record) and against the minimum of the model's procedure (every message a person
must receive, `procedure_minimum`). Delivered as the serving processes deliver: after each event, what
is ready goes out (a woken dispatcher), progress updates held for the window; people act half a
second apart within a round (everyone agrees, everyone answers) and a minute passes between
rounds. Measured with the window and without it.

A press on a message only the person sees (the facilitator's "ask to confirm" on their preview,
a participant's Confirm on their copy of the draft) is answered as the Slack listener answers
it: in place of the message pressed, through the press's response_url. Those answers are not
Web API calls and are counted apart."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deliverer import PLATFORM, SlackDeliverer
from adapters.slack.pacing import Pacer, sleeper_for
from adapters.slack.responses import Pressed, answer_press
from bench.fake_slack import BenchSlack
from bench.workload import BOT_TOKEN, FACILITATOR, PARTICIPANTS, SECRET
from bot.clock import ManualClock
from bot.dispatcher import PROGRESS_WINDOW, Dispatcher
from bot.service import SessionService
from dialogs import events as ev
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel
from dialogs.state import Phase
from storage import migrate
from storage.repositories import Conversation
from storage.unit_of_work import Store

BETWEEN_PEOPLE = timedelta(seconds=0.5)
BETWEEN_ROUNDS = timedelta(minutes=1)
# With the serving processes' window, and without it (only updates already queued behind
# another of the same message are skipped), as before the window was added.
SETTINGS = {
    f"a {PROGRESS_WINDOW.total_seconds():g} s window": {"progress_window": PROGRESS_WINDOW},
    "no window": {},
}


def procedure_minimum(model: FacilitationModel, participants: int) -> dict[str, int]:
    """Every call the procedure needs, each a message a person must receive (or, in Slack, the
    direct-message channel it is sent through), by what it is."""
    record = model.record
    confirmed = participants if record.confirmed_by_participants else 0
    copies = participants if record.shared_with_participants else 0
    invitations = participants if model.evaluation else 0
    terms = {
        "root": 1,
        "questions": sum(len(stage.questions) for stage in model.stages),
        "key points prompts": sum(
            1 for stage in model.stages if stage.key_points_prompt or model.stage_fields(stage.id)
        ),
        "completion notice": 1,
        "draft preview to the facilitator": 1,
        "drafts to confirm": confirmed,
        "record": 1 if record.posted_to_channel else 0,
        "record copies": copies,
        "evaluation invitations": invitations,
        "direct-message channels": participants if confirmed or copies or invitations else 0,
    }
    return {term: count for term, count in terms.items() if count}


class Session:
    """One session's events, each followed by the deliveries a woken dispatcher makes."""

    def __init__(
        self,
        service: SessionService,
        dispatcher: Dispatcher,
        clock: ManualClock,
        deliverer: SlackDeliverer,
        slack: BenchSlack,
    ):
        self.service, self.dispatcher, self.clock = service, dispatcher, clock
        self.deliverer, self.slack = deliverer, slack
        self.presses = 0

    async def deliver_due(self) -> None:
        while await self.dispatcher.run_once():
            pass

    async def act(self, event: ev.Event, pressed_in: str | None = None) -> None:
        """`pressed_in`: the event is a press on a message only its person sees, in that
        channel (the session's for an ephemeral message, their direct-message channel)."""
        self.clock.advance(BETWEEN_PEOPLE)
        if pressed_in is None:
            await self.service.handle("calls", event)
        else:
            self.presses += 1
            pressed = Pressed(pressed_in, self.slack.response_url(self.presses))
            outcome = await self.service.handle("calls", event, in_place=True)
            await answer_press(self.deliverer, pressed, "calls", outcome.immediate)
        await self.deliver_due()

    async def next_round(self) -> None:
        self.clock.advance(BETWEEN_ROUNDS)
        await self.deliver_due()


async def one_session(model_id: str, **dispatching: object) -> dict[str, int]:
    model = Catalogue.load().get(model_id)
    assert model is not None
    slack = BenchSlack()
    await slack.start()
    clock = ManualClock(datetime(2026, 1, 1, 9, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            await migrate.upgrade(store)
            client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.url)
            deliverer = SlackDeliverer(client, Pacer(clock, sleeper_for(clock)))
            dispatcher = Dispatcher(store, clock, {PLATFORM: deliverer}, **dispatching)  # type: ignore[arg-type]
            service = SessionService(store, clock, secret=SECRET.encode())
            session = Session(service, dispatcher, clock, deliverer, slack)
            start = ev.Start(
                actor=FACILITATOR.user_id,
                session_id="calls",
                model=model,
                facilitator=FACILITATOR,
                participants=PARTICIPANTS,
                case_reference="BENCH-1",
                no_involvement=True,  # a bench facilitator has no involvement
            )
            await service.start(Conversation(PLATFORM, "CCALLS"), start)
            await session.deliver_due()
            for person in PARTICIPANTS:
                await session.act(ev.AgreeRules(actor=person.user_id))
            await session.act(ev.Begin(actor=FACILITATOR.user_id))
            replies = 0
            while True:
                await session.next_round()
                async with store.transaction() as uow:
                    stored = await uow.sessions.get("calls")
                assert stored is not None
                state = stored.state
                if state.phase is not Phase.RUNNING:
                    break
                if state.awaiting_key_points:
                    note = ev.StageNote(
                        actor=FACILITATOR.user_id,
                        stage_id=state.awaiting_key_points,
                        text="Key points.",
                    )
                    await session.act(note)
                for question in state.open_questions:
                    scale = model.question(question.id).scale
                    for person in state.waiting_for(question.id):
                        replies += 1
                        answer = ev.Answer(
                            actor=person.user_id,
                            question_id=question.id,
                            message_id=f"m{replies}",
                            text="3" if scale else "What my agency saw, and when.",
                        )
                        await session.act(answer)
            await session.act(ev.EditRecord(actor=FACILITATOR.user_id, sections={}))
            if model.record.confirmed_by_participants:
                # From the facilitator's preview; each participant from their copy of the draft.
                ask = ev.AskConfirmation(actor=FACILITATOR.user_id)
                await session.act(ask, pressed_in="CCALLS")
                await session.next_round()
                for person in PARTICIPANTS:
                    confirm = ev.ConfirmRecord(actor=person.user_id, revision=0)
                    await session.act(confirm, pressed_in=f"D{person.user_id}")
            await session.act(ev.Approve(actor=FACILITATOR.user_id))
            await session.next_round()
            async with store.transaction() as uow:
                finished = await uow.sessions.get("calls")
            # Only a published session is counted: one that stopped short would cost less.
            assert finished is not None and finished.state.phase is Phase.PUBLISHED
        finally:
            await store.close()
            await slack.close()
    questions = sum(len(stage.questions) for stage in model.stages)
    calls = sum(count for method, count in slack.calls.items() if method != "auth.test")
    procedure = procedure_minimum(model, len(PARTICIPANTS))
    return {
        "questions": questions,
        "minimum": 1 + questions + 1,
        "procedure minimum": sum(procedure.values()),
        **{f"procedure: {term}": count for term, count in procedure.items()},
        "calls": calls,
        "posts": slack.calls["chat.postMessage"],
        "updates": slack.calls["chat.update"],
        "opens": slack.calls["conversations.open"],
        "ephemerals": slack.calls["chat.postEphemeral"],
        "responses": slack.responses,
    }


async def run(model_id: str = "morrison-4x4x4") -> dict[str, dict[str, int]]:
    return {
        setting: await one_session(model_id, **dispatching)
        for setting, dispatching in SETTINGS.items()
    }


def table_rows(results: dict[str, dict[str, int]]) -> list[tuple[str, str, str]]:
    """The benchmark table's rows: what, the figure, a note. Beside the serving processes' row
    (the first), the same calls against the procedure's minimum, each of its terms named."""
    rows = [
        (
            f"Web API calls a session, {setting}",
            f"{calls['calls']} (minimum {calls['minimum']}, "
            f"x{calls['calls'] / calls['minimum']:.2f})",
            f"{calls['posts']} posts, {calls['updates']} updates, {calls['opens']} opens, "
            f"{calls['ephemerals']} ephemerals; {calls['responses']} responses through "
            "response_url, not Web API calls; Morrison 4x4x4, 3 participants, published",
        )
        for setting, calls in results.items()
    ]
    setting, calls = next(iter(results.items()))
    prefix = "procedure: "
    terms = [f"{n} {term[len(prefix) :]}" for term, n in calls.items() if term.startswith(prefix)]
    rows.insert(
        1,
        (
            f"Web API calls a session against the procedure's minimum, {setting}",
            f"{calls['calls']} (procedure's minimum {calls['procedure minimum']}, "
            f"x{calls['calls'] / calls['procedure minimum']:.2f})",
            f"{calls['procedure minimum']} = " + " + ".join(terms),
        ),
    )
    return rows


if __name__ == "__main__":  # python -m bench.api_calls: these rows alone
    for cells in table_rows(asyncio.run(run())):
        print("| " + " | ".join(cells) + " |")

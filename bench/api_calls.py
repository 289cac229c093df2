"""Slack Web API calls per completed session, against the minimum (the root message, one post
per question, the record), with progress-update coalescing on and off."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deliverer import PLATFORM, SlackDeliverer
from adapters.slack.pacing import Pacer, sleeper_for
from bench.fake_slack import BenchSlack
from bench.workload import BOT_TOKEN, FACILITATOR, PARTICIPANTS, SECRET
from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs import events as ev
from dialogs.models.catalogue import Catalogue
from dialogs.state import Phase
from storage import migrate
from storage.repositories import Conversation
from storage.unit_of_work import Store


async def one_session(model_id: str, coalesce: bool) -> dict[str, int]:
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
            dispatcher = Dispatcher(store, clock, {PLATFORM: deliverer}, coalesce=coalesce)
            service = SessionService(store, clock, secret=SECRET.encode())
            start = ev.Start(
                actor=FACILITATOR.user_id,
                session_id="calls",
                model=model,
                facilitator=FACILITATOR,
                participants=PARTICIPANTS,
                case_reference="BENCH-1",
            )
            await service.start(Conversation(PLATFORM, "CCALLS"), start)
            # Events arrive in bursts (everyone agrees, everyone answers) between deliveries,
            # as they do when people are quicker than Slack's rate limits.
            for person in PARTICIPANTS:
                await service.handle("calls", ev.AgreeRules(actor=person.user_id))
            await service.handle("calls", ev.Begin(actor=FACILITATOR.user_id))
            await dispatcher.drain()
            replies = 0
            while True:
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
                    await service.handle("calls", note)
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
                        await service.handle("calls", answer)
                clock.advance(timedelta(minutes=1))
                await dispatcher.drain()
            await service.handle("calls", ev.EditRecord(actor=FACILITATOR.user_id, sections={}))
            await service.handle("calls", ev.Approve(actor=FACILITATOR.user_id))
            await dispatcher.drain()
        finally:
            await store.close()
            await slack.close()
    questions = sum(len(stage.questions) for stage in model.stages)
    calls = sum(count for method, count in slack.calls.items() if method != "auth.test")
    return {
        "questions": questions,
        "minimum": 1 + questions + 1,
        "calls": calls,
        "posts": slack.calls["chat.postMessage"],
        "updates": slack.calls["chat.update"],
    }


async def run(model_id: str = "morrison-4x4x4") -> dict[str, dict[str, int]]:
    return {
        "coalescing on": await one_session(model_id, coalesce=True),
        "coalescing off": await one_session(model_id, coalesce=False),
    }

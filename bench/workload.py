"""Sessions opened straight through the service, and the signed Slack requests that answer
them: the load the benchmarks send."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deliverer import PLATFORM, SlackDeliverer
from adapters.slack.pacing import Pacer, sleeper_for
from bench.fake_slack import TEAM
from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs import events as ev
from dialogs.models.catalogue import Catalogue
from storage import migrate
from storage.repositories import Conversation
from storage.unit_of_work import Store

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
SECRET = "bench-secret"
FACILITATOR = ev.Person(user_id="UFAC", name="Facilitator", agency="Chair")
PARTICIPANTS = tuple(
    ev.Participant(
        user_id=f"UP{number}",
        name=f"Participant {number}",
        agency=f"Agency {number}",
        role=ev.Role.PRESENTER if number == 0 else ev.Role.CONSULTANT,
    )
    for number in range(3)
)


@dataclass(frozen=True)
class OpenQuestion:
    channel: str
    thread_ts: str


async def open_sessions(
    database_url: str, slack_api_url: str, count: int, model_id: str = "morrison-4x4x4"
) -> list[OpenQuestion]:
    """`count` live sessions, each in its own channel, with its first question posted."""
    store = Store.open(database_url)
    clock = ManualClock(datetime.now(UTC))  # pacing moves this clock instead of sleeping
    try:
        await migrate.upgrade(store)
        model = Catalogue.load().get(model_id)
        assert model is not None
        client = AsyncWebClient(token=BOT_TOKEN, base_url=slack_api_url)
        deliverer = SlackDeliverer(client, Pacer(clock, sleeper_for(clock)))
        dispatcher = Dispatcher(store, clock, {PLATFORM: deliverer})
        service = SessionService(store, clock, secret=SECRET.encode())
        questions = []
        for number in range(count):
            session_id = f"bench-{number}"
            channel = f"CBENCH{number:05d}"
            start = ev.Start(
                actor=FACILITATOR.user_id,
                session_id=session_id,
                model=model,
                facilitator=FACILITATOR,
                participants=PARTICIPANTS,
                case_reference=f"BENCH-{number}",
                no_involvement=True,  # a bench facilitator has no involvement
            )
            await service.start(Conversation(PLATFORM, channel), start)
            for person in PARTICIPANTS:
                await service.handle(session_id, ev.AgreeRules(actor=person.user_id))
            await service.handle(session_id, ev.Begin(actor=FACILITATOR.user_id))
            await dispatcher.drain()
            async with store.transaction() as uow:
                stored = await uow.sessions.get(session_id)
                assert stored is not None
                first = stored.state.open_questions[0].id
                parts = await uow.messages.parts(session_id, f"q:{first}")
            questions.append(OpenQuestion(channel, parts[0].message_id))
        return questions
    finally:
        await store.close()


class ReplyMaker:
    """Signed `message` events (thread replies), each with its own event id and ts."""

    def __init__(self, questions: list[OpenQuestion]) -> None:
        self.questions = questions
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        self._numbers = itertools.count(1)

    def next(self) -> tuple[bytes, dict[str, str]]:
        number = next(self._numbers)
        question = self.questions[number % len(self.questions)]
        author = PARTICIPANTS[number % len(PARTICIPANTS)].user_id
        ts = f"1700001000.{number:06d}"
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": TEAM,
                "api_app_id": "A0BENCH",
                "type": "event_callback",
                "event_id": f"EvBENCH{number:08d}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
                "event": {
                    "type": "message",
                    "user": author,
                    "text": f"Answer {number}: what my agency saw, and when.",
                    "ts": ts,
                    "thread_ts": question.thread_ts,
                    "channel": question.channel,
                    "channel_type": "channel",
                    "event_ts": ts,
                },
            }
        )
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=timestamp, body=body),
        }
        return body.encode(), headers

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
from bench.fake_slack import TEAM, BenchSlack
from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs import events as ev
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel
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
            await begin(service, Conversation(PLATFORM, channel), session_id, model, PARTICIPANTS)
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


async def begin(
    service: SessionService,
    conversation: Conversation,
    session_id: str,
    model: FacilitationModel,
    participants: tuple[ev.Participant, ...],
) -> None:
    """A session started by the bench facilitator, its ground rules agreed by everyone, begun."""
    start = ev.Start(
        actor=FACILITATOR.user_id,
        session_id=session_id,
        model=model,
        facilitator=FACILITATOR,
        participants=participants,
        case_reference=f"BENCH-{session_id}",
        no_involvement=True,  # a bench facilitator has no involvement
    )
    await service.start(conversation, start)
    for person in participants:
        await service.handle(session_id, ev.AgreeRules(actor=person.user_id))
    await service.handle(session_id, ev.Begin(actor=FACILITATOR.user_id))


class ReplyMaker:
    """Signed `message` events (thread replies), each with its own event id and ts.

    With `slack` (the fake Web API the bot posts to), replies are answers as people give them:
    each in the thread of the question being asked (the channel's newest post), from the
    session's participants in turn; once all of them have answered, the session waits for its
    next question to be posted and the others take its turn. Only when every session is
    waiting is a reply a late one, in the thread of a question already answered. Without
    `slack`, the sessions and their participants take turns in the first question's thread."""

    def __init__(self, questions: list[OpenQuestion], slack: BenchSlack | None = None) -> None:
        self.questions = questions
        self.slack = slack
        self.verifier = SignatureVerifier(SIGNING_SECRET)
        self._numbers = itertools.count(1)
        self._turn = itertools.cycle(range(len(questions)))
        # Per session: the thread its last replies went to, and how many went there.
        self._answered: dict[int, tuple[str, int]] = {}

    def _thread(self, session: int) -> str:
        question = self.questions[session]
        if self.slack is None:
            return question.thread_ts
        return self.slack.newest.get(question.channel, question.thread_ts)

    def _waiting(self, session: int) -> bool:
        thread, replies = self._answered.get(session, ("", 0))
        return thread == self._thread(session) and replies >= len(PARTICIPANTS)

    def _next_reply(self) -> tuple[int, str, str]:
        """The session, thread and author of the next reply."""
        session = next(self._turn)
        for _ in range(len(self.questions) - 1):
            if self.slack is None or not self._waiting(session):
                break
            session = next(self._turn)
        thread = self._thread(session)
        last, replies = self._answered.get(session, ("", 0))
        replies = replies + 1 if last == thread else 1
        self._answered[session] = (thread, replies)
        return session, thread, PARTICIPANTS[(replies - 1) % len(PARTICIPANTS)].user_id

    def next(self) -> tuple[bytes, dict[str, str]]:
        number = next(self._numbers)
        session, thread, author = self._next_reply()
        question = self.questions[session]
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
                    "thread_ts": thread,
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

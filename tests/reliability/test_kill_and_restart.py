"""Kill -9 the real server at random points of a whole Slack session, restart it, and let
Slack's retry resend the request that was in flight: no answer is lost, no question doubled
(except in the window reported below), and the record is published."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from served import DatabaseReader, ServedBot, slack_settings, wait_until_drained
from slack_driver import SlackSession
from slack_fake_api import Call, FakeSlack
from slack_requests import PARTICIPANTS, PEOPLE, PRESENTER, Workspace
from sqlalchemy import text

from bot.clock import SystemClock
from dialogs.state import Phase
from storage.unit_of_work import Store

MODEL = "portsmouth-rpm"
SEED = 20261123
KILL_POINTS = 14
REQUESTS_IN_SESSION = 32  # /reflect, the setup form, agreements, replies, key points, approval
# Half the kills fall while the request is handled, half among the deliveries after its ack.
KILL_WINDOWS_SECONDS = ((0.0, 0.012), (0.012, 1.5))


@dataclass
class Kill:
    request: int
    delay: float
    in_flight_failed: bool = False
    slack_calls_before: int = 0


@dataclass
class KillingClient:
    """Sends Slack's requests to the served bot; at the chosen requests it SIGKILLs the bot
    mid-request, restarts it and, when the request got no answer, retries it as Slack does."""

    bot: ServedBot
    store: Store
    fake: FakeSlack
    http: aiohttp.ClientSession
    kill_at: dict[int, float]
    kills: list[Kill] = field(default_factory=list)
    requests: int = 0

    async def post(self, path: str, *, data: bytes, headers: dict[str, str]) -> Any:
        self.requests += 1
        delay = self.kill_at.get(self.requests)
        if delay is None:
            return await self._send(path, data, headers)
        kill = Kill(self.requests, delay)
        in_flight = asyncio.create_task(self._send(path, data, headers))
        await asyncio.sleep(delay)  # a random point of the real process's work
        kill.slack_calls_before = len(self.fake.history)
        self.bot.kill()
        self.kills.append(kill)
        try:
            response = await in_flight
        except aiohttp.ClientError:
            kill.in_flight_failed = True
        await self._expire_leases_of_the_dead()
        await self.bot.start()
        if kill.in_flight_failed:
            retry = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
            response = await self._send(path, data, retry)
        return response

    async def _send(self, path: str, data: bytes, headers: dict[str, str]) -> Any:
        async with self.http.post(self.bot.url + path, data=data, headers=headers) as response:
            await response.read()
            return response

    async def _expire_leases_of_the_dead(self) -> None:
        """What a minute's wait would do: the killed process's claims run out. Done before the
        next process starts, so no living dispatcher's lease is touched."""
        async with self.store.transaction() as uow:
            await uow.db.execute(
                text(
                    "UPDATE outbox SET claimed_until = now() - interval '1 second' "
                    "WHERE status = 'pending' AND claimed_until IS NOT NULL"
                )
            )


class ServedSession(SlackSession):
    async def drain(self) -> None:
        await wait_until_drained(self.runtime.store)


def posts_by_text(fake: FakeSlack) -> Counter[str]:
    return Counter(
        call.args.get("text", "") for call in fake.history if call.method == "chat.postMessage"
    )


def doubled_posts(fake: FakeSlack) -> list[tuple[str, Call, Call]]:
    first: dict[str, tuple[int, Call]] = {}
    doubles = []
    for index, call in enumerate(fake.history):
        if call.method != "chat.postMessage" or call.args.get("thread_ts"):
            continue
        key = f"{call.args['channel']}|{call.args.get('text', '')}"
        if key in first:
            doubles.append((key, first[key][1], call))
        else:
            first[key] = (index, call)
    return doubles


async def test_killed_at_random_points_a_session_loses_nothing(
    fresh_database: str, tmp_path: Path
) -> None:
    fake = FakeSlack(SystemClock())
    for user_id, (name, agency) in PEOPLE.items():
        fake.add_user(user_id, name, agency)
    await fake.start()
    bot = ServedBot(slack_settings(fresh_database, fake.url), tmp_path / "server.log")
    bot.command("db", "upgrade")
    store = Store.open(fresh_database)
    chooser = random.Random(SEED)
    kill_at = {
        request: chooser.uniform(*KILL_WINDOWS_SECONDS[number % 2])
        for number, request in enumerate(
            chooser.sample(range(1, REQUESTS_IN_SESSION + 1), KILL_POINTS)
        )
    }
    try:
        await bot.start()
        async with aiohttp.ClientSession() as http:
            client = KillingClient(bot, store, fake, http, kill_at)
            slack = Workspace(client, fake)  # type: ignore[arg-type]
            session = ServedSession(slack, DatabaseReader(store))  # type: ignore[arg-type]
            await session.start(MODEL, list(PARTICIPANTS), PRESENTER)
            await session.agree_and_begin()
            await session.answer_everything("Each agency held part of the picture & said so.")
            await session.review_and_approve()
            state = await session.state()
        assert bot.terminate() == 0, bot.log_tail()
    finally:
        if bot.process and bot.process.poll() is None:
            bot.kill()
        await store.close()
        await fake.close()

    assert state.phase is Phase.PUBLISHED
    assert len(client.kills) == KILL_POINTS
    model = state.model
    # Every answer was kept: each participant asked each question has exactly one answer.
    for stage in model.stages:
        for question in stage.questions:
            authors = [author for author, _ in await session.answers(question.id)]
            assert sorted(authors) == sorted(set(authors)), question.id
            assert not state.waiting_for(question.id), question.id
    # Every question was posted, and once unless a kill fell between a post and its record.
    posts = posts_by_text(fake)
    for stage in model.stages:
        for question in stage.questions:
            assert posts[question.text.replace("&", "&amp;")] >= 1, question.id
    doubles = doubled_posts(fake)
    kill_marks = sorted(kill.slack_calls_before for kill in client.kills)
    for key, first, again in doubles:
        between = (
            fake.history.index(first)
            < min((mark for mark in kill_marks if mark > fake.history.index(first)), default=-1)
            <= fake.history.index(again)
        )
        assert between, f"a post was doubled with no kill between its two copies: {key}"
    print(
        f"\nkill -9 harness: {len(client.kills)} kill points over {client.requests} requests "
        f"({sum(k.in_flight_failed for k in client.kills)} with the request in flight, retried); "
        f"{bot.starts} server starts; every answer kept; session published; "
        f"{len(doubles)} post(s) doubled, each by a kill between Slack accepting the post and "
        "its ts being stored"
    )

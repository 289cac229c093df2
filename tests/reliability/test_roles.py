"""`reflectbot serve --role web|worker`: a web process answers Slack and commits, delivering
nothing; a worker delivers what web processes queued, woken by PostgreSQL's NOTIFY rather than
by its poll; SQLite refuses the split."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
from served import DatabaseReader, ServedBot, slack_settings, wait_until_drained
from slack_driver import SlackSession
from slack_fake_api import FakeSlack
from slack_requests import PEOPLE, PRESENTER, Workspace

from bot.clock import ManualClock, SystemClock
from bot.dispatcher import Delivery, Dispatcher
from bot.service import SessionService
from dialogs.effects import Post
from storage import migrate
from storage.notify import listen
from storage.repositories import PostedMessage
from storage.unit_of_work import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "service"))
from service_kit import conversation, start_event

ROOT = str(Path(__file__).resolve().parents[2])
# Far longer than any test may wait: a delivery in these tests comes from a wake, not a poll.
NEVER = 3600.0
WOKEN_WITHIN_SECONDS = 20.0
LISTENING = "listening for queued effects"  # what a delivering process logs once connected


class ServedApp:
    """What Workspace sends requests through: a served process's base URL."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url

    async def post(self, path: str, *, data: bytes, headers: dict[str, str]) -> Any:
        async with self.http.post(self.url + path, data=data, headers=headers) as response:
            await response.read()
            return response


class FromTheDatabase(SlackSession):
    """A Slack session whose bot runs in other processes: read from the database, and wait
    for their outbox to empty instead of draining it here."""

    def __init__(self, slack: Workspace, store: Store) -> None:
        self.slack, self.fake, self.session_id = slack, slack.fake, ""
        self.runtime = DatabaseReader(store)  # type: ignore[assignment]

    async def drain(self) -> None:
        await wait_until_drained(self.runtime.store)


async def test_a_web_process_acks_and_commits_and_a_worker_process_delivers(
    fresh_database: str, tmp_path: Path
) -> None:
    fake = FakeSlack(SystemClock())
    for user_id, (name, agency) in PEOPLE.items():
        fake.add_user(user_id, name, agency)
    await fake.start()
    settings = slack_settings(fresh_database, fake.url)
    web = ServedBot(settings, tmp_path / "web.log", role="web")
    worker = ServedBot(settings, tmp_path / "worker.log", role="worker")
    web.command("db", "upgrade")
    store = Store.open(fresh_database)
    try:
        await web.start()
        await worker.start()
        async with aiohttp.ClientSession() as http:
            slack = Workspace(ServedApp(http, web.url), fake)  # type: ignore[arg-type]
            session = FromTheDatabase(slack, store)
            await session.begin()  # the web process takes the requests, the worker posts
            question_id, thread = await session.open_question()
            async with http.post(worker.url + "/slack/events", data=b"{}") as response:
                assert response.status == 404, "a worker answers nothing but its health check"
            assert worker.terminate() == 0, worker.log_tail()

            calls = len(fake.history)
            await slack.reply(PRESENTER, thread, "What my agency saw.")  # acked with a 200
            assert await session.answers(question_id) == [(PRESENTER, "What my agency saw.")]
            async with store.transaction() as uow:
                assert await uow.outbox.pending_count() == 1, "the progress update is queued"
            assert len(fake.history) == calls, "a web process delivers nothing"

            await worker.start()
            await wait_until_drained(store)
            progress = session.latest(thread)
        assert progress.method == "chat.update"
        assert any("1 of 3 answered" in text for text in progress.texts())
        assert web.terminate() == 0, web.log_tail()
        assert worker.terminate() == 0, worker.log_tail()
        # Only a process that delivers listens for queued effects (and it always does).
        assert LISTENING in worker.log_path.read_text()
        assert LISTENING not in web.log_path.read_text(), "the web process ran a dispatcher"
    finally:
        for bot in (web, worker):
            if bot.process and bot.process.poll() is None:
                bot.kill()
        await store.close()
        await fake.close()


class Recorder:
    """A platform that says when it was first asked to deliver."""

    def __init__(self) -> None:
        self.delivered = asyncio.Event()

    async def deliver(self, delivery: Delivery) -> list[PostedMessage]:
        self.delivered.set()
        if isinstance(delivery.effect, Post):
            return [PostedMessage("C", f"m-{delivery.outbox_id}")]
        return list(delivery.target)

    async def retract(self, *_: object) -> None:
        pass


async def test_a_commit_wakes_a_listening_worker_without_waiting_for_its_poll(
    fresh_database: str, clock: ManualClock
) -> None:
    web_store, worker_store = Store.open(fresh_database), Store.open(fresh_database)
    await migrate.upgrade(web_store)
    platform = Recorder()
    dispatcher = Dispatcher(worker_store, clock, {"fake": platform})
    listening, notified = asyncio.Event(), asyncio.Event()

    def woken() -> None:
        # Called once when the listener has connected, then once per notification.
        (notified if listening.is_set() else listening).set()
        dispatcher.wake()

    stop = asyncio.Event()
    jobs = [
        asyncio.create_task(listen(fresh_database, woken, stop)),
        asyncio.create_task(dispatcher.run_forever(stop, idle_seconds=NEVER)),
    ]
    try:
        await asyncio.wait_for(listening.wait(), timeout=WOKEN_WITHIN_SECONDS)
        # In another "process" (its own connections, no wake of this dispatcher on commit).
        web = SessionService(web_store, clock)
        await web.start(conversation("C-1"), start_event("kolb", "s-1"))
        await asyncio.wait_for(notified.wait(), timeout=WOKEN_WITHIN_SECONDS)
        await asyncio.wait_for(platform.delivered.wait(), timeout=WOKEN_WITHIN_SECONDS)
    finally:
        stop.set()
        await asyncio.gather(*jobs)
        await web_store.close()
        await worker_store.close()


def test_split_roles_are_refused_on_sqlite_with_the_reason(tmp_path: Path) -> None:
    for role in ("web", "worker"):
        served = subprocess.run(
            [sys.executable, "-m", "bot.cli", "serve", "--role", role],
            env=os.environ
            | {
                "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
                "PYTHONPATH": ROOT,
            },
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert served.returncode != 0
        assert f"--role {role} needs PostgreSQL" in served.stderr
        assert "reflectbot serve` (--role all)" in served.stderr

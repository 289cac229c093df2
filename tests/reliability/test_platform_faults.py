"""Slack answering 429 bursts, 500s, slow answers and dropped connections: every post of a
whole session is still delivered once, in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from hostile_slack import HostileSlack
from slack_driver import SlackSession
from slack_requests import PARTICIPANTS, PEOPLE, PRESENTER

from bot.clock import ManualClock
from dialogs.state import Phase

SEED = 6


class PatientSession(SlackSession):
    async def drain(self) -> None:
        """Deliver everything, letting the manual clock run past each Retry-After and
        backoff."""
        for _ in range(200):
            await self.runtime.dispatcher.drain()
            async with self.runtime.store.transaction() as uow:
                if not await uow.outbox.pending_count():
                    return
            self.runtime.clock.advance(timedelta(seconds=10))  # type: ignore[attr-defined]
        raise AssertionError("the outbox never drained")


@pytest.fixture
async def fake_slack(clock: ManualClock) -> AsyncIterator[HostileSlack]:
    fake = HostileSlack(clock, SEED)
    for user_id, (name, agency) in PEOPLE.items():
        fake.add_user(user_id, name, agency)
    await fake.start()
    yield fake
    await fake.close()


async def test_every_post_is_delivered_once_and_in_order_through_faults(
    slack, runtime, fake_slack: HostileSlack
) -> None:  # type: ignore[no-untyped-def]
    session = PatientSession(slack, runtime)
    await session.start("portsmouth-rpm", list(PARTICIPANTS), PRESENTER)
    await session.agree_and_begin()
    await session.answer_everything()
    await session.review_and_approve()

    assert (await session.state()).phase is Phase.PUBLISHED
    assert {"429", "500", "slow", "dropped"} <= set(fake_slack.faults)
    delivered = [
        call
        for call in fake_slack.history
        if call.method == "chat.postMessage" and call.answer.get("ok")
    ]
    # Once: no two delivered posts carry the same text in the same place.
    places = [(c.args["channel"], c.args.get("thread_ts"), c.args["text"]) for c in delivered]
    assert len(places) == len(set(places))
    # In order: the questions appear in the model's order, each after the root.
    state = await session.state()
    questions = [q.text.replace("&", "&amp;") for s in state.model.stages for q in s.questions]
    texts = [c.args["text"] for c in delivered]
    positions = [texts.index(question) for question in questions]
    assert positions == sorted(positions)
    assert texts.index(session.posted(await session.ts_of("root")).args["text"]) < positions[0]
    # Every update went to a message already posted.
    posted_ts = set()
    for call in fake_slack.history:
        if call.method == "chat.postMessage" and call.answer.get("ok"):
            posted_ts.add(call.answer["ts"])
        if call.method == "chat.update":
            assert call.args["ts"] in posted_ts


async def test_a_ten_minute_slack_outage_loses_no_post(
    slack, runtime, fake_slack: HostileSlack, clock: ManualClock
) -> None:  # type: ignore[no-untyped-def]
    fake_slack.fault_rate = 0.0
    session = PatientSession(slack, runtime)
    await session.begin("portsmouth-rpm")
    _, thread = await session.open_question()
    fake_slack.down = True
    for person in PARTICIPANTS:
        await slack.reply(person, thread, "Said during the outage.")
    for _ in range(60):  # ten minutes, the dispatcher trying all along
        await runtime.dispatcher.drain()
        clock.advance(timedelta(seconds=10))
    fake_slack.down = False
    await session.drain()
    async with runtime.store.transaction() as uow:
        statuses = await uow.outbox.statuses(session.session_id)
    assert "failed" not in {status for _, status in statuses}

"""Posts are labelled with their outbox row, so that a retry finds an earlier attempt's post
instead of posting it twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from slack_driver import SlackSession
from slack_fake_api import FakeSlack, Message
from slack_requests import CHANNEL, FACILITATOR, PARTICIPANTS, PRESENTER, setup_values
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deliverer import SlackDeliverer
from adapters.slack.pacing import Pacer, sleeper_for
from bot.clock import ManualClock
from bot.dispatcher import Delivery, RetryLater
from dialogs.content import ActionId, Block, BlockStyle, Content
from dialogs.effects import DirectMessage, Post, Update
from storage.repositories import Conversation


def root_posts(fake: FakeSlack) -> list[str]:
    """The session's first message is the only one in its channel so far."""
    return [m.ts for m in fake.in_channel(CHANNEL)]


async def test_every_post_carries_its_outbox_row_in_its_metadata(session: SlackSession) -> None:
    await session.start("kolb", list(PARTICIPANTS), PRESENTER)
    (root,) = session.fake.called("chat.postMessage")
    metadata = root.args["metadata"]
    assert metadata["event_type"] == "reflectbot_post"
    assert metadata["event_payload"]["part"] == 0
    assert metadata["event_payload"]["outbox_id"] >= 1


async def test_a_post_whose_write_back_was_lost_is_found_not_posted_again(
    session: SlackSession, clock: ManualClock
) -> None:
    await session.slack.command(FACILITATOR)
    values = setup_values("kolb", list(PARTICIPANTS), PRESENTER)
    await session.slack.submit(FACILITATOR, session.last_view(), values)
    runtime = session.runtime
    # A dispatcher claims the root post, Slack posts it, and the dispatcher dies before
    # writing the message's ts back.
    async with runtime.store.transaction() as uow:
        (item,) = await uow.outbox.claim(clock.now(), timedelta(seconds=60))
        conversation = await uow.sessions.conversation(item.session_id)
    assert conversation is not None
    deliverer = runtime.deliverers["slack"]
    (lost,) = await deliverer.deliver(
        Delivery(item.session_id, conversation, item.effect, outbox_id=item.id)
    )
    session.session_id = item.session_id
    clock.advance(timedelta(seconds=61))  # the lease runs out; another dispatcher reclaims it
    await session.drain()

    assert root_posts(session.fake) == [lost.message_id]
    assert len(session.fake.called("chat.postMessage")) == 1
    assert await session.ts_of("root") == lost.message_id
    history = session.fake.called("conversations.history")
    assert history and history[-1].args["include_all_metadata"] in ("1", "true", True)
    # The found message is the session's: its buttons update it in place.
    await session.press(PARTICIPANTS[0], "root", ActionId.AGREE)
    (update,) = session.fake.called("chat.update")
    assert update.args["ts"] == lost.message_id


async def test_a_500_after_slack_posted_is_not_doubled_on_retry(
    session: SlackSession, clock: ManualClock
) -> None:
    session.fake.fail_after_doing("chat.postMessage", 500, "internal_error")
    await session.start("kolb", list(PARTICIPANTS), PRESENTER)
    assert len(root_posts(session.fake)) == 1
    clock.advance(timedelta(seconds=5))
    await session.drain()
    (posted,) = root_posts(session.fake)
    assert await session.ts_of("root") == posted
    assert len(session.fake.called("chat.postMessage")) == 1
    async with session.runtime.store.transaction() as uow:
        assert await uow.outbox.statuses(session.session_id) == [("post", "delivered")]


async def test_a_retry_that_finds_nothing_posts(session: SlackSession, clock: ManualClock) -> None:
    session.fake.fail("chat.postMessage", 500, "internal_error")
    await session.start("kolb", list(PARTICIPANTS), PRESENTER)
    assert root_posts(session.fake) == []
    clock.advance(timedelta(seconds=5))
    await session.drain()
    assert len(root_posts(session.fake)) == 1
    assert len(session.fake.called("conversations.history")) == 1


def long_content(paragraphs: int) -> Content:
    words = "The plan changed after the review and nobody told the school. " * 2
    return Content(
        title="A long message",
        blocks=tuple(
            Block(style=BlockStyle.QUOTE, text=f"{n}. {words}") for n in range(paragraphs)
        ),
    )


async def test_a_thread_post_is_looked_for_in_its_thread_and_a_partial_one_is_redone(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.url)
    deliverer = SlackDeliverer(client, Pacer(clock, sleeper_for(clock)))
    conversation = Conversation("slack", CHANNEL)
    question_post = Post(key="q:a", content=Content(title="Q"))
    (question,) = await deliverer.deliver(Delivery("S1", conversation, question_post, outbox_id=1))
    reply = Post(key="note", content=long_content(60), thread="q:a")
    # Part 1 of 2 reaches Slack but its answer is a 500: part 0 is taken back, part 1 stays.
    fake_slack.fail_after_doing("chat.postMessage", 500, "internal_error", after=1)
    with pytest.raises(RetryLater):
        await deliverer.deliver(Delivery("S1", conversation, reply, (question,), outbox_id=2))
    assert len(in_thread(fake_slack, question.message_id)) == 1

    retry = Delivery("S1", conversation, reply, (question,), outbox_id=2, uncertain=True)
    parts = await deliverer.deliver(retry)
    assert fake_slack.called("conversations.replies")[-1].args["ts"] == question.message_id
    thread = in_thread(fake_slack, question.message_id)
    assert [(p.message_id, p.part) for p in parts] == [(m.ts, n) for n, m in enumerate(thread)]
    assert [m.metadata["event_payload"]["part"] for m in thread if m.metadata] == [0, 1]


def in_thread(fake: FakeSlack, thread: str) -> list[Message]:
    return [m for m in fake.in_channel(CHANNEL) if m.thread_ts == thread]


async def test_a_direct_message_slack_took_before_failing_is_not_sent_twice(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.url)
    deliverer = SlackDeliverer(client, Pacer(clock, sleeper_for(clock)))
    reminder = DirectMessage(user_id="UPOL", content=Content(title="An action is due"))
    delivery = Delivery("S1", Conversation("slack", CHANNEL), reminder, outbox_id=7)
    fake_slack.fail_after_doing("chat.postMessage", 500, "internal_error")
    with pytest.raises(RetryLater):
        await deliverer.deliver(delivery)
    clock.advance(timedelta(seconds=5))
    await deliverer.deliver(replace(delivery, uncertain=True))
    assert len(fake_slack.in_channel("DUPOL")) == 1
    assert len(fake_slack.called("chat.postMessage")) == 1
    assert fake_slack.called("conversations.history")[-1].args["channel"] == "DUPOL"


async def test_a_part_an_update_added_is_not_added_twice(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.url)
    deliverer = SlackDeliverer(client, Pacer(clock, sleeper_for(clock)))
    conversation = Conversation("slack", CHANNEL)
    (first,) = await deliverer.deliver(
        Delivery("S1", conversation, Post(key="record", content=Content(title="R")), outbox_id=1)
    )
    longer = Delivery(
        "S1", conversation, Update(key="record", content=long_content(60)), (first,), outbox_id=2
    )
    fake_slack.fail_after_doing("chat.postMessage", 500, "internal_error")
    with pytest.raises(RetryLater):
        await deliverer.deliver(longer)
    parts = await deliverer.deliver(replace(longer, uncertain=True))
    assert [m.ts for m in fake_slack.in_channel(CHANNEL)] == [p.message_id for p in parts]
    assert len(fake_slack.called("chat.postMessage")) == 2

"""The deliverer against Slack's answers: rate limits, failures, pacing, long and split messages."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from slack_driver import SlackSession
from slack_fake_api import FakeSlack
from slack_requests import CHANNEL, FACILITATOR, PARTICIPANTS, PRESENTER, form_values
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.deliverer import SlackDeliverer
from adapters.slack.pacing import Pacer, SharedSlots, sleeper_for
from bot.clock import ManualClock
from bot.dispatcher import Delivery, DeliveryFailed, RetryLater
from dialogs.content import ActionId, Block, BlockStyle, Content
from dialogs.effects import Destination, DirectMessage, Post, Update
from storage.repositories import Conversation, PostedMessage
from storage.unit_of_work import Store


async def root_posts(session: SlackSession) -> int:
    async with session.runtime.store.transaction() as uow:
        return len(await uow.messages.parts(session.session_id, "root"))


async def outbox(session: SlackSession) -> list[tuple[str, str]]:
    async with session.runtime.store.transaction() as uow:
        return await uow.outbox.statuses(session.session_id)


@pytest.mark.parametrize(
    ("status", "error", "headers", "wait"),
    [
        pytest.param(429, "ratelimited", {"Retry-After": "7"}, 7, id="429 Retry-After"),
        pytest.param(500, "internal_error", {}, 5, id="500"),
        pytest.param(200, "service_unavailable", {}, 5, id="temporary error"),
    ],
)
async def test_rate_limits_and_server_errors_are_retried_later(
    session: SlackSession, clock: ManualClock, status: int, error: str, headers: dict, wait: int
) -> None:
    session.fake.fail("chat.postMessage", status, error, headers)
    await session.start("kolb", list(PARTICIPANTS), PRESENTER)
    assert await root_posts(session) == 0
    assert await outbox(session) == [("post", "pending")]
    clock.advance(timedelta(seconds=wait - 1))
    await session.drain()
    assert await root_posts(session) == 0
    clock.advance(timedelta(seconds=1))
    await session.drain()
    assert await root_posts(session) == 1
    assert await outbox(session) == [("post", "delivered")]
    assert len(session.fake.called("chat.postMessage")) == 2


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_permanent_refusals_are_not_retried(session: SlackSession, error: str) -> None:
    session.fake.fail("chat.postMessage", 200, error)
    await session.start("kolb", list(PARTICIPANTS), PRESENTER)
    assert await outbox(session) == [("post", "failed")]
    assert len(session.fake.called("chat.postMessage")) == 1


async def test_posts_in_one_channel_are_a_second_apart(clock: ManualClock) -> None:
    pacer = Pacer(clock, sleeper_for(clock))
    start = clock.now()
    await pacer.wait("post:C1", 1.0)
    assert clock.now() == start
    await pacer.wait("post:C2", 1.0)
    assert clock.now() == start
    await pacer.wait("post:C1", 1.0)
    await pacer.wait("post:C1", 1.0)
    assert clock.now() - start == timedelta(seconds=2)


async def test_processes_sharing_a_database_share_the_pace(store: Store) -> None:
    """Two processes posting to one channel keep, together, to one post a second; each with
    slots of its own would post twice as fast."""
    waited: list[float] = []

    async def sleep(seconds: float) -> None:  # the pacers' waits, instead of sleeping them
        waited.append(seconds)

    frozen = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    first, second = (Pacer(frozen, sleep, SharedSlots(store)) for _ in range(2))
    for pacer in (first, second, first, second):
        await pacer.wait("post:C1", 1.0)
    assert waited == [1.0, 2.0, 3.0]

    waited.clear()
    alone = [Pacer(frozen, sleep) for _ in range(2)]
    for pacer in (*alone, *alone):
        await pacer.wait("post:C2", 1.0)
    assert waited == [1.0, 1.0]


@pytest.fixture
def deliverer(fake_slack: FakeSlack, clock: ManualClock) -> SlackDeliverer:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.url)
    return SlackDeliverer(client, Pacer(clock, sleeper_for(clock)))


def long_content(paragraphs: int) -> Content:
    words = "The plan changed after the review and nobody told the school. " * 2
    return Content(
        title="A long message",
        blocks=tuple(
            Block(style=BlockStyle.QUOTE, text=f"{n}. {words}") for n in range(paragraphs)
        ),
    )


def delivery(effect: Post | Update | DirectMessage, *target: PostedMessage) -> Delivery:
    return Delivery("S1", Conversation("slack", CHANNEL), effect, target)


async def test_the_web_api_calls_of_a_session_share_one_kept_connection(
    session: SlackSession, fake_slack: FakeSlack
) -> None:
    """slack_sdk opens a connection for each call made without an HTTP session of its own (to
    Slack, a TLS handshake each time); the served app gives its client one, kept open."""
    await session.begin("kolb")
    calls = fake_slack.actions()
    setup = [c.connection for c in calls if not c.method.startswith("chat.")]
    posts = [c.connection for c in calls if c.method.startswith("chat.")]
    assert len(posts) >= 5
    # The participants are looked up at once, each on a connection; the posts reuse them.
    assert set(posts) <= set(setup)
    assert len(set(setup)) < len(setup)


async def test_a_lazy_update_makes_no_call(
    deliverer: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    """A question's redraw as closed: the next post shows it, so Slack is not asked."""
    posted = PostedMessage(CHANNEL, "1.000001", 0)
    closed = Update(key="q:q1", content=long_content(1), lazy=True)
    assert await deliverer.deliver(delivery(closed, posted)) == [posted]
    assert fake_slack.calls == []


async def test_each_person_s_direct_channel_is_opened_once(
    deliverer: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    for user in ("U1", "U2", "U1", "U2", "U1"):
        await deliverer.deliver(delivery(DirectMessage(user_id=user, content=long_content(1))))
    opened = fake_slack.called("conversations.open")
    assert [c.args["users"] for c in opened] == ["U1", "U2"]
    sent = [c.args["channel"] for c in fake_slack.called("chat.postMessage")]
    channels = {c.args["users"]: c.answer["channel"]["id"] for c in opened}
    assert sent == [channels[user] for user in ("U1", "U2", "U1", "U2", "U1")]


async def test_an_update_that_needs_more_parts_posts_them(
    deliverer: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    first = PostedMessage(CHANNEL, "1.000001", 0)
    parts = await deliverer.deliver(delivery(Update(key="record", content=long_content(60)), first))
    assert len(parts) == 2
    assert parts[0] == first
    assert [c.method for c in fake_slack.calls] == ["chat.update", "chat.postMessage"]
    assert parts[1] == PostedMessage(CHANNEL, fake_slack.calls[1].answer["ts"], 1)


async def test_an_update_that_needs_fewer_parts_deletes_the_rest(
    deliverer: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    old = [PostedMessage(CHANNEL, f"1.00000{n}", n) for n in range(3)]
    fake_slack.fail("chat.delete", 200, "message_not_found")  # already deleted by hand
    parts = await deliverer.deliver(delivery(Update(key="record", content=long_content(1)), *old))
    assert parts == old[:1]
    assert [(c.method, c.args["ts"]) for c in fake_slack.calls] == [
        ("chat.update", "1.000000"),
        ("chat.delete", "1.000001"),
        ("chat.delete", "1.000002"),
    ]


async def test_a_direct_message_opens_the_conversation_first(
    deliverer: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    content = Content(title="", blocks=(Block(text="A reminder."),), summary="A reminder.")
    assert await deliverer.deliver(delivery(DirectMessage(user_id="UPOL", content=content))) == []
    opened, posted = fake_slack.calls
    assert (opened.method, opened.args["users"]) == ("conversations.open", "UPOL")
    assert (posted.method, posted.args["channel"]) == ("chat.postMessage", "DUPOL")


async def test_failures_are_told_apart(deliverer: SlackDeliverer, fake_slack: FakeSlack) -> None:
    effect = Update(key="root", content=long_content(1))
    target = PostedMessage(CHANNEL, "1.000001", 0)
    fake_slack.fail("chat.update", 429, "ratelimited", {"Retry-After": "30"})
    with pytest.raises(RetryLater) as waited:
        await deliverer.deliver(delivery(effect, target))
    assert waited.value.after_seconds == 30
    fake_slack.fail("chat.update", 503, "service_unavailable")
    with pytest.raises(RetryLater):
        await deliverer.deliver(delivery(effect, target))
    fake_slack.fail("chat.update", 200, "message_not_found")
    with pytest.raises(DeliveryFailed, match="message_not_found"):
        await deliverer.deliver(delivery(effect, target))


async def test_an_unreachable_slack_is_retried_later(clock: ManualClock) -> None:
    client = AsyncWebClient(
        token="xoxb-test", base_url="http://127.0.0.1:9/api/", retry_handlers=[]
    )
    unreachable = SlackDeliverer(client, Pacer(clock, sleeper_for(clock)))
    with pytest.raises(RetryLater):
        await unreachable.deliver(
            delivery(Update(key="root", content=long_content(1)), PostedMessage(CHANNEL, "1.1", 0))
        )


@pytest.mark.parametrize("learning_channel", [None])
async def test_learning_themes_without_a_learning_channel_are_not_posted_nor_logged(
    session: SlackSession, caplog: pytest.LogCaptureFixture
) -> None:
    await session.begin("kolb")
    await session.answer_everything(words="A theme worth sharing.")
    with caplog.at_level(logging.INFO):
        await session.review_and_approve()
    channels = {c.args["channel"] for c in session.fake.called("chat.postMessage")}
    # The session's channel, each participant's copy of the record and the facilitator's word
    # that the themes were not sent (tests/slack/test_slack_learning.py): no learning channel.
    assert channels == {CHANNEL, "DUSW", "DUPOL", "DUHV", "DUFAC"}
    assert not any("theme worth sharing" in r.getMessage() for r in caplog.records)


async def test_the_facilitator_is_warned_when_a_time_box_runs_out(
    session: SlackSession, clock: ManualClock
) -> None:
    await session.begin("space-to-think")
    session.fake.clear()
    clock.advance(timedelta(minutes=11))
    assert await session.runtime.service.tick_due() == 1
    await session.drain()
    (warning,) = session.fake.called("chat.postEphemeral")
    assert warning.args["user"] == FACILITATOR
    assert "time box" in " ".join(warning.texts())


async def test_a_long_record_is_split_across_blocks_and_messages_and_nothing_is_cut(
    session: SlackSession,
) -> None:
    await session.begin("kolb")
    await session.answer_everything()
    await session.press(FACILITATOR, "record_draft", ActionId.EDIT_RECORD)
    sections = {section.id for section in (await session.state()).model.record.sections}
    written: dict[str, list[str]] = {}
    for round_number in range(7):
        view = session.last_view()
        edits = {}
        for block in view["blocks"]:
            section, _, part = block.get("block_id", "").partition(".")
            first_round = round_number == 0 and part == "0"
            if section in sections and (first_round or not block["element"].get("initial_value")):
                text = (
                    f"[{section} {round_number}] " + "Nobody told the school. " * 109 + "The end."
                )
                written.setdefault(section, []).append(text)
                edits[block["block_id"]] = text
        await session.slack.submit(FACILITATOR, view, form_values(view, edits))
        await session.drain()
        preview = session.fake.called("chat.postEphemeral")[-1]
        await session.slack.press(FACILITATOR, session.button(preview, ActionId.EDIT_RECORD))
    state = await session.state()
    for section, texts in written.items():
        assert state.record is not None
        assert state.record.sections[section] == "\n".join(texts)
    view = session.last_view()
    assert (
        max(
            len(b["element"].get("initial_value", ""))
            for b in view["blocks"]
            if b["type"] == "input"
        )
        <= 3000
    )
    await session.slack.submit(FACILITATOR, view, form_values(view))
    await session.drain()
    preview = session.fake.called("chat.postEphemeral")[-1]
    await session.slack.press(FACILITATOR, session.button(preview, ActionId.APPROVE))
    await session.drain()
    # Kolb's record goes to each participant privately: one copy, in several messages.
    calls = [c for c in session.direct(PRESENTER) if not c.buttons()]
    assert len(calls) >= 2
    assert all(len(call.args["blocks"]) <= 50 for call in calls)
    texts = [text for call in calls for text in call.texts()]
    assert max(len(text) for text in texts) <= 3000
    shown = "\n".join(line.removeprefix("> ") for text in texts for line in text.split("\n"))
    for section_texts in written.values():
        for text in section_texts:
            assert text.strip() in shown


async def test_the_deliverer_keeps_posts_in_a_channel_a_second_apart(
    deliverer: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    content = Content(title="Q", blocks=(Block(text="A question?"),))
    for channel in (CHANNEL, CHANNEL, "COTHER", CHANNEL):
        posted = Delivery("S1", Conversation("slack", channel), Post(key="q:x", content=content))
        await deliverer.deliver(posted)
    times = [(c.args["channel"], c.at) for c in fake_slack.calls]
    start = times[0][1]
    assert [(channel, at - start) for channel, at in times] == [
        (CHANNEL, timedelta(0)),
        (CHANNEL, timedelta(seconds=1)),
        ("COTHER", timedelta(seconds=1)),
        (CHANNEL, timedelta(seconds=2)),
    ]


async def test_a_post_interrupted_between_parts_takes_back_what_got_through(
    deliverer: SlackDeliverer, fake_slack: FakeSlack
) -> None:
    effect = Post(key="record", content=long_content(60))
    fake_slack.fail("chat.postMessage", 429, "ratelimited", {"Retry-After": "3"}, after=1)
    with pytest.raises(RetryLater):
        await deliverer.deliver(Delivery("S1", Conversation("slack", CHANNEL), effect))
    first, refused, deleted = fake_slack.calls
    assert (first.method, refused.method, deleted.method) == (
        "chat.postMessage",
        "chat.postMessage",
        "chat.delete",
    )
    assert deleted.args["ts"] == first.answer["ts"]


async def test_a_screening_post_goes_to_the_screening_channel(
    fake_slack: FakeSlack, clock: ManualClock
) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.url)
    pacer = Pacer(clock, sleeper_for(clock))
    content = Content(title="A request for a discussion", blocks=(Block(text="Please screen."),))
    effect = Post(key="request", content=content, destination=Destination.SCREENING)
    routed = SlackDeliverer(client, pacer, screening_channel="CSCREEN")
    (posted,) = await routed.deliver(delivery(effect))
    assert posted.channel == "CSCREEN"
    unrouted = SlackDeliverer(client, pacer)
    assert await unrouted.deliver(delivery(effect)) == []
    assert [c.args["channel"] for c in fake_slack.calls] == ["CSCREEN"]

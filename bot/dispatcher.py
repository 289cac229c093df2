"""The outbox dispatcher: carries out queued effects through the platform adapters.

Effects of one session are delivered strictly in order; sessions proceed in parallel. Failed
deliveries are retried with backoff (or after the platform's Retry-After); a progress update
that a later update of the same message replaces is skipped (coalescing).

Progress updates are also coalesced in time: an update with nothing but updates of the same
message behind it waits until PROGRESS_WINDOW after it was queued, and goes then with the
newest of them. So a burst of answers to one question costs one `chat.update`, not one each.
Nothing else waits for the window: queuing any other effect for the session (a post, a private
message) releases its held updates at once (storage.repositories.Outbox.claim).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from bot.clock import Clock
from dialogs.effects import AnyEffect, Destination, Ephemeral, Post, Update
from storage.pending import Thread
from storage.repositories import Conversation, OutboxItem, PostedMessage
from storage.unit_of_work import Store, UnitOfWork

log = logging.getLogger(__name__)

# The longest a progress update ("2 of 3 answered") waits for later ones of the same message.
# Posts, private messages and every other effect are never held.
PROGRESS_WINDOW = timedelta(seconds=2)
UPDATE = "update"  # an outbox row's kind: an Update effect


class RetryLater(Exception):
    """The platform asked us to wait (429) or failed temporarily (5xx, timeout)."""

    def __init__(self, after_seconds: float, reason: str) -> None:
        super().__init__(reason)
        self.after_seconds = after_seconds


class DeliveryFailed(Exception):
    """The platform refused for good (e.g. the channel is gone); retrying will not help."""


@dataclass(frozen=True)
class Delivery:
    session_id: str
    conversation: Conversation
    effect: AnyEffect
    # For an Update: the parts of the message to change. For a reply in a thread: the parts of
    # the message replied to. Otherwise empty.
    target: tuple[PostedMessage, ...] = ()
    # The outbox row: a platform that can label a post with it (Slack's message metadata) can
    # look for an earlier attempt's post before posting again.
    outbox_id: int = 0
    # An earlier attempt may have reached the platform (it failed, or its dispatcher died).
    uncertain: bool = False


class Deliverer(Protocol):
    """Implemented by each adapter: carry out one effect, return where a post landed."""

    async def deliver(self, delivery: Delivery) -> list[PostedMessage]: ...

    async def retract(self, conversation: Conversation, message: PostedMessage) -> None:
        """Delete a post of the bot's (erasure); DeliveryFailed when it cannot be."""


class Dispatcher:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        deliverers: dict[str, Deliverer],
        *,
        lease: timedelta = timedelta(seconds=60),
        max_attempts: int = 8,
        max_age: timedelta = timedelta(hours=24),
        concurrency: int = 16,
        coalesce: bool = True,
        progress_window: timedelta = timedelta(0),
    ) -> None:
        self.store = store
        self.clock = clock
        self.deliverers = deliverers
        self.lease = lease
        # Unexpected errors (bugs) are given up after a few attempts; a platform that is down
        # or busy is waited for, with growing pauses, for as long as `max_age`.
        self.max_attempts = max_attempts
        self.max_age = max_age
        # Off only where every delivery is counted (tests of concurrent dispatchers).
        self.coalesce = coalesce
        # The serving processes use PROGRESS_WINDOW; zero (the default) holds nothing.
        self.progress_window = progress_window if coalesce else timedelta(0)
        # When the next effect that is not ready yet becomes ready: run_forever wakes then.
        self.next_ready: datetime | None = None
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        # Called once a post is recorded in whose thread replies were kept (they came before
        # its id was known); the runtime wires the service's `apply_kept_replies` here.
        self.on_recorded: Callable[[Thread], Awaitable[object]] | None = None
        # Called when a session's learning themes could not be delivered for good, so that the
        # session records it and the facilitator is told; the runtime wires the service's
        # `learning_refused` here.
        self.on_learning_failed: Callable[[str, str], Awaitable[object]] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def run_once(self, *, hold: bool = True) -> int:
        """Claim and deliver the next effect of every session that has one ready. Without
        `hold`, progress updates are not held for the window."""
        now = self.clock.now()
        async with self.store.transaction() as uow:
            items = await uow.outbox.claim(now, self.lease)
            # Prepared in the claiming transaction: one round of the database for the batch
            # rather than one for each effect.
            prepared = [await self._prepare(uow, item, now, hold) for item in items]
            if not items:
                self.next_ready = await uow.outbox.next_available(now)
        await asyncio.gather(*(self._deliver(item, delivery) for item, delivery in prepared))
        return len(items)

    async def drain(self, max_rounds: int = 10_000) -> int:
        """Deliver until nothing is ready now, held progress updates included (tests, the
        demo, the console rehearsal)."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once(hold=False)
            if not done:
                break
            total += done
        return total

    async def run_forever(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until `stop`. After a round with nothing ready, wait until woken (`wake`),
        until the next held or retried effect is due, or at most `idle_seconds`."""
        while not stop.is_set():
            # Cleared before the round, not after: a wake during the round starts another.
            self._wake.clear()
            try:
                delivered = await self.run_once()
            except (OSError, DBAPIError) as error:
                # The database is down or restarting: one line a round, not a traceback.
                log.warning(
                    "outbox dispatch: database unavailable (%s); retrying", type(error).__name__
                )
                delivered, self.next_ready = 0, None
            except Exception:
                log.exception("outbox dispatch failed; retrying")
                delivered, self.next_ready = 0, None
            if delivered:
                continue
            pause = idle_seconds
            if self.next_ready is not None:
                until_ready = (self.next_ready - self.clock.now()).total_seconds()
                pause = min(pause, max(until_ready, 0.0))
            waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=pause, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()

    async def _prepare(
        self, uow: UnitOfWork, item: OutboxItem, now: datetime, hold: bool
    ) -> tuple[OutboxItem, Delivery | None]:
        """Where the effect goes and what it replies to or changes; no delivery when there is
        nothing to deliver (a later update replaces it, it is held for the window, or the
        session was erased meanwhile). The item may come back with a newer effect."""
        if self.coalesce and item.kind == UPDATE:
            coalesced = await self._coalesce(uow, item, now, hold)
            if coalesced is None:
                return item, None
            item = coalesced
        conversation = await uow.sessions.conversation(item.session_id)
        if conversation is None:
            return item, None  # the session was erased; its outbox rows went with it
        target_key = _target_key(item.effect)
        target = await uow.messages.parts(item.session_id, target_key) if target_key else []
        delivery = Delivery(
            item.session_id,
            conversation,
            item.effect,
            tuple(target),
            outbox_id=item.id,
            uncertain=item.attempts > 0 or item.reclaimed,
        )
        return item, delivery

    async def _coalesce(
        self, uow: UnitOfWork, item: OutboxItem, now: datetime, hold: bool
    ) -> OutboxItem | None:
        """The update to deliver in this one's place, or None: superseded, or held."""
        key = item.message_key
        after = await uow.outbox.queued_after(item)
        if any(kind == UPDATE and later_key == key for _, kind, later_key in after):
            only_this_message = all(kind == UPDATE and k == key for _, kind, k in after)
            if not only_this_message:
                # Other effects wait behind: the newest update goes in its own turn, still
                # within this one's window (private messages between confirmations must not
                # push the group's view of them further off each time).
                successor = next(i for i, kind, k in after if kind == "update" and k == key)
                await uow.outbox.supersede(item, successor, now)
                return None
        elif after:
            return item  # nothing replaces it, and others wait behind it
        # Only updates of this message are queued behind it (or nothing): wait for the window
        # to end, then deliver the newest.
        due = (item.created_at or now) + self.progress_window
        if hold and item.attempts == 0 and now < due:
            await uow.outbox.hold(item.id, due)
            return None
        if not after:
            return item
        return await uow.outbox.take_over(
            item.id, [later_id for later_id, _, _ in after], now, self.lease
        )

    async def _deliver(self, item: OutboxItem, delivery: Delivery | None) -> None:
        if delivery is None:
            return
        async with self._slots:
            if isinstance(item.effect, Update) and not delivery.target:
                await self._finish(item, "failed", "the message to update was never posted")
                return
            deliverer = self.deliverers.get(delivery.conversation.platform)
            if deliverer is None:
                await self._finish(
                    item, "failed", f"no adapter for {delivery.conversation.platform}"
                )
                return
            try:
                posted = await deliverer.deliver(delivery)
            except RetryLater as wait:
                await self._wait_for_platform(item, wait)
                return
            except DeliveryFailed as failure:
                await self._finish(item, "failed", str(failure))
                return
            except Exception as error:  # a bug or an unexpected platform answer
                log.exception("delivering outbox item %s failed", item.id)
                await self._retry(item, _backoff(item.attempts), type(error).__name__)
                return
            await self._delivered(item, delivery, posted)

    async def _delivered(
        self, item: OutboxItem, delivery: Delivery, posted: list[PostedMessage]
    ) -> None:
        now = self.clock.now()
        platform = delivery.conversation.platform
        kept_replies: Thread | None = None
        async with self.store.transaction() as uow:
            effect = item.effect
            if isinstance(effect, Post) and posted:
                await uow.messages.record(item.session_id, effect.key, platform, posted)
                thread = Thread(platform, posted[0].channel, posted[0].message_id)
                if await uow.pending.waiting_in(thread):
                    kept_replies = thread
            elif isinstance(effect, Update) and posted and tuple(posted) != delivery.target:
                # An update usually lands where the message was; only a change in its parts
                # (it grew or shrank) is written back.
                await uow.messages.replace_parts(item.session_id, effect.key, platform, posted)
            await uow.outbox.finish(item.id, "delivered", now)
        if kept_replies is not None and self.on_recorded is not None:
            await self.on_recorded(kept_replies)

    async def _wait_for_platform(self, item: OutboxItem, wait: RetryLater) -> None:
        now = self.clock.now()
        if item.created_at and now - item.created_at > self.max_age:
            log.error("giving up on outbox item %s: the platform failed it for too long", item.id)
            await self._finish(item, "failed", str(wait))
            return
        # At least what the platform asked for (Retry-After), backing off while it stays down.
        await self._schedule(item, max(wait.after_seconds, _backoff(item.attempts)), str(wait))

    async def _retry(self, item: OutboxItem, after_seconds: float, reason: str) -> None:
        if item.attempts + 1 >= self.max_attempts:
            log.error("giving up on outbox item %s after %s attempts", item.id, item.attempts + 1)
            await self._finish(item, "failed", reason)
            return
        await self._schedule(item, after_seconds, reason)

    async def _schedule(self, item: OutboxItem, after_seconds: float, reason: str) -> None:
        available = self.clock.now() + timedelta(seconds=after_seconds)
        async with self.store.transaction() as uow:
            await uow.outbox.retry(item.id, available, reason)

    async def _finish(self, item: OutboxItem, status: str, reason: str) -> None:
        if status == "failed":
            log.error("outbox item %s (%s) failed: %s", item.id, item.kind, reason)
        async with self.store.transaction() as uow:
            await uow.outbox.finish(item.id, status, self.clock.now(), reason)
        effect = item.effect
        learning = isinstance(effect, Post) and effect.destination is Destination.LEARNING
        if status == "failed" and learning and self.on_learning_failed is not None:
            await self.on_learning_failed(item.session_id, reason)


def _backoff(attempts: int) -> float:
    """1, 2, 4 … seconds, at most five minutes."""
    return float(min(2**attempts, 300))


def _target_key(effect: AnyEffect) -> str | None:
    if isinstance(effect, Update):
        return effect.key
    if isinstance(effect, Post | Ephemeral):
        return effect.thread
    return None

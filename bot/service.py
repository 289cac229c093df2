"""Handling one event: load the session, step the engine, commit state, outbox and audit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from dialogs import engine
from dialogs import events as ev
from dialogs.effects import AuditNote, Effect, Ephemeral, EvaluationNote, OpenForm, Response
from dialogs.engine import QUESTION_PREFIX
from dialogs.learning import NO_ROUTES, LearningRoutes
from dialogs.messages import explanation
from dialogs.requests import (
    RequestEvent,
    RequestState,
    SessionSetUp,
    SubmitRequest,
    start_from,
    step_request,
    waiting_for_session,
)
from dialogs.retention import answers_expired, without_answers
from dialogs.state import AnswersNotLoaded, SessionState
from storage.pending import Thread
from storage.practice import PracticeRooms
from storage.repositories import Conversation, PostedMessage, StoredSession
from storage.unit_of_work import Store, UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What the caller (an adapter's request handler) needs back."""

    session_id: str | None
    state: SessionState | None = None
    # Effects the adapter carries out itself, inside the interaction: opening a form (only
    # possible there), the answer to a press on the message pressed (when the adapter said it
    # can give it there), and the answer to a start that was refused (there is no session to
    # queue it for).
    immediate: list[Effect] = field(default_factory=list)
    duplicate: bool = False


class SessionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Erased:
    """What an erased session had posted, and where."""

    conversation: Conversation
    posts: list[PostedMessage]


@dataclass(frozen=True)
class ThreadReply:
    """A person's reply in a thread, its edit (the same message id), or its deletion."""

    author: str
    message_id: str
    text: str | None  # None: deleted

    def event(self, question_id: str) -> ev.Event:
        if self.text is None:
            return ev.DeleteAnswer(actor=self.author, message_id=self.message_id)
        # An Answer with a known message id is an edit: the engine upserts.
        return ev.Answer(
            actor=self.author, question_id=question_id, message_id=self.message_id, text=self.text
        )


class SessionService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
        secret: bytes = b"",
    ) -> None:
        self.store = store
        self.clock = clock
        self.on_commit = on_commit  # wakes the dispatcher after effects were queued
        self.secret = secret  # keys the watch-list hashes
        # Where learning themes go: the settings' routes (the runtime sets them), or a
        # platform's own (the practice room shows them in the room).
        self.learning = NO_ROUTES
        self.learning_by_platform: dict[str, LearningRoutes] = {}

    async def start(
        self, conversation: Conversation, event: ev.Start, event_id: str | None = None
    ) -> Outcome:
        try:
            return await self._start(conversation, event, event_id)
        except IntegrityError:
            # Another process started a session in this conversation at the same moment and
            # the database kept theirs: run again, to find it and tell this facilitator.
            return await self._start(conversation, event, event_id)

    async def _start(
        self, conversation: Conversation, event: ev.Start, event_id: str | None
    ) -> Outcome:
        now = self.clock.now()
        async with self.store.transaction() as uow:
            if event_id and not await uow.events.claim(conversation.platform, event_id, now):
                return Outcome(session_id=None, duplicate=True)
            active = await uow.sessions.active_in(conversation.platform, conversation.key)
            request = None
            if event.request_id and active is None:
                request = await uow.requests.get(event.request_id, lock=True)
                from_request = start_from(request, event)
                if isinstance(from_request, str):
                    refusal = Ephemeral(user_id=event.actor, content=explanation(from_request))
                    return Outcome(session_id=None, immediate=[refusal])
                event = from_request
            step = engine.step(active.state if active else None, event, now, secret=self.secret)
            if active is not None or step.state is None:
                return Outcome(session_id=active.id if active else None, immediate=step.effects)
            stored = StoredSession(
                id=step.state.id,
                platform=conversation.platform,
                conversation=conversation.key,
                conversation_data=conversation.data,
                state=step.state,
            )
            await uow.sessions.add(stored, now, engine.next_wake(step.state, now))
            immediate = await self._queue(uow, stored.id, step.effects)
            if request is not None:
                # The request and its session name each other in the audit log.
                set_up = SessionSetUp(actor=event.actor, session_id=stored.id)
                linked = step_request(request, set_up, now)
                assert linked.state is not None
                await uow.requests.save(linked.state, now)
                await self._queue(uow, request.id, linked.effects)
        self.on_commit()
        log.info("session %s started with model %s", stored.id, stored.state.model.id)
        return Outcome(session_id=stored.id, state=stored.state, immediate=immediate)

    async def handle(
        self,
        session_id: str,
        event: ev.Event,
        *,
        platform: str | None = None,
        event_id: str | None = None,
        in_place: bool = False,
    ) -> Outcome:
        """Apply one event to a session. A platform event id seen before changes nothing.

        `in_place`: the event is a press on a message only the person sees, which the adapter
        can replace after the commit: the engine's Response to it is handed back in
        `immediate` rather than queued. Otherwise the person is told privately, through the
        outbox, as before."""
        async with self.store.transaction() as uow:
            outcome = await self._apply(
                uow, session_id, event, platform, event_id, in_place=in_place
            )
        self._committed(outcome, event)
        return outcome

    async def learning_refused(self, session_id: str, reason: str) -> None:
        """The learning channel refused a session's themes for good: record it, tell the
        facilitator. A session erased meanwhile has nothing left to tell."""
        try:
            await self.handle(session_id, ev.LearningRefused(reason=reason[:200]))
        except SessionNotFound:
            log.info("session %s: learning refused after the session was erased", session_id)

    async def reply_in_thread(
        self,
        platform: str,
        channel: str,
        thread: str,
        reply: ThreadReply,
        event_id: str | None = None,
    ) -> Outcome | None:
        """A reply (or its edit or deletion) in the thread of a posted question. None when the
        thread is not a question's. One transaction finds the thread and applies the event:
        this is the busiest path.

        A reply can come before the bot has recorded the question's post (the platform
        answered late or with an error, and the post is found again later): while a question
        of the conversation's session is on its way, a reply in a thread the bot does not know
        is kept, and applied once the post is recorded."""
        where = Thread(platform, channel, thread)
        async with self.store.transaction() as uow:
            found = await uow.sessions.locked_by_message(platform, channel, thread)
            if found is None:
                return await self._keep(uow, where, reply, event_id)
            key, row = found
            if not key.startswith(QUESTION_PREFIX):
                return None
            event = reply.event(key.removeprefix(QUESTION_PREFIX))
            stored = await uow.sessions.loaded(row, for_event=event)
            outcome = await self._apply(uow, stored.id, event, platform, event_id, stored)
        self._committed(outcome, event)
        return outcome

    async def _keep(
        self, uow: UnitOfWork, where: Thread, reply: ThreadReply, event_id: str | None
    ) -> Outcome | None:
        active = await uow.sessions.active_in(where.platform, where.channel)
        if active is None or not await uow.pending.post_on_its_way(active.id, QUESTION_PREFIX):
            return None
        now = self.clock.now()
        if event_id and not await uow.events.claim(where.platform, event_id, now):
            return Outcome(session_id=active.id, duplicate=True)
        await uow.pending.add(active.id, where, reply.author, reply.message_id, reply.text, now)
        log.info("session %s: kept a reply until its question's post is recorded", active.id)
        return Outcome(session_id=active.id)

    async def apply_kept_replies(self, where: Thread) -> int:
        """Apply, in the order they came, the replies kept for a thread whose post has now
        been recorded; returns how many."""
        async with self.store.transaction() as uow:
            kept = await uow.pending.in_thread(where)
            found = await uow.messages.find(where.platform, where.channel, where.thread)
            if not kept or found is None:
                return 0
            session_id, key = found
            if key.startswith(QUESTION_PREFIX):
                question_id = key.removeprefix(QUESTION_PREFIX)
                for reply in kept:
                    answer = ThreadReply(reply.author, reply.message_id, reply.text)
                    await self._apply(uow, session_id, answer.event(question_id), None, None)
            await uow.pending.remove([reply.id for reply in kept])
        self.on_commit()
        return len(kept)

    async def sweep_kept_replies(self) -> int:
        """Kept replies whose post was recorded by a process that stopped before applying
        them are applied; those in threads that were never the bot's are forgotten."""
        async with self.store.transaction() as uow:
            recorded = await uow.pending.threads_recorded()
        applied = 0
        for where in recorded:
            applied += await self.apply_kept_replies(where)
        async with self.store.transaction() as uow:
            await uow.pending.forget_unclaimed()
        return applied

    async def _apply(
        self,
        uow: UnitOfWork,
        session_id: str,
        event: ev.Event,
        platform: str | None,
        event_id: str | None,
        stored: StoredSession | None = None,
        *,
        in_place: bool = False,
    ) -> Outcome:
        """`stored`: the session, already locked and read for this event, if the caller has
        it."""
        now = self.clock.now()
        if stored is None:
            stored = await uow.sessions.get(session_id, lock=True, for_event=event)
        if stored is None:
            raise SessionNotFound(session_id)
        if event_id and not await uow.events.claim(platform or stored.platform, event_id, now):
            return Outcome(session_id=session_id, state=stored.state, duplicate=True)
        learning = self.learning_by_platform.get(stored.platform, self.learning)
        try:
            step = engine.step(stored.state, event, now, secret=self.secret, learning=learning)
        except AnswersNotLoaded:
            # The event read more than the answers it was expected to (the last answer of the
            # last stage drafts the record): the engine is pure, so it is stepped again.
            await uow.sessions.load_every_answer(stored)
            step = engine.step(stored.state, event, now, secret=self.secret, learning=learning)
        assert step.state is not None
        stored.state = step.state
        await uow.sessions.save(stored, now, engine.next_wake(step.state, now))
        immediate = await self._queue(uow, stored.id, step.effects, in_place=in_place)
        return Outcome(session_id=session_id, state=stored.state, immediate=immediate)

    def _committed(self, outcome: Outcome, event: ev.Event) -> None:
        if outcome.duplicate:
            return
        self.on_commit()
        log.debug("session %s handled %s", outcome.session_id, type(event).__name__)

    async def submit_request(
        self, conversation: Conversation, event: SubmitRequest, event_id: str | None = None
    ) -> Outcome:
        """A practitioner asks for a discussion; the request goes to the screening channel."""
        now = self.clock.now()
        async with self.store.transaction() as uow:
            if event_id and not await uow.events.claim(conversation.platform, event_id, now):
                return Outcome(session_id=None, duplicate=True)
            step = step_request(None, event, now)
            if step.state is None:
                return Outcome(session_id=None, immediate=step.effects)
            await uow.requests.add(conversation, step.state, now)
            await self._queue(uow, step.state.id, step.effects)
        self.on_commit()
        return Outcome(session_id=step.state.id)

    async def handle_request(
        self, request_id: str, event: RequestEvent, *, platform: str, event_id: str | None = None
    ) -> Outcome:
        """Screening (accept / decline) and the facilitator's confirmation."""
        now = self.clock.now()
        async with self.store.transaction() as uow:
            state = await uow.requests.get(request_id, lock=True)
            if state is None:
                raise SessionNotFound(request_id)
            if event_id and not await uow.events.claim(platform, event_id, now):
                return Outcome(session_id=request_id, duplicate=True)
            step = step_request(state, event, now)
            assert step.state is not None
            await uow.requests.save(step.state, now)
            immediate = await self._queue(uow, request_id, step.effects)
        self.on_commit()
        return Outcome(session_id=request_id, immediate=immediate)

    async def request_waiting(self, platform: str, facilitator_id: str) -> RequestState | None:
        """The newest request this facilitator confirmed and has not yet set up a session
        from: setup is filled in from it."""
        async with self.store.transaction() as uow:
            confirmed = await uow.requests.confirmed(platform)
        return waiting_for_session(confirmed, facilitator_id)

    async def tick_due(self) -> int:
        """Give every session whose timer is due its Tick; returns how many. Kept replies are
        swept at the same time."""
        async with self.store.transaction() as uow:
            due = await uow.sessions.due(self.clock.now())
        for session_id in due:
            await self.handle(session_id, ev.Tick())
        await self.sweep_kept_replies()
        return len(due)

    async def apply_retention(self, days: int) -> int:
        """Delete the raw answers of sessions that ended `days` ago or more; returns how many."""
        now = self.clock.now()
        cutoff = now - timedelta(days=days)
        async with self.store.transaction() as uow:
            candidates = await uow.sessions.ended_before(cutoff)
        purged = 0
        for session_id in candidates:
            async with self.store.transaction() as uow:
                stored = await uow.sessions.get(session_id, lock=True)
                if stored is None or not answers_expired(stored.state, now, days):
                    continue
                stored.state = without_answers(stored.state, now)
                await uow.sessions.save(stored, now, None)
                await uow.outbox.forget_delivered(session_id)
                await uow.pending.forget_session(session_id)
                await PracticeRooms(uow.db).forget_answers(session_id)
                await uow.audit.add(session_id, "raw answers deleted (retention)", "system", now)
                purged += 1
        if purged:
            await self.store.flush_deleted()
            log.info("retention: raw answers deleted from %d session(s)", purged)
        return purged

    async def erase(self, session_id: str, actor: str) -> Erased | None:
        """Delete a session's content on request, leaving only an audit entry that it was
        erased; returns where its posts were, for the adapters to take them back."""
        now = self.clock.now()
        async with self.store.transaction() as uow:
            conversation = await uow.sessions.conversation(session_id)
            posts = await uow.messages.of_session(session_id)
            if conversation is None or not await uow.sessions.delete(session_id):
                return None
            await uow.audit.add(session_id, "erased", actor, now)
        await self.store.flush_deleted()
        return Erased(conversation, posts)

    async def _queue(
        self, uow: UnitOfWork, stream_id: str, effects: list[Effect], *, in_place: bool = False
    ) -> list[Effect]:
        """Audit notes and evaluations to their tables, forms back to the caller, the answer
        to a press back to the caller when it can give it in place of the message pressed
        (`in_place`), the rest to the outbox — all in the caller's transaction.

        An answer given in place is not durable: were the process to stop between the commit
        and the answer, the pressed message would still show its button, and pressing it again
        gives the same answer (the engine answers a press made twice as it answered the
        first)."""
        now = self.clock.now()
        immediate: list[Effect] = []
        queued: list[Effect] = []
        for effect in effects:
            if isinstance(effect, AuditNote):
                await uow.audit.add(stream_id, effect.action, effect.actor, now)
            elif isinstance(effect, EvaluationNote):
                await uow.evaluations.add(effect.model_id, effect.answers, now.date())
            elif isinstance(effect, OpenForm) or (isinstance(effect, Response) and in_place):
                immediate.append(effect)
            elif isinstance(effect, Response):
                queued.append(effect.as_ephemeral())
            else:
                queued.append(effect)
        await uow.outbox.add(stream_id, queued, now)
        return immediate

"""Small repositories, one per table, all working inside one unit of work's transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    ColumnElement,
    Float,
    Row,
    and_,
    any_,
    bindparam,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import ARRAY

from dialogs.effects import AnyEffect, Effect
from dialogs.events import Event
from dialogs.learning_report import SubmittedEvaluation
from dialogs.models.schema import FacilitationModel
from dialogs.requests import RequestState, RequestStatus
from dialogs.state import (
    FINISHED,
    MODEL_APART,
    AnswerEntry,
    AnswersNeeded,
    SessionState,
    UnloadedAnswers,
    answers_needed,
)
from storage.tables import (
    AnswerRow,
    AuditRow,
    EvaluationRow,
    InstanceRow,
    MessageRow,
    ModelSnapshotRow,
    OutboxRow,
    PacingRow,
    PlaceRow,
    ProcessedEventRow,
    SessionRow,
    table_of,
)

_effect_adapter: TypeAdapter[AnyEffect] = TypeAdapter(AnyEffect)


@dataclass(frozen=True)
class Conversation:
    """Where a session lives on its platform."""

    platform: str
    key: str  # e.g. a Slack channel id; unique within its platform
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class StoredSession:
    id: str
    platform: str
    conversation: str
    state: SessionState
    conversation_data: dict[str, Any] = field(default_factory=dict)
    # The answers as they were loaded (or last saved), by question: what `Sessions.save`
    # compares the state with, to write only the answer rows that changed. The engine steps a
    # copy of the state, so these stay as they were.
    loaded_answers: dict[str, list[AnswerEntry]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # Every question of the state as loaded, its answers loaded or not.
    loaded_questions: frozenset[str] = field(default=frozenset(), compare=False, repr=False)


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    message_id: str
    part: int = 0


@dataclass(frozen=True)
class OutboxItem:
    id: int
    session_id: str
    kind: str  # the effect's type ("post", "update", …)
    message_key: str | None  # the message the effect posts or changes, if it names one
    payload: str  # the effect as JSON, read only when it is delivered (`effect`)
    attempts: int
    # Claimed before by a dispatcher that never finished it (a crash, a lost lease): the
    # platform may already have carried it out.
    reclaimed: bool = False
    created_at: datetime | None = None

    @cached_property
    def effect(self) -> AnyEffect:
        # Most claimed updates are held for the window or replaced by a later one without
        # being delivered: their content is not read until then.
        return _effect_adapter.validate_json(self.payload)


@dataclass(frozen=True)
class AuditEntry:
    session_id: str | None
    action: str
    actor: str
    at: datetime


_sessions = table_of(SessionRow)
_answers = table_of(AnswerRow)
_snapshots = table_of(ModelSnapshotRow)
_messages = table_of(MessageRow)
_events = table_of(ProcessedEventRow)
_outbox = table_of(OutboxRow)
_audit = table_of(AuditRow)
_evaluations = table_of(EvaluationRow)
_instance = table_of(InstanceRow)
_pacing = table_of(PacingRow)
_places = table_of(PlaceRow)

# Statements built once: SQLAlchemy caches their compiled form by identity, which keeps the
# per-event path (a reply in a thread) cheap. Plain table columns, not ORM attributes, for the
# same reason.
SESSION = _sessions.c.kind == "session"
_GET_SESSION = select(_sessions).where(_sessions.c.id == bindparam("session_id"), SESSION)
# A row lock on PostgreSQL serialises a session's events across processes; SQLite ignores it
# and relies on BEGIN IMMEDIATE (storage.database).
_LOCK_SESSION = _GET_SESSION.with_for_update()
# The session a platform message belongs to, locked, with the message's key: a reply in a
# thread finds its session and locks it in one round of the database. Any kind of row, as
# `Messages.find` would (a request's post is found, and is not a question).
_LOCK_SESSION_OF_MESSAGE = (
    select(_sessions, _messages.c.key.label("message_key"))
    .join(_messages, _messages.c.session_id == _sessions.c.id)
    .where(
        _messages.c.platform == bindparam("platform"),
        _messages.c.channel == bindparam("channel"),
        _messages.c.message_id == bindparam("message_id"),
    )
    .with_for_update(of=_sessions)
)
_SAVE_STATE = update(_sessions).where(_sessions.c.id == bindparam("session_id"))
# The session row's state leaves the answers out (rows of their own) and its model (a snapshot
# stored once, named by its digest).
_WITHOUT_ANSWERS = {"questions": {"__all__": {"answers"}}}
_APART = {MODEL_APART: True}
_KEEP_SNAPSHOT = {
    "postgresql": postgresql.insert(_snapshots).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(_snapshots).on_conflict_do_nothing(),
}
_ANSWER_COLUMNS = (
    _answers.c.session_id,
    _answers.c.question_id,
    _answers.c.message_id,
    _answers.c.author,
    _answers.c.text,
    _answers.c.at,
    _answers.c.edited,
)
_EVERY_ANSWER = (
    select(*_ANSWER_COLUMNS)
    .where(_answers.c.session_id.in_(bindparam("session_ids", expanding=True)))
    .order_by(_answers.c.id)
)


_DIALECTS = ("postgresql", "sqlite")


def _one_of(column: Any, name: str, dialect: str) -> ColumnElement[bool]:
    """`column` is one of the list bound as `name`. On PostgreSQL the list is one array
    (`= ANY`), so the statement's text is the same whatever its length: it is neither
    re-rendered on each call nor prepared again for each length. SQLite has no arrays: there
    the list's values are written into the statement (IN)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def _some_answers(dialect: str) -> Any:
    """The answers to the questions `question_ids`, and to those `message_ids` answered."""
    answered_by = (
        select(_answers.c.question_id)
        .where(
            _answers.c.session_id == bindparam("session_id"),
            _one_of(_answers.c.message_id, "message_ids", dialect),
        )
        .scalar_subquery()
    )
    return (
        select(*_ANSWER_COLUMNS)
        .where(
            _answers.c.session_id == bindparam("session_id"),
            or_(
                _one_of(_answers.c.question_id, "question_ids", dialect),
                _answers.c.question_id.in_(answered_by),
            ),
        )
        .order_by(_answers.c.id)
    )


_SOME_ANSWERS = {dialect: _some_answers(dialect) for dialect in _DIALECTS}
_ADD_ANSWER = insert(_answers)
_CHANGE_ANSWER = (
    update(_answers)
    .where(
        _answers.c.session_id == bindparam("answers_of"),
        _answers.c.message_id == bindparam("answer_message_id"),
    )
    .values(
        author=bindparam("new_author"),
        text=bindparam("new_text"),
        at=bindparam("new_at"),
        edited=bindparam("new_edited"),
    )
)
_DELETE_ANSWERS = delete(_answers).where(
    _answers.c.session_id == bindparam("session_id"),
    _answers.c.message_id.in_(bindparam("message_ids", expanding=True)),
)
_DELETE_QUESTIONS_ANSWERS = delete(_answers).where(
    _answers.c.session_id == bindparam("session_id"),
    _answers.c.question_id.in_(bindparam("question_ids", expanding=True)),
)
_FIND_MESSAGE = select(_messages.c.session_id, _messages.c.key).where(
    _messages.c.platform == bindparam("platform"),
    _messages.c.channel == bindparam("channel"),
    _messages.c.message_id == bindparam("message_id"),
)
_MESSAGE_PARTS = (
    select(_messages.c.channel, _messages.c.message_id, _messages.c.part)
    .where(_messages.c.session_id == bindparam("session_id"), _messages.c.key == bindparam("key"))
    .order_by(_messages.c.part)
)
_CONVERSATION = select(
    _sessions.c.platform, _sessions.c.conversation, _sessions.c.conversation_data
).where(_sessions.c.id == bindparam("session_id"))
# An event id already stored is a redelivery: the insert does nothing and says so.
_CLAIM_EVENT = {
    "postgresql": postgresql.insert(_events).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(_events).on_conflict_do_nothing(),
}


class _ParsedSnapshots:
    """Model snapshots parsed once per process, by digest (which names one snapshot for ever):
    loading a session does not parse its model again. Models are frozen, so sharing is safe."""

    LIMIT = 256

    def __init__(self) -> None:
        self._models: dict[str, FacilitationModel] = {}

    def get(self, digest: str) -> FacilitationModel | None:
        return self._models.get(digest)

    def keep(self, digest: str, model: FacilitationModel) -> FacilitationModel:
        if digest not in self._models and len(self._models) >= self.LIMIT:
            del self._models[next(iter(self._models))]  # the oldest kept
        return self._models.setdefault(digest, model)


_SNAPSHOTS = _ParsedSnapshots()


class Sessions:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def add(self, stored: StoredSession, now: datetime, wake_at: datetime | None) -> None:
        await self.db.execute(
            insert(_sessions).values(
                id=stored.id,
                kind="session",
                platform=stored.platform,
                conversation=stored.conversation,
                conversation_data=json.dumps(stored.conversation_data),
                model_id=stored.state.model.id,
                model_digest=await self._keep_snapshot(stored.state.model),
                phase=stored.state.phase.value,
                state=stored.state.model_dump_json(exclude=_WITHOUT_ANSWERS, context=_APART),
                wake_at=wake_at,
                created_at=now,
                updated_at=now,
            )
        )
        await self._write_answers(stored)

    async def get(
        self, session_id: str, *, lock: bool = False, for_event: Event | None = None
    ) -> StoredSession | None:
        """A session with every answer, or (`for_event`) with those the event is expected to
        read (`dialogs.state.answers_needed`)."""
        query = _LOCK_SESSION if lock else _GET_SESSION
        row = (await self.db.execute(query, {"session_id": session_id})).first()
        if row is None:
            return None
        return await self.loaded(row, for_event)

    async def locked_by_message(
        self, platform: str, channel: str, message_id: str
    ) -> tuple[str, Row[Any]] | None:
        """The key of a platform message and the row of its session, locked as `get(...,
        lock=True)` locks it; the session is read from the row with `loaded`."""
        parameters = {"platform": platform, "channel": channel, "message_id": message_id}
        row = (await self.db.execute(_LOCK_SESSION_OF_MESSAGE, parameters)).first()
        return (row.message_key, row) if row else None

    async def loaded(self, row: Row[Any], for_event: Event | None = None) -> StoredSession:
        """A session from its row, with the answers `get` would attach."""
        stored = await self._stored(row)
        needed = answers_needed(stored.state, for_event) if for_event else None
        if needed is None:
            await self._attach_every_answer([stored])
        else:
            await self._attach_some_answers(stored, needed)
        return stored

    async def load_every_answer(self, stored: StoredSession) -> None:
        """Load the answers a `get(..., for_event=...)` left in the store."""
        await self._attach_every_answer([stored])

    async def save(self, stored: StoredSession, now: datetime, wake_at: datetime | None) -> None:
        """Write the session row's state and the answer rows that changed since it was loaded."""
        await self.db.execute(
            _SAVE_STATE,
            {
                "session_id": stored.id,
                "phase": stored.state.phase.value,
                "state": stored.state.model_dump_json(exclude=_WITHOUT_ANSWERS, context=_APART),
                "wake_at": wake_at,
                "updated_at": now,
            },
        )
        await self._write_answers(stored)

    async def active_in(self, platform: str, conversation: str) -> StoredSession | None:
        finished = [phase.value for phase in FINISHED]
        query = (
            select(_sessions)
            .where(
                SESSION,
                _sessions.c.platform == platform,
                _sessions.c.conversation == conversation,
                _sessions.c.phase.not_in(finished),
            )
            .order_by(_sessions.c.created_at.desc())
            .limit(1)
        )
        row = (await self.db.execute(query)).first()
        return (await self._with_answers([await self._stored(row)]))[0] if row else None

    async def in_conversation(
        self, platform: str, conversation: str, limit: int | None = None
    ) -> list[StoredSession]:
        """The sessions of a conversation, finished or not, newest first."""
        query = (
            select(_sessions)
            .where(
                SESSION, _sessions.c.platform == platform, _sessions.c.conversation == conversation
            )
            .order_by(_sessions.c.created_at.desc())
            .limit(limit)
        )
        rows = (await self.db.execute(query)).all()
        return await self._with_answers([await self._stored(row) for row in rows])

    async def due(self, now: datetime, limit: int = 100) -> list[str]:
        query = (
            select(_sessions.c.id)
            .where(SESSION, _sessions.c.wake_at.is_not(None), _sessions.c.wake_at <= now)
            .order_by(_sessions.c.wake_at)
            .limit(limit)
        )
        return list((await self.db.execute(query)).scalars())

    async def ended_before(self, cutoff: datetime) -> list[str]:
        """Finished sessions untouched since `cutoff`: candidates for retention."""
        finished = [phase.value for phase in FINISHED]
        query = select(_sessions.c.id).where(
            SESSION, _sessions.c.phase.in_(finished), _sessions.c.updated_at <= cutoff
        )
        return list((await self.db.execute(query)).scalars())

    async def delete(self, session_id: str) -> bool:
        """Delete a session with its answers, messages and outbox rows (the audit log stays)."""
        await self.db.execute(delete(_outbox).where(_outbox.c.session_id == session_id))
        await self.db.execute(delete(_messages).where(_messages.c.session_id == session_id))
        await self.db.execute(delete(_answers).where(_answers.c.session_id == session_id))
        result = await self.db.execute(delete(_sessions).where(_sessions.c.id == session_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def conversation(self, session_id: str) -> Conversation | None:
        row = (await self.db.execute(_CONVERSATION, {"session_id": session_id})).first()
        if row is None:
            return None
        return Conversation(platform=row[0], key=row[1], data=json.loads(row[2] or "{}"))

    async def listing(self) -> list[StoredSession]:
        query = select(_sessions).where(SESSION).order_by(_sessions.c.created_at)
        rows = (await self.db.execute(query)).all()
        return await self._with_answers([await self._stored(row) for row in rows])

    async def answer_count(self, session_id: str) -> int:
        """How many answer rows a session has (what retention and erasure must leave at 0)."""
        query = select(func.count()).where(_answers.c.session_id == session_id)
        return int((await self.db.execute(query)).scalar_one())

    # -- the state as its row holds it, and its model snapshot ---------------------------

    async def _stored(self, row: Row[Any]) -> StoredSession:
        """A session as its row holds it: its answers are attached by the caller."""
        model = await self._snapshot(row.model_digest)
        return StoredSession(
            id=row.id,
            platform=row.platform,
            conversation=row.conversation,
            conversation_data=json.loads(row.conversation_data or "{}"),
            state=SessionState.model_validate_json(row.state, context={MODEL_APART: model}),
        )

    async def _snapshot(self, digest: str) -> FacilitationModel:
        model = _SNAPSHOTS.get(digest)
        if model is None:
            query = select(_snapshots.c.snapshot).where(_snapshots.c.digest == digest)
            snapshot = (await self.db.execute(query)).scalar_one()
            model = _SNAPSHOTS.keep(digest, FacilitationModel.model_validate_json(snapshot))
        return model

    async def _keep_snapshot(self, model: FacilitationModel) -> str:
        snapshot = model.model_dump_json()
        digest = hashlib.sha256(snapshot.encode()).hexdigest()
        statement = _KEEP_SNAPSHOT[self.db.dialect.name]
        await self.db.execute(statement, {"digest": digest, "snapshot": snapshot})
        _SNAPSHOTS.keep(digest, model)
        return digest

    # -- answers, rows of their own ------------------------------------------------------

    async def _with_answers(self, sessions: list[StoredSession]) -> list[StoredSession]:
        await self._attach_every_answer(sessions)
        return sessions

    async def _attach_every_answer(self, sessions: list[StoredSession]) -> None:
        if not sessions:
            return
        rows = await self.db.execute(_EVERY_ANSWER, {"session_ids": [s.id for s in sessions]})
        found: dict[str, dict[str, list[AnswerEntry]]] = {s.id: {} for s in sessions}
        for row in rows:
            found[row.session_id].setdefault(row.question_id, []).append(_answer(row))
        for stored in sessions:
            answers = found[stored.id]
            for question in stored.state.questions.values():
                question.hold(answers.get(question.id, []))
            stored.state.with_every_answer()
            _loaded(stored)

    async def _attach_some_answers(self, stored: StoredSession, needed: AnswersNeeded) -> None:
        parameters = {
            "session_id": stored.id,
            "question_ids": sorted(needed.questions),
            "message_ids": sorted(needed.message_ids),
        }
        answers: dict[str, list[AnswerEntry]] = {qid: [] for qid in needed.questions}
        for row in await self.db.execute(_SOME_ANSWERS[self.db.dialect.name], parameters):
            answers.setdefault(row.question_id, []).append(_answer(row))
        for question in stored.state.questions.values():
            loaded = answers.get(question.id)
            question.hold(UnloadedAnswers() if loaded is None else loaded)
        stored.state.with_some_answers(needed.message_ids)
        _loaded(stored)

    async def _write_answers(self, stored: StoredSession) -> None:
        change = _answer_changes(stored)
        session = {"session_id": stored.id}
        if change.replaced:
            await self.db.execute(
                _DELETE_QUESTIONS_ANSWERS, {**session, "question_ids": change.replaced}
            )
        if change.deleted:
            await self.db.execute(_DELETE_ANSWERS, {**session, "message_ids": change.deleted})
        if change.changed:
            await self.db.execute(
                _CHANGE_ANSWER,
                [
                    {
                        "answers_of": stored.id,
                        "answer_message_id": a.message_id,
                        "new_author": a.author,
                        "new_text": a.text,
                        "new_at": a.at,
                        "new_edited": a.edited,
                    }
                    for a in change.changed
                ],
            )
        if change.added:
            await self.db.execute(
                _ADD_ANSWER,
                [
                    {
                        **session,
                        "question_id": question_id,
                        "message_id": a.message_id,
                        "author": a.author,
                        "text": a.text,
                        "at": a.at,
                        "edited": a.edited,
                    }
                    for question_id, a in change.added
                ],
            )
        _loaded(stored)


@dataclass
class _AnswerChanges:
    """The answer rows to write so that they hold what a session's state holds."""

    replaced: list[str] = field(default_factory=list)  # questions whose rows are written anew
    deleted: list[str] = field(default_factory=list)  # message ids
    changed: list[AnswerEntry] = field(default_factory=list)
    added: list[tuple[str, AnswerEntry]] = field(default_factory=list)  # (question id, answer)


def _answer_changes(stored: StoredSession) -> _AnswerChanges:
    change = _AnswerChanges()
    questions = stored.state.questions
    change.replaced += [q for q in sorted(stored.loaded_questions) if q not in questions]
    for question in questions.values():
        if not question.answers_loaded:
            continue  # left in the store, so unchanged
        after: list[AnswerEntry] = question.answers
        before: list[AnswerEntry] | None
        if question.id in stored.loaded_answers:
            before = stored.loaded_answers[question.id]
        elif question.id in stored.loaded_questions:
            before = None  # its rows were not loaded, yet it holds answers now: write them anew
        else:
            before = []  # a question opened by this event
        if before is None or not _appended_to(before, after):
            change.replaced.append(question.id)
            change.added += [(question.id, answer) for answer in after]
            continue
        was = {answer.message_id: answer for answer in before}
        kept = {answer.message_id for answer in after}
        change.deleted += [m for m in was if m not in kept]
        for answer in after:
            earlier = was.get(answer.message_id)
            if earlier is None:
                change.added.append((question.id, answer))
            elif earlier != answer:
                change.changed.append(answer)
    return change


def _appended_to(before: list[AnswerEntry], after: list[AnswerEntry]) -> bool:
    """Whether `after` is `before` with some answers taken out and others added at the end:
    what row order (`id`) can hold without writing the question's rows anew."""
    after_ids = [answer.message_id for answer in after]
    was = {answer.message_id for answer in before}
    kept = [m for m in after_ids if m in was]
    still = set(kept)
    return after_ids[: len(kept)] == kept and kept == [
        a.message_id for a in before if a.message_id in still
    ]


def _loaded(stored: StoredSession) -> None:
    """Remember the answers as they now are in the store."""
    stored.loaded_answers = {
        question.id: list(question.answers)
        for question in stored.state.questions.values()
        if question.answers_loaded
    }
    stored.loaded_questions = frozenset(stored.state.questions)


def _answer(row: Row[Any]) -> AnswerEntry:
    return AnswerEntry.model_construct(
        message_id=row.message_id, author=row.author, text=row.text, at=row.at, edited=row.edited
    )


class Requests:
    """Requests for a discussion, kept beside sessions so they share messages and the outbox."""

    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def add(self, conversation: Conversation, state: RequestState, now: datetime) -> None:
        await self.db.execute(
            insert(_sessions).values(
                id=state.id,
                kind="request",
                platform=conversation.platform,
                conversation=conversation.key,
                conversation_data=json.dumps(conversation.data),
                model_id="",
                phase=state.status.value,
                state=state.model_dump_json(),
                wake_at=None,
                created_at=now,
                updated_at=now,
            )
        )

    async def get(self, request_id: str, *, lock: bool = False) -> RequestState | None:
        query = select(_sessions.c.state).where(
            _sessions.c.id == request_id, _sessions.c.kind == "request"
        )
        if lock:
            query = query.with_for_update()
        state = (await self.db.execute(query)).scalar_one_or_none()
        return RequestState.model_validate_json(state) if state else None

    async def confirmed(self, platform: str) -> list[RequestState]:
        """Requests on a platform whose facilitator has confirmed, waiting for a session."""
        query = select(_sessions.c.state).where(
            _sessions.c.kind == "request",
            _sessions.c.platform == platform,
            _sessions.c.phase == RequestStatus.CONFIRMED.value,
        )
        return [RequestState.model_validate_json(row) for row in await self.db.scalars(query)]

    async def save(self, state: RequestState, now: datetime) -> None:
        await self.db.execute(
            update(_sessions)
            .where(_sessions.c.id == state.id)
            .values(phase=state.status.value, state=state.model_dump_json(), updated_at=now)
        )


class Messages:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def record(
        self, session_id: str, key: str, platform: str, parts: list[PostedMessage]
    ) -> None:
        if not parts:
            return
        await self.db.execute(
            insert(_messages),
            [
                {
                    "session_id": session_id,
                    "key": key,
                    "part": posted.part,
                    "platform": platform,
                    "channel": posted.channel,
                    "message_id": posted.message_id,
                }
                for posted in parts
            ],
        )

    async def parts(self, session_id: str, key: str) -> list[PostedMessage]:
        rows = await self.db.execute(_MESSAGE_PARTS, {"session_id": session_id, "key": key})
        return [PostedMessage(channel=r[0], message_id=r[1], part=r[2]) for r in rows]

    async def replace_parts(
        self, session_id: str, key: str, platform: str, parts: list[PostedMessage]
    ) -> None:
        """After an update changed how many parts a message needs."""
        await self.db.execute(
            delete(_messages).where(_messages.c.session_id == session_id, _messages.c.key == key)
        )
        await self.record(session_id, key, platform, parts)

    async def of_session(self, session_id: str) -> list[PostedMessage]:
        """Every post of a session, in the order they were recorded."""
        rows = await self.db.execute(
            select(_messages.c.channel, _messages.c.message_id, _messages.c.part)
            .where(_messages.c.session_id == session_id)
            .order_by(_messages.c.id)
        )
        return [PostedMessage(channel=r[0], message_id=r[1], part=r[2]) for r in rows]

    async def find(self, platform: str, channel: str, message_id: str) -> tuple[str, str] | None:
        """The session and message key a platform message belongs to."""
        parameters = {"platform": platform, "channel": channel, "message_id": message_id}
        row = (await self.db.execute(_FIND_MESSAGE, parameters)).first()
        return (row[0], row[1]) if row else None


class ProcessedEvents:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def claim(self, platform: str, event_id: str, now: datetime) -> bool:
        """Record an event id; False when it was handled before (a redelivery)."""
        statement = _CLAIM_EVENT[self.db.dialect.name]
        values = {"platform": platform, "event_id": event_id, "received_at": now}
        result = await self.db.execute(statement, values)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def prune(self, older_than: datetime, limit: int | None = None) -> int:
        """Forget the event ids received before `older_than` (at most `limit` of them, the
        oldest first); returns how many. Other processes pruning at once skip the rows this
        one is deleting (PostgreSQL) rather than wait for them."""
        old = _events.c.received_at < older_than
        if limit is None:
            result = await self.db.execute(delete(_events).where(old))
        else:
            oldest = (
                select(_events.c.platform, _events.c.event_id)
                .where(old)
                .order_by(_events.c.received_at)
                .limit(limit)
                .with_for_update(skip_locked=True)  # SQLite has no row locks: left out there
            )
            key = tuple_(_events.c.platform, _events.c.event_id)
            result = await self.db.execute(delete(_events).where(key.in_(oldest)))
        return int(result.rowcount)  # type: ignore[attr-defined]

    forget_before = prune  # the older name, still used by callers


_PENDING = _outbox.c.status == "pending"


_later = _outbox.alias("later")
# A progress update held for the dispatcher's window (never tried yet) with something other
# than an update queued behind it in its session: it goes now, so that the window never holds
# back a post, a private message or any other effect.
_RELEASED = and_(
    _outbox.c.kind == "update",
    _outbox.c.attempts == 0,
    exists().where(
        _later.c.session_id == _outbox.c.session_id,
        _later.c.status == "pending",
        _later.c.kind != "update",
        _later.c.id > _outbox.c.id,
    ),
)


# The dispatcher's statements are built once, with their values bound when they run: building
# a statement and its cache key took about a quarter of the CPU of a delivery.
_NOW = bindparam("now")
# A pending effect that may be claimed now: its time has come, or it is a held update
# released by what was queued behind it.
_READY = or_(_outbox.c.available_at <= _NOW, _RELEASED)
_UNCLAIMED = or_(_outbox.c.claimed_until.is_(None), _outbox.c.claimed_until < _NOW)
_FIRST_PENDING = (
    select(_outbox.c.session_id, func.min(_outbox.c.id).label("first_id"))
    .where(_PENDING)
    .group_by(_outbox.c.session_id)
    .subquery()
)
# The oldest pending effect of each session, ready and unclaimed. On PostgreSQL, dispatchers
# in other processes skip rows being claimed here instead of waiting for them; SQLite
# serialises writers anyway.
_CLAIMABLE = (
    select(_outbox)
    .join(_FIRST_PENDING, _outbox.c.id == _FIRST_PENDING.c.first_id)
    .where(_READY, _UNCLAIMED)
    .order_by(_outbox.c.id)
    .limit(bindparam("most"))
    .with_for_update(skip_locked=True, of=_outbox)
)
_LEASE = {
    dialect: update(_outbox)
    .where(_one_of(_outbox.c.id, "item_ids", dialect), _PENDING, _UNCLAIMED)
    .values(claimed_until=bindparam("lease_until"))
    .returning(_outbox.c.id)
    for dialect in _DIALECTS
}
_QUEUED_AFTER = (
    select(_outbox.c.id, _outbox.c.kind, _outbox.c.message_key)
    .where(
        _outbox.c.session_id == bindparam("session_id"),
        _PENDING,
        _outbox.c.id > bindparam("item_id"),
    )
    .order_by(_outbox.c.id)
)
_HOLD = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("item_id"))
    .values(available_at=bindparam("until"), claimed_until=None)
)
_SUPERSEDED = {
    dialect: update(_outbox)
    .where(_one_of(_outbox.c.id, "item_ids", dialect))
    .values(status="superseded", delivered_at=bindparam("at"), claimed_until=None)
    for dialect in _DIALECTS
}
_LEASE_ONE = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("item_id"))
    .values(claimed_until=bindparam("lease_until"))
    .returning(_outbox)
)
_QUEUED_SINCE = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("item_id"), _outbox.c.created_at > bindparam("since"))
    .values(created_at=bindparam("since"))
)
_QUEUE = insert(_outbox)
_NEXT_AVAILABLE = select(func.min(_outbox.c.available_at)).where(
    _PENDING, _outbox.c.available_at > _NOW, ~_RELEASED
)
_FINISH = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("item_id"))
    .values(
        status=bindparam("new_status"),
        delivered_at=bindparam("at"),
        claimed_until=None,
        last_error=bindparam("error"),
    )
)
_RETRY = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("item_id"))
    .values(
        attempts=_outbox.c.attempts + 1,
        available_at=bindparam("available"),
        claimed_until=None,
        last_error=bindparam("error"),
    )
)


def _item(row: Row[Any]) -> OutboxItem:
    """An outbox row as claimed (its lease not yet written into `claimed_until`)."""
    return OutboxItem(
        id=row.id,
        session_id=row.session_id,
        kind=row.kind,
        message_key=row.message_key,
        payload=row.payload,
        attempts=row.attempts,
        reclaimed=row.claimed_until is not None,
        created_at=row.created_at,
    )


class Outbox:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def add(self, session_id: str, effects: list[Effect], now: datetime) -> None:
        if not effects:
            return
        # One statement: a progress update the dispatcher holds for its window is not written
        # to when something else is queued behind it; the claim sees that (`_READY`).
        await self.db.execute(
            _QUEUE,
            [
                {
                    "session_id": session_id,
                    "kind": getattr(effect, "type", "effect"),
                    "message_key": getattr(effect, "key", None),
                    "payload": effect.model_dump_json(),
                    "status": "pending",
                    "attempts": 0,
                    "available_at": now,
                    "created_at": now,
                }
                for effect in effects
            ],
        )

    async def claim(self, now: datetime, lease: timedelta, limit: int = 50) -> list[OutboxItem]:
        """The oldest pending effect of each session (order within a session is kept), leased
        to this dispatcher so that others skip it."""
        rows = list(await self.db.execute(_CLAIMABLE, {"now": now, "most": limit}))
        if not rows:
            return []
        lease_until = now + lease
        values = {"item_ids": [row.id for row in rows], "now": now, "lease_until": lease_until}
        leased = set((await self.db.execute(_LEASE[self.db.dialect.name], values)).scalars())
        return [_item(row) for row in rows if row.id in leased]

    async def queued_after(self, item: OutboxItem) -> list[tuple[int, str, str | None]]:
        """The session's pending effects after this one, in order: (id, kind, message key)."""
        values = {"session_id": item.session_id, "item_id": item.id}
        rows = await self.db.execute(_QUEUED_AFTER, values)
        return [(row.id, row.kind, row.message_key) for row in rows]

    async def hold(self, item_id: int, until: datetime) -> None:
        """Put a claimed effect back, not to be claimed before `until`."""
        await self.db.execute(_HOLD, {"item_id": item_id, "until": until})

    async def take_over(
        self, item_id: int, later_ids: list[int], now: datetime, lease: timedelta
    ) -> OutboxItem:
        """The last of `later_ids` (updates of the same message) replaces this effect and those
        before it, which are done (superseded); it is leased to the caller and returned."""
        superseded = {"item_ids": [item_id, *later_ids[:-1]], "at": now}
        await self.db.execute(_SUPERSEDED[self.db.dialect.name], superseded)
        newest = {"item_id": later_ids[-1], "lease_until": now + lease}
        # Never claimed before: it was queued behind this one until now.
        return replace(_item((await self.db.execute(_LEASE_ONE, newest)).one()), reclaimed=False)

    async def supersede(self, item: OutboxItem, successor_id: int, now: datetime) -> None:
        """This update is done: a later update of the same message (`successor_id`) replaces
        it, and is held no longer than this one would have been (it counts from the earlier
        of the two being queued)."""
        await self.finish(item.id, "superseded", now)
        if item.created_at is not None:
            values = {"item_id": successor_id, "since": item.created_at}
            await self.db.execute(_QUEUED_SINCE, values)

    async def next_available(self, now: datetime) -> datetime | None:
        """When the next pending effect that is not ready yet becomes ready (a retry, a held
        update), if there is one."""
        return (await self.db.execute(_NEXT_AVAILABLE, {"now": now})).scalar_one()

    async def finish(
        self, item_id: int, status: str, now: datetime, error: str | None = None
    ) -> None:
        values = {"item_id": item_id, "new_status": status, "at": now, "error": error}
        await self.db.execute(_FINISH, values)

    async def retry(self, item_id: int, available_at: datetime, error: str) -> None:
        values = {"item_id": item_id, "available": available_at, "error": error[:500]}
        await self.db.execute(_RETRY, values)

    async def forget_delivered(self, session_id: str) -> None:
        """Delivered rows are copies of what was posted; retention removes them too."""
        await self.db.execute(delete(_outbox).where(_outbox.c.session_id == session_id, ~_PENDING))

    async def pending_count(self) -> int:
        query = select(func.count()).where(_PENDING)
        return int((await self.db.execute(query)).scalar_one())

    async def oldest_pending(self) -> datetime | None:
        query = select(func.min(_outbox.c.created_at)).where(_PENDING)
        return (await self.db.execute(query)).scalar_one()

    async def statuses(self, session_id: str) -> list[tuple[str, str]]:
        query = (
            select(_outbox.c.kind, _outbox.c.status)
            .where(_outbox.c.session_id == session_id)
            .order_by(_outbox.c.id)
        )
        return [(r[0], r[1]) for r in await self.db.execute(query)]


class Evaluations:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def add(self, model_id: str, answers: dict[str, str], on: date) -> None:
        await self.db.execute(
            insert(_evaluations).values(
                model_id=model_id, answers=json.dumps(answers), submitted_on=on
            )
        )

    async def answers(self, model_id: str | None = None) -> list[tuple[str, dict[str, str]]]:
        """Every evaluation as (model id, answers by question id), oldest first."""
        query = select(_evaluations.c.model_id, _evaluations.c.answers).order_by(_evaluations.c.id)
        if model_id:
            query = query.where(_evaluations.c.model_id == model_id)
        return [(r[0], json.loads(r[1])) for r in await self.db.execute(query)]

    async def submitted(self, start: date | None, end: date | None) -> list[SubmittedEvaluation]:
        """The evaluations submitted from `start` to `end` (both included; None: unbounded)."""
        query = select(_evaluations).order_by(_evaluations.c.id)
        if start:
            query = query.where(_evaluations.c.submitted_on >= start)
        if end:
            query = query.where(_evaluations.c.submitted_on <= end)
        return [
            SubmittedEvaluation(r.model_id, r.submitted_on, json.loads(r.answers))
            for r in await self.db.execute(query)
        ]


# The first process to store a key (the secret, a claim) wins; the others read it back.
_STORE_ONCE = {
    "postgresql": postgresql.insert(_instance).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(_instance).on_conflict_do_nothing(),
}


class Instance:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def secret(self, candidate: bytes) -> bytes:
        """The installation's secret: the one stored first wins, so every process agrees."""
        statement = _STORE_ONCE[self.db.dialect.name]
        await self.db.execute(statement, {"key": "secret", "value": candidate.hex()})
        query = select(_instance.c.value).where(_instance.c.key == "secret")
        return bytes.fromhex((await self.db.execute(query)).scalar_one())

    async def claim(self, key: str, value: str) -> bool:
        """Record that something done once per installation (a digest) is being done: True
        for the first caller, in whichever process; False once it is claimed."""
        statement = _STORE_ONCE[self.db.dialect.name]
        result = await self.db.execute(statement, {"key": key, "value": value})
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def release(self, key: str) -> None:
        """Undo a claim whose work failed, so that it is tried again."""
        await self.db.execute(delete(_instance).where(_instance.c.key == key))


def _remember_place(dialect: Any) -> Any:
    """Store a channel's place, or replace it where it differs: a place heard again unchanged
    writes nothing."""
    statement = dialect.insert(_places)
    return statement.on_conflict_do_update(
        index_elements=[_places.c.platform, _places.c.channel],
        set_={"data": statement.excluded.data, "changed_at": statement.excluded.changed_at},
        where=_places.c.data != statement.excluded.data,
    )


_REMEMBER_PLACE = {"postgresql": _remember_place(postgresql), "sqlite": _remember_place(sqlite)}


class Places:
    """Where the bot can post in a channel outside a turn, as a platform adapter describes it."""

    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def remember(
        self, platform: str, channel: str, data: dict[str, str], now: datetime
    ) -> bool:
        """Keep the channel's place; True when that changed what was kept."""
        statement = _REMEMBER_PLACE[self.db.dialect.name]
        values = {
            "platform": platform,
            "channel": channel,
            "data": json.dumps(data, sort_keys=True),
            "changed_at": now,
        }
        result = await self.db.execute(statement, values)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, platform: str, channel: str) -> dict[str, str] | None:
        query = select(_places.c.data).where(
            _places.c.platform == platform, _places.c.channel == channel
        )
        data = (await self.db.execute(query)).scalar_one_or_none()
        return json.loads(data) if data is not None else None

    async def latest(self, platform: str) -> list[tuple[str, dict[str, str]]]:
        """Every channel's place on the platform, the most recently changed first."""
        query = (
            select(_places.c.channel, _places.c.data)
            .where(_places.c.platform == platform)
            .order_by(_places.c.changed_at.desc(), _places.c.channel)
        )
        return [(row.channel, json.loads(row.data)) for row in await self.db.execute(query)]


def _reserve_slot(dialect: Any) -> Any:
    """Take the key's next free slot, at the earliest now, and move it on by the interval, in
    one statement: concurrent callers (in any process) each get a slot of their own."""
    now = bindparam("now", type_=Float)
    interval = bindparam("interval", type_=Float)
    later = case((_pacing.c.next_slot > now, _pacing.c.next_slot), else_=now)
    return (
        dialect.insert(_pacing)
        .values(key=bindparam("key"), next_slot=now + interval)
        .on_conflict_do_update(index_elements=[_pacing.c.key], set_={"next_slot": later + interval})
        .returning(_pacing.c.next_slot)
    )


_RESERVE_SLOT = {"postgresql": _reserve_slot(postgresql), "sqlite": _reserve_slot(sqlite)}


class Pacing:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def reserve(self, key: str, now: float, interval: float) -> float:
        """The time (seconds since the epoch) this caller may go at; the next caller's slot is
        `interval` later."""
        statement = _RESERVE_SLOT[self.db.dialect.name]
        values = {"key": key, "now": now, "interval": interval}
        next_slot = (await self.db.execute(statement, values)).scalar_one()
        return float(next_slot) - interval


class Audit:
    def __init__(self, db: AsyncConnection) -> None:
        self.db = db

    async def add(self, session_id: str | None, action: str, actor: str, now: datetime) -> None:
        await self.db.execute(
            insert(_audit).values(session_id=session_id, action=action, actor=actor, at=now)
        )

    async def entries(self, session_id: str | None = None) -> list[AuditEntry]:
        query = select(_audit).order_by(_audit.c.id)
        if session_id:
            query = query.where(_audit.c.session_id == session_id)
        return [
            AuditEntry(session_id=r.session_id, action=r.action, actor=r.actor, at=r.at)
            for r in await self.db.execute(query)
        ]

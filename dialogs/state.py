"""A session's state: a compact JSON document (the session row) and its answers (rows of their
own), loaded, stepped and saved per event.

An event is stepped with the answers it needs loaded (those of the open questions, say); the
other questions hold `UnloadedAnswers`, which refuses to be read, so that code needing every
answer fails loudly (`AnswersNotLoaded`) and is run again with all of them, never on an empty
list by mistake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NoReturn

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_serializer,
    field_validator,
)

from dialogs.events import (
    Answer,
    DeleteAnswer,
    EditAnswer,
    Event,
    Pacing,
    Participant,
    Person,
    Role,
)
from dialogs.models.schema import Asked, FacilitationModel, Question, Stage


class Phase(StrEnum):
    SCHEDULED = "scheduled"  # invitations sent; the session opens at `scheduled_for`
    GROUND_RULES = "ground_rules"
    RUNNING = "running"
    RECORD_DRAFT = "record_draft"
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


FINISHED = frozenset({Phase.PUBLISHED, Phase.CANCELLED})


class QuestionStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    SKIPPED = "skipped"


class AnswerEntry(BaseModel):
    # Frozen, so that the engine's copy of a state shares its answers (an edit replaces one).
    model_config = ConfigDict(extra="forbid", frozen=True)

    message_id: str
    author: str
    text: str
    at: datetime
    edited: bool = False

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> AnswerEntry:
        return self  # frozen, and every field immutable: copying would change nothing


class AnswersNotLoaded(RuntimeError):
    """Answers were read that the store did not load for this event. Not a LookupError nor an
    AttributeError, which templates and lookups would take for a missing value."""


class UnloadedAnswers(list[AnswerEntry]):
    """The answers of a question that were left in the store: reading or changing them fails."""

    def _refuse(self, *_: Any, **__: Any) -> NoReturn:
        raise AnswersNotLoaded("these answers were not loaded for this event")

    __iter__ = __len__ = __bool__ = __getitem__ = __contains__ = __reversed__ = _refuse
    __eq__ = __iadd__ = __setitem__ = __delitem__ = _refuse  # type: ignore[assignment]
    append = extend = insert = remove = pop = clear = index = count = sort = _refuse  # type: ignore[assignment]
    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> UnloadedAnswers:
        return UnloadedAnswers()

    def __deepcopy__(self, memo: dict[int, Any]) -> UnloadedAnswers:
        return UnloadedAnswers()


class QuestionState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    stage_id: str
    status: QuestionStatus = QuestionStatus.OPEN
    opened_at: datetime
    answers: list[AnswerEntry] = Field(default_factory=list)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> QuestionState:
        # Every field but the answers list is immutable, and so is each answer: copying the
        # list is copying the question. Built directly rather than by pydantic's copy, which
        # costs twice as much.
        answers = self.answers
        copied = object.__new__(QuestionState)
        copied_fields = {
            **self.__dict__,
            "answers": UnloadedAnswers() if isinstance(answers, UnloadedAnswers) else list(answers),
        }
        object.__setattr__(copied, "__dict__", copied_fields)
        object.__setattr__(copied, "__pydantic_fields_set__", set(self.__pydantic_fields_set__))
        object.__setattr__(copied, "__pydantic_extra__", None)
        object.__setattr__(copied, "__pydantic_private__", None)
        return copied

    def hold(self, answers: list[AnswerEntry]) -> None:
        """Attach the answers the store loaded (or `UnloadedAnswers`). Written straight into the
        fields: they were valid when stored, and a store attaches them to every question of a
        session on every event."""
        self.__dict__["answers"] = answers

    @property
    def answers_loaded(self) -> bool:
        return not isinstance(self.answers, UnloadedAnswers)

    @field_serializer("answers", mode="wrap")
    def _only_loaded(
        self,
        answers: list[AnswerEntry],
        handler: SerializerFunctionWrapHandler,
        _: SerializationInfo,
    ) -> Any:
        # The serializer reads the list beneath the guard: an unloaded one would pass as empty.
        if isinstance(answers, UnloadedAnswers):
            raise AnswersNotLoaded(f"the answers to {self.id} were not loaded")
        return handler(answers)


class AgreedAction(BaseModel):
    """An action agreed at the meeting, with the participant who owns it and when to review it."""

    model_config = ConfigDict(extra="forbid")

    text: str
    owner: str
    review_on: date
    reminded: bool = False
    done: bool = False


class Confirmation(BaseModel):
    """A participant confirmed the draft record (models that ask for it)."""

    model_config = ConfigDict(extra="forbid")

    user_id: str
    at: datetime


class RecordDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # What the template produced, kept to tell which sections the facilitator has edited.
    generated: dict[str, str]
    sections: dict[str, str]
    actions: list[AgreedAction] = Field(default_factory=list)
    # What the guard took out of the draft, described without the identifiers themselves.
    redactions: list[str] = Field(default_factory=list)
    # Sections (by title) in which the guard still finds identifiers, with what it found.
    flagged: dict[str, str] = Field(default_factory=dict)
    # Counts changes of the draft's content, so that a confirmation names the draft it is for.
    revision: int = 0
    # The revision the participants were last asked to confirm (None: never asked).
    asked_revision: int | None = None
    # Who confirmed the revision they were asked about; emptied whenever the draft changes.
    confirmations: list[Confirmation] = Field(default_factory=list)

    @property
    def confirmation_asked(self) -> bool:
        return self.asked_revision == self.revision


class LearningDelivery(BaseModel):
    """Where a published session's learning themes went: `channel` None means nowhere, because
    no channel was configured for their audience, and `refused` that the channel's platform
    refused them; either way they stay in the record, for the report."""

    model_config = ConfigDict(extra="forbid")

    audience: str
    channel: str | None
    at: datetime
    # The platform refused the post for good (e.g. the bot is not in the channel): why, briefly.
    refused: str = ""


# Serialisation and validation context: the store keeps each model snapshot once, apart from
# the states that run it. Dumped with {MODEL_APART: True}, a state writes its model as null;
# validated with {MODEL_APART: snapshot}, a null model is that snapshot.
MODEL_APART = "model_apart"


class SessionState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    model: FacilitationModel
    phase: Phase = Phase.GROUND_RULES
    facilitator: Person
    participants: list[Participant]
    # A participant the facilitator handed the record to: they write the key points and the
    # record; approving and publishing stay with the facilitator.
    recorder: str | None = None
    case_reference: str
    pacing: Pacing = Pacing.LIVE
    stage_hours: int = 24
    created_at: datetime
    scheduled_for: datetime | None = None
    began_at: datetime | None = None
    agreed: list[str] = Field(default_factory=list)
    stage_index: int = -1
    stage_opened_at: datetime | None = None
    deadline: datetime | None = None  # async pacing: when the open stage closes
    reminded: bool = False
    time_box_warned: bool = False
    paused_at: datetime | None = None
    paused_for: timedelta = timedelta()  # the pauses so far: the session's clock leaves them out
    questions: dict[str, QuestionState] = Field(default_factory=dict)
    awaiting_key_points: str | None = None
    stage_notes: dict[str, str] = Field(default_factory=dict)
    # The model's captured fields, by field id, as the facilitator wrote them ("" when left
    # empty: the form was answered).
    captured: dict[str, str] = Field(default_factory=dict)
    record: RecordDraft | None = None
    published_at: datetime | None = None
    learning: LearningDelivery | None = None  # set at publication when there are themes
    cancelled_at: datetime | None = None
    answers_deleted_at: datetime | None = None  # by the retention policy
    # Keyed hashes of the watch-list entered at setup (never the names themselves).
    watch_hashes: list[str] = Field(default_factory=list)
    # Who has evaluated the session (never what they said: evaluations are stored apart).
    evaluated: list[str] = Field(default_factory=list)
    # Outsiders already told that their replies do not count (told once).
    told: list[str] = Field(default_factory=list)
    # What the facilitator confirmed at setup (dialogs/setup.py).
    no_involvement: bool = False
    confirmed: list[str] = Field(default_factory=list)
    confidentiality: list[str] = Field(default_factory=list)
    request_id: str = ""
    issues: str = ""
    # Loaded for one event with only some answers: the message ids whose answer (if any) was
    # loaded with its question's. None: every answer is loaded.
    _looked_up: frozenset[str] | None = PrivateAttr(default=None)

    @field_serializer("model", mode="wrap")
    def _model_apart(
        self,
        model: FacilitationModel,
        handler: SerializerFunctionWrapHandler,
        info: SerializationInfo,
    ) -> Any:
        if info.context and info.context.get(MODEL_APART):
            return None
        return handler(model)

    @field_validator("model", mode="wrap")
    @classmethod
    def _model_given(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> FacilitationModel:
        given = info.context.get(MODEL_APART) if info.context else None
        if value is None and isinstance(given, FacilitationModel):
            return given
        return handler(value)  # type: ignore[no-any-return]

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> SessionState:
        # A session's questions are most of its state: they are copied directly rather than
        # through deepcopy's general walk, which then finds them in its memo. A caller whose
        # memo already holds them keeps what it put there.
        memo = {} if memo is None else memo
        questions = self.questions
        if id(questions) not in memo:  # the engine's turn shares them (`_Turn.question`)
            memo[id(questions)] = {key: q.__deepcopy__() for key, q in questions.items()}
        return super().__deepcopy__(memo)

    def with_some_answers(self, looked_up: frozenset[str]) -> None:
        """Mark this state as holding only some answers: those of the questions that do not hold
        `UnloadedAnswers`, including the answer of each of `looked_up` that exists."""
        self._looked_up = looked_up

    def with_every_answer(self) -> None:
        self._looked_up = None

    # -- derived views -------------------------------------------------------------------

    @property
    def ended_at(self) -> datetime | None:
        return self.published_at or self.cancelled_at

    @property
    def learning_undelivered(self) -> bool:
        """Published learning themes that reached no learning lead: no channel was configured for
        their audience, or its platform refused the post."""
        return self.learning is not None and (
            self.learning.channel is None or bool(self.learning.refused)
        )

    @property
    def stage(self) -> Stage | None:
        if 0 <= self.stage_index < len(self.model.stages):
            return self.model.stages[self.stage_index]
        return None

    @property
    def open_questions(self) -> list[QuestionState]:
        return [q for q in self.questions.values() if q.status is QuestionStatus.OPEN]

    @property
    def presenter(self) -> Participant | None:
        return next((p for p in self.participants if p.role is Role.PRESENTER), None)

    @property
    def recorder_person(self) -> Participant | None:
        return next((p for p in self.participants if p.user_id == self.recorder), None)

    @property
    def confirmed_by(self) -> list[Participant]:
        """The participants who confirmed the current draft, in the order they were listed."""
        if self.record is None or not self.record.confirmation_asked:
            return []
        done = {c.user_id for c in self.record.confirmations}
        return [p for p in self.participants if p.user_id in done]

    @property
    def confirmation_waiting(self) -> list[Participant]:
        """The participants asked to confirm the current draft who have not yet."""
        if self.record is None or not self.record.confirmation_asked:
            return []
        done = {c.user_id for c in self.record.confirmations}
        return [p for p in self.participants if p.user_id not in done]

    def writes_record(self, user_id: str) -> bool:
        return user_id in (self.facilitator.user_id, self.recorder)

    def person(self, user_id: str) -> Person | None:
        if user_id == self.facilitator.user_id:
            return self.facilitator
        return next((p for p in self.participants if p.user_id == user_id), None)

    def asked(self, question: Question) -> list[Person]:
        """The people a question is put to, in the order they were listed."""
        if question.asks is Asked.FACILITATOR:
            return [self.facilitator]
        if question.asks is Asked.PRESENTER:
            return [p for p in self.participants if p.role is Role.PRESENTER]
        if question.asks is Asked.CONSULTANTS:
            return [p for p in self.participants if p.role is Role.CONSULTANT]
        return list(self.participants)

    def live_answers(self, question_id: str) -> list[AnswerEntry]:
        state = self.questions.get(question_id)
        return list(state.answers) if state else []

    def answered(self, question_id: str) -> set[str]:
        return {a.author for a in self.live_answers(question_id)}

    def waiting_for(self, question_id: str) -> list[Person]:
        done = self.answered(question_id)
        return [p for p in self.asked(self.model.question(question_id)) if p.user_id not in done]

    def find_answer(self, message_id: str) -> tuple[QuestionState, AnswerEntry] | None:
        looked_up = self._looked_up
        if looked_up is not None and message_id not in looked_up:
            raise AnswersNotLoaded(f"the answer of message {message_id} was not looked up")
        for question in self.questions.values():
            if not question.answers_loaded:
                continue  # looked up: its answer, if any, is in a loaded question
            for answer in question.answers:
                if answer.message_id == message_id:
                    return question, answer
        return None


@dataclass(frozen=True)
class AnswersNeeded:
    """The answers an event is stepped with: those to `questions`, and every answer to the
    question answered by each of `message_ids` (an edit or deletion names only its message)."""

    questions: frozenset[str]
    message_ids: frozenset[str]


# Drafting, confirming and publishing the record read every answer; so do exports after it.
_EVERY_ANSWER = frozenset(
    {Phase.RECORD_DRAFT, Phase.AWAITING_APPROVAL, Phase.PUBLISHED, Phase.CANCELLED}
)


def answers_needed(state: SessionState, event: Event) -> AnswersNeeded | None:
    """What stepping `event` is expected to read of `state`'s answers (None: all of them). An
    event that reads more (the last answer closing the last stage drafts the record) meets
    `UnloadedAnswers`, and is stepped again with every answer."""
    if state.phase in _EVERY_ANSWER:
        return None
    questions = {q.id for q in state.open_questions}
    message_ids: set[str] = set()
    if isinstance(event, Answer):
        questions.add(event.question_id)
        message_ids.add(event.message_id)
    elif isinstance(event, EditAnswer | DeleteAnswer):
        message_ids.add(event.message_id)
    return AnswersNeeded(frozenset(questions), frozenset(message_ids))

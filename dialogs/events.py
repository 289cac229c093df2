"""What can happen to a session. Adapters translate platform events into these."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from dialogs.models.schema import FacilitationModel

SYSTEM = "system"  # the actor of timer events


class Pacing(StrEnum):
    LIVE = "live"  # the group moves question by question
    ASYNC = "async"  # a stage's questions are open together until a deadline


class Role(StrEnum):
    PRESENTER = "presenter"
    CONSULTANT = "consultant"


class Person(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    user_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    agency: str = Field("", max_length=200)

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        return self  # frozen, and every field immutable: copying would change nothing


class Participant(Person):
    role: Role = Role.CONSULTANT


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: str = Field(min_length=1, max_length=200)


class Start(Event):
    type: Literal["start"] = "start"
    session_id: str
    model: FacilitationModel
    facilitator: Person
    participants: tuple[Participant, ...]
    case_reference: str = Field(min_length=1, max_length=64, pattern=r"\S")
    pacing: Pacing = Pacing.LIVE
    # Async pacing: how long each stage stays open.
    stage_hours: int = Field(24, ge=1, le=24 * 14)
    # Names and addresses that must never appear (the child, family members …). The engine
    # keeps only keyed hashes of them; the clear text is never stored.
    watchlist: tuple[Annotated[str, Field(max_length=200)], ...] = Field((), max_length=50)
    # Hashes already made, e.g. carried over from the session this one repeats.
    watch_hashes: tuple[str, ...] = Field((), max_length=500)
    # When set (and in the future), participants are invited now and the session opens then.
    scheduled_for: datetime | None = None
    # Send each participant the preparation pack now (a scheduled session's invitation is it).
    send_preparation: bool = False
    # The facilitator's declaration that they have no involvement in the case.
    no_involvement: bool = False
    # The ids of the model's setup confirmations the facilitator confirmed.
    confirmed: tuple[Annotated[str, Field(max_length=64)], ...] = Field((), max_length=10)
    # The session's own confidentiality points, added to the model's ground rules.
    confidentiality: tuple[Annotated[str, Field(max_length=500)], ...] = Field((), max_length=10)
    # The request for a discussion this session was set up from, if any, and what it said
    # led to the meeting (why the case feels stuck).
    request_id: str = Field("", max_length=64)
    issues: str = Field("", max_length=4000)
    # The user id of the participant who writes the key points and the record, if not the
    # facilitator.
    recorder: str = Field("", max_length=200)


class AgreeRules(Event):
    type: Literal["agree"] = "agree"


class Begin(Event):
    type: Literal["begin"] = "begin"


class SendPreparation(Event):
    """The facilitator sends participants the preparation pack, before the discussion begins."""

    type: Literal["send_preparation"] = "send_preparation"


class Answer(Event):
    """A reply in a question's thread, or a scale choice. A known message id is an edit."""

    type: Literal["answer"] = "answer"
    question_id: str
    message_id: str = Field(min_length=1, max_length=300)
    text: str


class EditAnswer(Event):
    type: Literal["edit_answer"] = "edit_answer"
    message_id: str
    text: str


class DeleteAnswer(Event):
    type: Literal["delete_answer"] = "delete_answer"
    message_id: str


class Control(Event):
    """A facilitator's button on a question. `on` names the question it was shown on, so a
    press that arrives after the discussion has moved on changes nothing; empty when the
    control comes from elsewhere (a typed command)."""

    on: str = Field("", max_length=200)


class Next(Control):
    type: Literal["next"] = "next"
    # Moving on before a timed step's minimum asks the facilitator first; their confirmation
    # is a Next with this set.
    confirmed: bool = False


class Skip(Control):
    type: Literal["skip"] = "skip"


class Pause(Control):
    type: Literal["pause"] = "pause"


class Resume(Control):
    type: Literal["resume"] = "resume"


class End(Control):
    """Finish the discussion now: remaining questions are skipped and the record is drafted."""

    type: Literal["end"] = "end"


class RequestForm(Event):
    """A button that opens a form (key points, record); answered with an OpenForm effect."""

    type: Literal["request_form"] = "request_form"
    form: Literal["key_points", "record", "evaluation", "override", "recorder"]
    value: str = ""


class StageNote(Event):
    """The stage's key-points form: the key points and the stage's captured fields, by id."""

    type: Literal["stage_note"] = "stage_note"
    stage_id: str
    text: str = ""
    fields: dict[str, str] = Field(default_factory=dict)


class EditRecord(Event):
    type: Literal["edit_record"] = "edit_record"
    sections: dict[str, str]


class ChooseRecorder(Event):
    """The facilitator hands the record to a participant (their user id), or takes it back ("")."""

    type: Literal["recorder"] = "recorder"
    recorder: str = Field("", max_length=200)


class AskConfirmation(Event):
    """The facilitator sends the previewed draft to the participants to confirm."""

    type: Literal["ask_confirmation"] = "ask_confirmation"


class ConfirmRecord(Event):
    """A participant confirms the draft they were sent; `revision` names that draft."""

    type: Literal["confirm_record"] = "confirm_record"
    revision: int = Field(ge=0)


class Approve(Event):
    type: Literal["approve"] = "approve"
    # Publishing a record in which the guard still finds identifiers needs a stated reason.
    override_reason: str = Field("", max_length=1000)


class SubmitEvaluation(Event):
    """A participant's answers to the model's evaluation questions, by question id."""

    type: Literal["evaluation"] = "evaluation"
    answers: dict[str, str]


class CompleteAction(Event):
    """The owner (or the facilitator) marks an agreed action as done."""

    type: Literal["complete_action"] = "complete_action"
    index: int = Field(ge=0)


class Cancel(Event):
    type: Literal["cancel"] = "cancel"


class LearningRefused(Event):
    """The learning channel's platform refused the learning themes for good (the outbox)."""

    type: Literal["learning_refused"] = "learning_refused"
    actor: str = SYSTEM
    reason: str = Field("", max_length=200)


class Tick(Event):
    type: Literal["tick"] = "tick"
    actor: str = SYSTEM


AnyEvent = Annotated[
    Start
    | AgreeRules
    | Begin
    | SendPreparation
    | Answer
    | EditAnswer
    | DeleteAnswer
    | Next
    | Skip
    | Pause
    | Resume
    | End
    | RequestForm
    | StageNote
    | EditRecord
    | ChooseRecorder
    | AskConfirmation
    | ConfirmRecord
    | Approve
    | SubmitEvaluation
    | CompleteAction
    | Cancel
    | LearningRefused
    | Tick,
    Field(discriminator="type"),
]

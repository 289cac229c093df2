"""The schema every facilitation model file must satisfy.

A model is data: an organisation writes one YAML file per model and the engine runs it.
Field descriptions double as the documentation shown by `reflectbot models validate`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Strict(BaseModel):
    # Unknown keys are almost always typos in a hand-written file; refuse them.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Asked(StrEnum):
    """Who answers a question."""

    ALL = "all"  # every participant (the facilitator chairs and is not asked)
    PRESENTER = "presenter"  # the case presenter / lead professional
    CONSULTANTS = "consultants"  # every participant except the presenter
    FACILITATOR = "facilitator"


class QuestionKind(StrEnum):
    TEXT = "text"
    SCALE = "scale"


class Scale(Strict):
    low: int = Field(0, ge=0, le=10, description="lowest value on the scale")
    high: int = Field(5, ge=1, le=10, description="highest value on the scale")
    low_label: str = Field("", max_length=80)
    high_label: str = Field("", max_length=80)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high <= self.low:
            raise ValueError("the scale's high value must be greater than its low value")
        return self


class Question(Strict):
    id: Slug = Field(
        description="short identifier, unique within the model, used by the record template"
    )
    text: Line = Field(description="the question as participants read it")
    asks: Asked = Field(
        Asked.ALL, description="who is asked: all, presenter, consultants or facilitator"
    )
    kind: QuestionKind = Field(
        QuestionKind.TEXT, description="text, or scale for a number on a scale"
    )
    scale: Scale | None = Field(None, description="the scale's range, for kind: scale")

    @model_validator(mode="after")
    def _scale_matches_kind(self) -> Self:
        if self.kind is QuestionKind.SCALE and self.scale is None:
            object.__setattr__(self, "scale", Scale())
        if self.kind is QuestionKind.TEXT and self.scale is not None:
            raise ValueError("only a question of kind 'scale' may have a scale")
        return self


class TimeBox(Strict):
    """Minutes from a minimum to a maximum (the same number twice for an exact time)."""

    min_minutes: int = Field(ge=1, le=600)
    max_minutes: int = Field(ge=1, le=600)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.max_minutes < self.min_minutes:
            raise ValueError("max_minutes must not be less than min_minutes")
        return self


class Stage(Strict):
    id: Slug
    title: Line
    aim: str = Field("", max_length=2000, description="what the stage is for, shown when it opens")
    speakers: str = Field(
        "", max_length=500, description="who speaks and who listens, if the model says"
    )
    time_box: TimeBox | None = Field(
        None,
        description=(
            "the step's minimum and maximum minutes. With live pacing a timed stage stays open "
            "until the facilitator moves on (it does not close when everyone has replied), "
            "moving on before the minimum is confirmed first, the facilitator is warned "
            "privately at the maximum, and everyone sees the step's and the session's elapsed "
            "minutes against their targets"
        ),
    )
    questions: list[Question] = Field(min_length=1)
    offer_prompts: bool = Field(
        False, description="show the model's example reflective prompts when this stage opens"
    )
    key_points_prompt: str = Field(
        "",
        max_length=2000,
        description="if set, the facilitator is asked for key points after the stage",
    )


class CapturedKind(StrEnum):
    TEXT = "text"
    AGE = "age"  # a whole number of years: the child's age, never a date of birth


class CapturedField(Strict):
    """Something the facilitator writes down for the record at a set moment of the meeting."""

    id: Slug
    label: Line = Field(description="what the facilitator is asked, in the procedure's words")
    kind: CapturedKind = Field(
        CapturedKind.TEXT, description="text, or age for a child's age in whole years"
    )
    after_stage: Slug | None = Field(
        None,
        description="asked with this stage's key points when it ends; if not set, on the record form",
    )
    hint: str = Field("", max_length=300, description="shown under the field")


class SessionFact(StrEnum):
    """What the session itself knows, for a record section."""

    DATE_HELD = "date_held"
    FACILITATOR = "facilitator"
    LEAD_PROFESSIONAL = "lead_professional"
    PARTICIPANTS = "participants"  # name, role and agency of each
    AGENCIES = "agencies"
    MODEL_NAME = "model_name"
    CASE_REFERENCE = "case_reference"


class Source(Strict):
    """Where a record section's content comes from. Each list names things the model has."""

    session: list[SessionFact] = Field(default_factory=list, description="facts of the session")
    key_points: list[Slug] = Field(
        default_factory=list, description="stages whose key points the section holds"
    )
    fields: list[Slug] = Field(
        default_factory=list, description="captured fields the section holds"
    )
    answers: list[Slug] = Field(
        default_factory=list,
        description="questions whose answers the section holds, grouped by question and agency",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if not (self.session or self.key_points or self.fields or self.answers):
            raise ValueError("a section's source must name at least one thing")
        return self


class RecordSection(Strict):
    id: Slug
    title: Line
    source: Source = Field(description="where the section's content comes from")
    template: str = Field(
        "",
        max_length=20000,
        description="jinja2 layout of the section, using only what its source names; "
        "without one, the source is drafted in a plain standard layout",
    )


class Record(Strict):
    title: Line
    sections: list[RecordSection] = Field(min_length=1)
    learning_section: Slug | None = Field(
        None, description="the section sent to the learning channel (learning themes), if any"
    )
    learning_audience: str = Field(
        "", max_length=200, description="who receives the learning themes"
    )
    shared_with_participants: bool = Field(
        True, description="every participant receives the record"
    )
    tracks_actions: bool = Field(
        True,
        description="the record form takes agreed actions, each with an owner and a review date, "
        "and owners are reminded; false where the meeting makes no decisions on the child's plan",
    )
    posted_to_channel: bool = Field(
        True,
        description="the published record is posted in the session's channel; if false, the "
        "channel is only told that it was approved and sent to people privately",
    )
    confirmed_by_participants: bool = Field(
        False,
        description="before publishing, the participants are asked privately to confirm the "
        "draft, and the record names those who confirmed it",
    )

    @model_validator(mode="after")
    def _learning_section_exists(self) -> Self:
        if not (self.posted_to_channel or self.shared_with_participants):
            raise ValueError(
                "the record must reach someone: set posted_to_channel or shared_with_participants"
            )
        ids = [s.id for s in self.sections]
        if len(set(ids)) != len(ids):
            raise ValueError("two record sections have the same id")
        if self.learning_section and self.learning_section not in ids:
            raise ValueError(
                f"learning_section '{self.learning_section}' is not one of the sections"
            )
        return self


class Roles(Strict):
    facilitator: Line = "Facilitator"
    presenter: Line = "Lead professional"
    consultant: Line = "Participant"


class SetupConfirmation(Strict):
    """Something the procedure asks to be in place before the session, confirmed at setup."""

    id: Slug
    text: Line = Field(description="what the facilitator confirms, in the procedure's words")


class FacilitationModel(Strict):
    id: Slug
    name: Line
    summary: Line
    version: str = Field(
        "1", pattern=r"^[0-9A-Za-z.\-]{1,20}$", description="changes when the questions do"
    )
    source: str = Field("", max_length=500, description="the procedure this model transcribes")
    roles: Roles = Roles()
    chair: str = Field(
        "",
        max_length=200,
        description="who the procedure expects to chair the discussion, if it says",
    )
    requires_independent_facilitator: bool = Field(
        False,
        description="setup refuses unless the facilitator confirms no involvement in the case",
    )
    setup_confirmations: list[SetupConfirmation] = Field(
        default_factory=list,
        max_length=10,
        description="what the facilitator confirms at setup (consent, families, information "
        "sharing); shown in the record",
    )
    duration: TimeBox | None = Field(
        None,
        description=(
            "how long the session should last, in minutes (min_minutes to max_minutes); shown "
            "next to the session's elapsed time in timed stages. `duration_minutes: N` is "
            "read as N to N"
        ),
    )
    opening: str = Field(
        "", max_length=4000, description="what the facilitator explains at the start"
    )
    purposes: list[Line] = Field(min_length=1)
    ground_rules: list[Line] = Field(min_length=1)
    stages: list[Stage] = Field(min_length=1)
    prompts: list[Line] = Field(
        default_factory=list, description="example reflective questions the facilitator may draw on"
    )
    preparation: list[Line] = Field(
        default_factory=list,
        description="what participants are asked to prepare or bring (tools, chronologies), "
        "sent with the preparation pack",
    )
    fields: list[CapturedField] = Field(
        default_factory=list,
        description="what the facilitator writes down for the record, after a stage or on the "
        "record form",
    )
    record: Record
    evaluation: list[Question] = Field(
        default_factory=list, description="questions sent to each participant after publishing"
    )

    @model_validator(mode="before")
    @classmethod
    def _duration_in_minutes(cls, data: Any) -> Any:
        # The older single figure, still in model files and in the snapshots of sessions.
        if isinstance(data, dict) and "duration_minutes" in data:
            data = dict(data)
            minutes = data.pop("duration_minutes")
            if minutes is not None and "duration" not in data:
                data["duration"] = {"min_minutes": minutes, "max_minutes": minutes}
        return data

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        stage_ids = [s.id for s in self.stages]
        if len(set(stage_ids)) != len(stage_ids):
            raise ValueError("two stages have the same id")
        question_ids = [q.id for s in self.stages for q in s.questions]
        duplicates = sorted({q for q in question_ids if question_ids.count(q) > 1})
        if duplicates:
            raise ValueError(f"question ids must be unique; repeated: {', '.join(duplicates)}")
        field_ids = [f.id for f in self.fields]
        if len(set(field_ids)) != len(field_ids):
            raise ValueError("two fields have the same id")
        for item in self.fields:
            if item.after_stage and item.after_stage not in stage_ids:
                raise ValueError(
                    f"field '{item.id}' is asked after the stage '{item.after_stage}', "
                    "which this model does not have"
                )
        confirmation_ids = [c.id for c in self.setup_confirmations]
        if len(set(confirmation_ids)) != len(confirmation_ids):
            raise ValueError("two setup confirmations have the same id")
        return self

    @model_validator(mode="after")
    def _sources_exist(self) -> Self:
        known = {
            "stage": {s.id for s in self.stages},
            "field": {f.id for f in self.fields},
            "question": {q.id for s in self.stages for q in s.questions},
        }
        fed_by: dict[str, str] = {}
        for section in self.record.sections:
            source = section.source
            named = {"stage": source.key_points, "field": source.fields, "question": source.answers}
            for kind, ids in named.items():
                for name in ids:
                    if name not in known[kind]:
                        raise ValueError(
                            f"record section '{section.id}': its source names the {kind} "
                            f"'{name}', which this model does not have"
                        )
            for question_id in source.answers:
                if question_id in fed_by:
                    raise ValueError(
                        f"record section '{section.id}': the answers to '{question_id}' already "
                        f"feed the section '{fed_by[question_id]}'; an answer belongs in one "
                        "section only"
                    )
                fed_by[question_id] = section.id
        return self

    def question(self, question_id: str) -> Question:
        for stage in self.stages:
            for question in stage.questions:
                if question.id == question_id:
                    return question
        raise KeyError(question_id)

    def stage_fields(self, stage_id: str) -> list[CapturedField]:
        """The fields asked with this stage's key points, in the model's order."""
        return [f for f in self.fields if f.after_stage == stage_id]

    @property
    def record_form_fields(self) -> list[CapturedField]:
        """The fields asked on the record form (attached to no stage)."""
        return [f for f in self.fields if f.after_stage is None]

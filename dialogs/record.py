"""Drafting the record from the model's jinja2 section templates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from dialogs.events import Participant, Person, Role
from dialogs.models.schema import FacilitationModel, QuestionKind
from dialogs.state import QuestionStatus, SessionState

# Records are plain text: platforms and exports escape it, so no autoescaping here.
_templates = SandboxedEnvironment(
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False
)


@dataclass(frozen=True)
class AnswerView:
    author: str
    agency: str
    text: str


@dataclass(frozen=True)
class QuestionView:
    text: str
    skipped: bool
    answers: list[AnswerView]
    distribution: dict[int, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return " · ".join(f"{value}: {count}" for value, count in self.distribution.items())


@dataclass(frozen=True)
class StageView:
    title: str
    key_points: str
    questions: list[QuestionView]


@dataclass(frozen=True)
class ParticipantView:
    name: str
    agency: str
    role: str


@dataclass(frozen=True)
class SessionView:
    case_reference: str
    model_name: str
    date_held: str
    facilitator: str
    lead_professional: str
    participants: list[ParticipantView]


def format_date(state: SessionState) -> str:
    held = state.began_at or state.created_at
    return f"{held.day} {held:%B %Y}"


def scale_value(text: str, low: int, high: int) -> int | None:
    """The number a scale answer gives, if it is one on the scale."""
    stripped = text.strip().rstrip(".")
    if stripped.lstrip("-").isdigit():
        value = int(stripped)
        if low <= value <= high:
            return value
    return None


def template_context(state: SessionState) -> dict[str, object]:
    model = state.model
    roles = model.roles
    questions: dict[str, QuestionView] = {}
    stages: dict[str, StageView] = {}
    for stage in model.stages:
        views = []
        for question in stage.questions:
            asked = state.questions.get(question.id)
            answers = [
                AnswerView(
                    author=person.name if (person := state.person(a.author)) else "",
                    agency=(person.agency or person.name) if person else "",
                    text=a.text,
                )
                for a in (asked.answers if asked else [])
            ]
            distribution: dict[int, int] = {}
            if question.kind is QuestionKind.SCALE and question.scale:
                latest = {a.author: a.text for a in (asked.answers if asked else [])}
                counts = Counter(
                    v
                    for text in latest.values()
                    if (v := scale_value(text, question.scale.low, question.scale.high)) is not None
                )
                distribution = {
                    v: counts.get(v, 0) for v in range(question.scale.low, question.scale.high + 1)
                }
            view = QuestionView(
                text=question.text,
                skipped=bool(asked and asked.status is QuestionStatus.SKIPPED) or asked is None,
                answers=answers,
                distribution=distribution,
            )
            questions[question.id] = view
            views.append(view)
        stages[stage.id] = StageView(
            title=stage.title, key_points=state.stage_notes.get(stage.id, ""), questions=views
        )
    presenter = state.presenter
    session = SessionView(
        case_reference=state.case_reference,
        model_name=model.name,
        date_held=format_date(state),
        facilitator=state.facilitator.name,
        lead_professional=presenter.name if presenter else "",
        participants=[
            ParticipantView(
                name=p.name,
                agency=p.agency,
                role=roles.presenter if p.role is Role.PRESENTER else roles.consultant,
            )
            for p in state.participants
        ],
    )
    return {"session": session, "stages": stages, "questions": questions}


class RecordTemplateError(ValueError):
    def __init__(self, section_id: str, reason: str) -> None:
        super().__init__(f"record section '{section_id}': {reason}")
        self.section_id = section_id


def draft_record(state: SessionState) -> dict[str, str]:
    """Render every record section for this session, in the model's order."""
    context = template_context(state)
    drafted: dict[str, str] = {}
    for section in state.model.record.sections:
        try:
            drafted[section.id] = _templates.from_string(section.template).render(context).strip()
        except TemplateError as error:
            raise RecordTemplateError(section.id, str(error)) from error
    return drafted


def check_templates(model: FacilitationModel) -> list[RecordTemplateError]:
    """Render every section template for an empty session of this model, so that a typo or an
    unknown question id shows at validation, not at the end of somebody's meeting."""
    sample = SessionState(
        id="check",
        model=model,
        facilitator=Person(user_id="facilitator", name="Facilitator"),
        participants=[Participant(user_id="presenter", name="Presenter", role=Role.PRESENTER)],
        case_reference="CHECK",
        created_at=datetime(2000, 1, 1, tzinfo=UTC),
    )
    context = template_context(sample)
    problems = []
    for section in model.record.sections:
        try:
            _templates.from_string(section.template).render(context)
        except TemplateError as error:
            problems.append(RecordTemplateError(section.id, str(error)))
    return problems

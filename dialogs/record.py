"""Drafting the record from the model's jinja2 section templates."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

from dialogs.events import Participant, Person, Role
from dialogs.guard import Finding, IdentifierKind, Watchlist, find_identifiers, redact
from dialogs.models.schema import FacilitationModel, QuestionKind
from dialogs.state import QuestionStatus, SessionState

# The words of a name ("Anne-Marie O’Neil": two words).
NAME_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")

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
    if stripped.lstrip("-").isdecimal():
        value = int(stripped)
        if low <= value <= high:
            return value
    return None


class Redactor:
    """Takes identifiers out of what goes into a record, and remembers what it took (by kind
    and place, never the identifiers themselves) for the facilitator."""

    def __init__(
        self, watchlist: Watchlist | None, today: date, professionals: list[str] = ()
    ) -> None:
        self.watchlist = watchlist
        self.today = today
        # The session's own people are professionals, not the child or family: their names
        # (the facilitator chairing, a colleague's view) belong in a record.
        self.professional_words = {
            word.casefold() for name in professionals for word in NAME_WORDS.findall(name)
        }
        self.removed: list[str] = []

    def findings(self, text: str) -> list[Finding]:
        return [
            f
            for f in find_identifiers(text, self.watchlist, today=self.today)
            if not (f.kind is IdentifierKind.NAME and self._professional(text[f.start : f.end]))
        ]

    def _professional(self, span: str) -> bool:
        words = [w.casefold() for w in NAME_WORDS.findall(span)]
        return bool(words) and all(w in self.professional_words for w in words)

    def __call__(self, text: str, where: str) -> str:
        findings = self.findings(text)
        if not findings:
            return text
        self.removed.append(f"{describe(findings)} from {where}")
        return redact(text, findings)


def session_redactor(state: SessionState, secret: bytes) -> Redactor:
    """The guard as it applies to this session: its watch-list, its day, its professionals."""
    watchlist = Watchlist(secret, state.watch_hashes) if state.watch_hashes else None
    people = [state.facilitator.name, *(p.name for p in state.participants)]
    return Redactor(watchlist, (state.began_at or state.created_at).date(), people)


def _a(label: str) -> str:
    return "an" if label[0].lower() in "aeiou" or label.startswith(("NHS", "NI")) else "a"


def describe(findings: list[Finding]) -> str:
    """What was found, e.g. "2 names and a postcode"; never what it said."""
    counts = Counter(f.label for f in findings)
    parts = [f"{n} {label}s" if n > 1 else f"{_a(label)} {label}" for label, n in counts.items()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _unchanged(text: str, where: str) -> str:
    return text


def template_context(
    state: SessionState, clean: Callable[[str, str], str] = _unchanged
) -> dict[str, object]:
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
                    text=clean(
                        a.text,
                        f"an answer ({person.agency if person and person.agency else 'participant'})"
                        f" to “{_short(question.text)}”",
                    ),
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
            title=stage.title,
            key_points=clean(
                state.stage_notes.get(stage.id, ""), f"the key points of “{stage.title}”"
            ),
            questions=views,
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


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def draft_record(
    state: SessionState, clean: Callable[[str, str], str] = _unchanged
) -> dict[str, str]:
    """Render every record section for this session, in the model's order."""
    context = template_context(state, clean)
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
            unknown = _unknown_ids(section.template, model)
            if unknown:
                problems.append(RecordTemplateError(section.id, unknown))
                continue
            _templates.from_string(section.template).render(context)
        except TemplateError as error:
            problems.append(RecordTemplateError(section.id, str(error)))
    return problems


def _unknown_ids(template: str, model: FacilitationModel) -> str:
    """Name, in plain words, the questions and stages a template uses that the model lacks
    (jinja2 itself would only say "'dict object' has no attribute …")."""
    known = {
        "questions": {q.id for stage in model.stages for q in stage.questions},
        "stages": {stage.id for stage in model.stages},
    }
    unknown = []
    for node in _templates.parse(template).find_all((nodes.Getitem, nodes.Getattr)):
        if not (isinstance(node.node, nodes.Name) and node.node.name in known):
            continue
        if isinstance(node, nodes.Getattr):
            if hasattr(dict, node.attr):
                continue  # questions.items(), stages.values() …
            name = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        else:
            continue
        if name not in known[node.node.name]:
            kind = "question" if node.node.name == "questions" else "stage"
            unknown.append(f"it uses the {kind} '{name}', which this model does not have")
    return "; ".join(unknown)

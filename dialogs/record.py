"""Drafting the record: each section from its declared source, laid out by its jinja2 template
or, without one, in a plain standard layout."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment

from dialogs import captured
from dialogs.events import Participant, Person, Role
from dialogs.guard import Finding, IdentifierKind, Watchlist, find_identifiers, redact
from dialogs.models.schema import (
    FacilitationModel,
    QuestionKind,
    RecordSection,
    SessionFact,
    Source,
)
from dialogs.state import QuestionStatus, SessionState

# What a record says where a section's source was left empty.
NOT_DISCUSSED = "Not discussed."

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


@dataclass(frozen=True)
class ParticipantView:
    name: str
    agency: str
    role: str


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


@dataclass(frozen=True)
class Sources:
    """Everything a session holds that record sections can draw on, by kind, already cleaned."""

    session: dict[str, object]
    stages: dict[str, StageView]
    fields: dict[str, str]
    questions: dict[str, QuestionView]


def _questions(state: SessionState, clean: Callable[[str, str], str]) -> dict[str, QuestionView]:
    questions: dict[str, QuestionView] = {}
    for stage in state.model.stages:
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
            questions[question.id] = QuestionView(
                text=question.text,
                skipped=bool(asked and asked.status is QuestionStatus.SKIPPED) or asked is None,
                answers=answers,
                distribution=distribution if answers else {},
            )
    return questions


def session_sources(state: SessionState, clean: Callable[[str, str], str] = _unchanged) -> Sources:
    model = state.model
    roles = model.roles
    presenter = state.presenter
    facts: dict[str, object] = {
        SessionFact.DATE_HELD: format_date(state),
        SessionFact.FACILITATOR: state.facilitator.name,
        SessionFact.LEAD_PROFESSIONAL: presenter.name if presenter else "",
        SessionFact.PARTICIPANTS: [
            ParticipantView(
                name=p.name,
                agency=p.agency,
                role=roles.presenter if p.role is Role.PRESENTER else roles.consultant,
            )
            for p in state.participants
        ],
        SessionFact.AGENCIES: ", ".join(
            dict.fromkeys(p.agency for p in state.participants if p.agency)
        ),
        SessionFact.MODEL_NAME: model.name,
        SessionFact.CASE_REFERENCE: state.case_reference,
    }
    stages = {
        stage.id: StageView(
            title=stage.title,
            key_points=clean(
                state.stage_notes.get(stage.id, ""), f"the key points of “{stage.title}”"
            ),
        )
        for stage in model.stages
    }
    fields = {
        item.id: captured.shown(
            item, clean(state.captured.get(item.id, ""), f"“{_short(item.label)}”")
        )
        for item in model.fields
    }
    return Sources(
        session={str(k): v for k, v in facts.items()},
        stages=stages,
        fields=fields,
        questions=_questions(state, clean),
    )


def section_context(sources: Sources, section: RecordSection) -> dict[str, object]:
    """What a section's template sees: only what its source names."""
    source = section.source
    return {
        "session": {str(f): sources.session[f] for f in source.session},
        "stages": {sid: sources.stages[sid] for sid in source.key_points},
        "fields": {fid: sources.fields[fid] for fid in source.fields},
        "questions": {qid: sources.questions[qid] for qid in source.answers},
        "not_discussed": NOT_DISCUSSED,
    }


def _source_empty(sources: Sources, source: Source) -> bool:
    return (
        not any(sources.session[f] for f in source.session)
        and not any(sources.stages[s].key_points.strip() for s in source.key_points)
        and not any(sources.fields[f].strip() for f in source.fields)
        and not any(sources.questions[q].answers for q in source.answers)
    )


def _by_agency(answers: list[AnswerView]) -> list[AnswerView]:
    order = {agency: i for i, agency in reversed(list(enumerate(a.agency for a in answers)))}
    return sorted(answers, key=lambda a: order[a.agency])


def _labelled(label: str, value: str) -> str:
    value = value.strip() or NOT_DISCUSSED
    return f"{label}:\n{value}" if "\n" in value else f"{label}: {value}"


def standard_layout(sources: Sources, section: RecordSection, model: FacilitationModel) -> str:
    """A section with no template: each part of its source in a plain layout. A source of one
    part is shown as it is; several parts are each labelled."""
    source = section.source
    labelled = (
        len(source.session) + len(source.key_points) + len(source.fields) + len(source.answers)
    ) > 1
    labels = {
        SessionFact.DATE_HELD: "Date held",
        SessionFact.FACILITATOR: model.roles.facilitator,
        SessionFact.LEAD_PROFESSIONAL: model.roles.presenter,
        SessionFact.PARTICIPANTS: "Attending",
        SessionFact.AGENCIES: "Agencies",
        SessionFact.MODEL_NAME: "Model",
        SessionFact.CASE_REFERENCE: "Case reference",
    }
    parts: list[str] = []
    for fact in source.session:
        value = sources.session[fact]
        if isinstance(value, list):
            lines = "\n".join(f"- {p.name}, {p.role}, {p.agency}" for p in value)
            parts.append(f"{labels[fact]}:\n{lines}" if labelled else lines)
        else:
            parts.append(_labelled(labels[fact], str(value)) if labelled else str(value))
    for stage_id in source.key_points:
        stage = sources.stages[stage_id]
        parts.append(_labelled(stage.title, stage.key_points) if labelled else stage.key_points)
    items = {item.id: item for item in model.fields}
    for field_id in source.fields:
        value = sources.fields[field_id]
        parts.append(_labelled(items[field_id].label, value) if labelled else value)
    for question_id in source.answers:
        question = sources.questions[question_id]
        if not question.answers:
            continue
        if question.distribution:
            parts.append(f"{question.text} {question.summary}")
            continue
        lines = "\n".join(f"- {a.agency}: {a.text}" for a in _by_agency(question.answers))
        parts.append(f"{question.text}\n{lines}")
    return "\n\n".join(part.strip() for part in parts if part.strip())


class RecordTemplateError(ValueError):
    def __init__(self, section_id: str, reason: str) -> None:
        super().__init__(f"record section '{section_id}': {reason}")
        self.section_id = section_id


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _draft_section(sources: Sources, section: RecordSection, model: FacilitationModel) -> str:
    if _source_empty(sources, section.source):
        return ""  # shown as "Not discussed.", and named in the preview as still empty
    if not section.template:
        return standard_layout(sources, section, model)
    try:
        return (
            _templates.from_string(section.template)
            .render(section_context(sources, section))
            .strip()
        )
    except TemplateError as error:
        raise RecordTemplateError(section.id, str(error)) from error


def draft_record(
    state: SessionState, clean: Callable[[str, str], str] = _unchanged
) -> dict[str, str]:
    """Draft every record section from its source, in the model's order."""
    sources = session_sources(state, clean)
    return {
        section.id: _draft_section(sources, section, state.model)
        for section in state.model.record.sections
    }


def check_templates(model: FacilitationModel) -> list[RecordTemplateError]:
    """Render every section template for an empty session of this model, so that a typo or a
    question its source does not name shows at validation, not at the end of a meeting."""
    sample = SessionState(
        id="check",
        model=model,
        facilitator=Person(user_id="facilitator", name="Facilitator"),
        participants=[Participant(user_id="presenter", name="Presenter", role=Role.PRESENTER)],
        case_reference="CHECK",
        created_at=datetime(2000, 1, 1, tzinfo=UTC),
    )
    sources = session_sources(sample)
    problems = []
    for section in model.record.sections:
        if not section.template:
            continue
        try:
            unknown = _unknown_ids(section, model)
            if unknown:
                problems.append(RecordTemplateError(section.id, unknown))
                continue
            _templates.from_string(section.template).render(section_context(sources, section))
        except TemplateError as error:
            problems.append(RecordTemplateError(section.id, str(error)))
    return problems


def _unknown_ids(section: RecordSection, model: FacilitationModel) -> str:
    """Name, in plain words, what a template uses that its source does not name, or that the
    model lacks (jinja2 itself would only say "'dict object' has no attribute …")."""
    source = section.source
    in_model = {
        "questions": {q.id for stage in model.stages for q in stage.questions},
        "stages": {stage.id for stage in model.stages},
        "fields": {item.id for item in model.fields},
        "session": {str(fact) for fact in SessionFact},
    }
    in_source = {
        "questions": set(source.answers),
        "stages": set(source.key_points),
        "fields": set(source.fields),
        "session": {str(fact) for fact in source.session},
    }
    kinds = {
        "questions": ("question", "answers"),
        "stages": ("stage", "key_points"),
        "fields": ("field", "fields"),
        "session": ("session fact", "session"),
    }
    unknown = []
    for node in _templates.parse(section.template).find_all((nodes.Getitem, nodes.Getattr)):
        if not (isinstance(node.node, nodes.Name) and node.node.name in in_model):
            continue
        if isinstance(node, nodes.Getattr):
            if hasattr(dict, node.attr):
                continue  # questions.items(), stages.values() …
            name = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        else:
            continue
        kind, key = kinds[node.node.name]
        if name not in in_model[node.node.name]:
            unknown.append(f"it uses the {kind} '{name}', which this model does not have")
        elif name not in in_source[node.node.name]:
            unknown.append(
                f"it uses the {kind} '{name}', which its source does not name "
                f"(add it to the section's source: {key})"
            )
    return "; ".join(unknown)

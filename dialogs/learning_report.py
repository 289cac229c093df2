"""The learning report: for a period, the sessions held, the agencies that took part, the
learning themes, the actions and what participants thought of the sessions, with no child,
family, case reference, date held or person's name in it.

Pure: it is given the sessions' states and the stored evaluations, and counts and collects;
the export adapters draw and write the result.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from dialogs.evaluation import QuestionSummary, answers_to, summarise_answers
from dialogs.learning import audience_key
from dialogs.models.schema import FacilitationModel, Question
from dialogs.record import NAME_WORDS, format_date
from dialogs.state import Phase, SessionState
from dialogs.times import local

# Evaluations are anonymous: no breakdown smaller than this is shown on its own.
MIN_RESPONSES = 3
OTHER_MODELS = "Other models"
OTHER_MONTHS = "Other months"
NO_AGENCY = "Agency not given"
WITHHELD = "[withheld]"
TITLE = "Learning from reflective case discussions"
# The record section in which a model that is no decision-making forum (Moray, Argyll & Bute)
# keeps what goes back to the child's plan meeting or core group.
TAKE_BACK_SECTION = "take_back"

SMALL_NUMBERS = (
    "Evaluations are anonymous. A model or a month with fewer than "
    f"{MIN_RESPONSES} evaluations is merged into “other” rather than shown, so that nobody's "
    f"evaluation can be singled out; where “other” itself has fewer than {MIN_RESPONSES}, its "
    "answers are not shown. Evaluations are stored without the evaluator's agency, so they "
    "are not broken down by agency."
)
NO_IDENTIFIERS = (
    "This report holds no child or family identifiers, case references, dates held or names."
)


@dataclass(frozen=True)
class Period:
    """The days a report covers, both ends included; an open end is unbounded."""

    start: date | None = None
    end: date | None = None

    def __contains__(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    @property
    def words(self) -> str:
        if self.start and self.end:
            return f"{self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        if self.end:
            return f"up to {self.end.isoformat()}"
        return "every session so far"


def parse_period(words: str) -> Period | None:
    """A period as someone types it after a command: two dates (YYYY-MM-DD), the first not
    after the second; no words, every session so far; None for anything else."""
    parts = words.split()
    if not parts:
        return Period()
    try:
        start, end = (date.fromisoformat(part) for part in parts)
    except ValueError:
        return None
    return Period(start, end) if start <= end else None


@dataclass(frozen=True)
class SubmittedEvaluation:
    """An evaluation as it is stored: its model and day, never its author or session."""

    model_id: str
    submitted_on: date
    answers: dict[str, str]


@dataclass
class SessionCounts:
    published: int = 0
    cancelled: int = 0
    in_progress: int = 0

    @property
    def total(self) -> int:
        return self.published + self.cancelled + self.in_progress

    def count(self, phase: Phase) -> None:
        if phase is Phase.PUBLISHED:
            self.published += 1
        elif phase is Phase.CANCELLED:
            self.cancelled += 1
        else:
            self.in_progress += 1


@dataclass(frozen=True)
class Theme:
    """One session's learning themes, by model and month."""

    model: str
    month: str
    text: str
    # False: no learning channel was configured for its audience when it was published, so
    # this report is the first its lead sees of it.
    delivered: bool = True


@dataclass(frozen=True)
class ActionLine:
    model: str
    month: str  # the month the session was held
    text: str
    agency: str  # the owner's agency, never the owner
    review: str  # the month it is due for review
    done: bool


@dataclass(frozen=True)
class EvaluationGroup:
    label: str  # a model's name, or OTHER_MODELS
    responses: int
    questions: list[QuestionSummary]


@dataclass(frozen=True)
class LearningReport:
    title: str
    period: str
    made_on: str
    scope: list[tuple[str, str]]  # the model and audience asked for, if any
    totals: SessionCounts
    by_model: list[tuple[str, SessionCounts]]
    by_month: list[tuple[str, SessionCounts]]
    agencies: list[tuple[str, int]]  # sessions each joined, most first
    themes: list[Theme]
    without_learning_section: list[str]  # models whose records send no learning themes
    take_back: list[Theme]  # points to take back to the child's plan meetings
    actions: list[ActionLine]
    evaluations: int
    evaluations_by_month: list[tuple[str, int]]
    evaluation_groups: list[EvaluationGroup]
    evaluations_withheld: int  # in "other" groups too small to show
    evaluations_of_unknown_models: int
    small_numbers: str = SMALL_NUMBERS
    no_identifiers: str = NO_IDENTIFIERS

    @property
    def open_actions(self) -> int:
        return sum(not a.done for a in self.actions)

    @property
    def completed_actions(self) -> int:
        return sum(a.done for a in self.actions)


@dataclass(frozen=True)
class Scope:
    """Which sessions and evaluations a report covers: of the models sending their learning
    to `audiences` (all models if none are given)."""

    period: Period = field(default_factory=Period)
    model_id: str | None = None
    audiences: tuple[str, ...] = ()

    def covers(self, model: FacilitationModel) -> bool:
        if self.model_id and model.id != self.model_id:
            return False
        wanted = {audience_key(a) for a in self.audiences}
        return not wanted or audience_key(model.record.learning_audience) in wanted


# -- when ---------------------------------------------------------------------------------


def held_at(state: SessionState) -> datetime:
    """When a session was held: it began, or was planned for, or was started."""
    return state.began_at or state.scheduled_for or state.created_at


def _month(moment: datetime | date) -> tuple[int, int]:
    day = local(moment).date() if isinstance(moment, datetime) else moment
    return day.year, day.month


def month_words(month: tuple[int, int]) -> str:
    return f"{date(month[0], month[1], 1):%B %Y}"


def _months_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def in_scope(states: Iterable[SessionState], scope: Scope) -> list[SessionState]:
    """The sessions held in the period, of the models asked for, oldest first."""
    chosen = [
        s for s in states if scope.covers(s.model) and local(held_at(s)).date() in scope.period
    ]
    return sorted(chosen, key=held_at)


# -- what is kept out ---------------------------------------------------------------------

_LABEL_ONLY = re.compile(r"^[^:]*:\s*$")


def without_identifiers(text: str, state: SessionState) -> str:
    """A session's text with its case reference, its date held and its people's names taken
    out; a line that held only one of them after its label ("Chair of meeting: …") goes."""
    people = [state.facilitator, *state.participants]
    whole = sorted(
        {state.case_reference, format_date(state), *(p.name for p in people)}, key=len, reverse=True
    )
    words = sorted(
        {w for p in people for w in NAME_WORDS.findall(p.name) if len(w) > 1},
        key=len,
        reverse=True,
    )
    pattern = "|".join(
        [re.escape(w) for w in whole if w.strip()] + [rf"\b{re.escape(w)}\b" for w in words]
    )
    if pattern:
        text = re.sub(pattern, WITHHELD, text, flags=re.IGNORECASE)
    kept = []
    for line in text.splitlines():
        rest = line.replace(WITHHELD, "").strip(" \t,;.-–")
        if WITHHELD in line and (not rest or _LABEL_ONLY.match(rest)):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


# -- building the report ------------------------------------------------------------------


def published_between(
    states: Iterable[SessionState], scope: Scope, start: date, end: date
) -> list[Theme]:
    """The learning themes of the sessions in `scope` whose records were published from
    `start` to `end` (whenever they were held): what is new for a digest."""
    published = [
        s
        for s in states
        if s.published_at and start <= local(s.published_at).date() <= end and scope.covers(s.model)
    ]
    return _themes(sorted(published, key=held_at))[0]


def _themes(sessions: list[SessionState]) -> tuple[list[Theme], list[str]]:
    themes, silent = [], set()
    for state in sessions:
        section = state.model.record.learning_section
        if not section:
            silent.add(state.model.name)
            continue
        if state.phase is not Phase.PUBLISHED or state.record is None:
            continue
        text = without_identifiers(state.record.sections.get(section, ""), state)
        if text:
            month = month_words(_month(held_at(state)))
            themes.append(Theme(state.model.name, month, text, not state.learning_undelivered))
    return themes, sorted(silent)


def _take_back(sessions: list[SessionState]) -> list[Theme]:
    points = []
    for state in sessions:
        if state.phase is not Phase.PUBLISHED or state.record is None:
            continue
        text = without_identifiers(state.record.sections.get(TAKE_BACK_SECTION, ""), state)
        if text:
            points.append(Theme(state.model.name, month_words(_month(held_at(state))), text))
    return points


def _actions(sessions: list[SessionState]) -> list[ActionLine]:
    lines = []
    for state in sessions:
        if state.phase is not Phase.PUBLISHED or state.record is None:
            continue
        for action in state.record.actions:
            owner = state.person(action.owner)
            lines.append(
                ActionLine(
                    model=state.model.name,
                    month=month_words(_month(held_at(state))),
                    text=without_identifiers(action.text, state),
                    agency=(owner.agency if owner and owner.agency else NO_AGENCY),
                    review=month_words(_month(action.review_on)),
                    done=action.done,
                )
            )
    return lines


def _agencies(sessions: list[SessionState]) -> list[tuple[str, int]]:
    joined: Counter[str] = Counter()
    for state in sessions:
        if state.began_at is None:
            continue  # cancelled before it began: nobody took part
        joined.update({p.agency.strip() or NO_AGENCY for p in state.participants})
    return sorted(joined.items(), key=lambda item: (-item[1], item[0].casefold()))


def _merged_questions(
    evaluations: list[SubmittedEvaluation], models: Mapping[str, FacilitationModel]
) -> list[QuestionSummary]:
    """Several models' evaluations summarised together: questions worded alike (and with
    the same scale) are one question."""
    questions: dict[tuple[str, object], Question] = {}
    given: dict[tuple[str, object], list[str]] = defaultdict(list)
    for evaluation in evaluations:
        for question in models[evaluation.model_id].evaluation:
            key = (question.text, question.scale)
            questions.setdefault(key, question)
            given[key] += answers_to(question, [evaluation.answers])
    return [summarise_answers(questions[key], given[key]) for key in questions]


def _evaluation_groups(
    evaluations: list[SubmittedEvaluation], models: Mapping[str, FacilitationModel]
) -> tuple[list[EvaluationGroup], int]:
    by_model: dict[str, list[SubmittedEvaluation]] = defaultdict(list)
    for evaluation in evaluations:
        by_model[evaluation.model_id].append(evaluation)
    groups, small = [], []
    for model_id, own in sorted(by_model.items(), key=lambda item: models[item[0]].name):
        if len(own) < MIN_RESPONSES:
            small += own
            continue
        groups.append(
            EvaluationGroup(models[model_id].name, len(own), _merged_questions(own, models))
        )
    if len(small) >= MIN_RESPONSES:
        groups.append(EvaluationGroup(OTHER_MODELS, len(small), _merged_questions(small, models)))
        return groups, 0
    return groups, len(small)


def _evaluations_by_month(evaluations: list[SubmittedEvaluation]) -> list[tuple[str, int]]:
    counts = Counter(_month(e.submitted_on) for e in evaluations)
    shown = [(month_words(m), n) for m, n in sorted(counts.items()) if n >= MIN_RESPONSES]
    other = sum(n for n in counts.values() if n < MIN_RESPONSES)
    return shown + ([(OTHER_MONTHS, other)] if other else [])


def build_report(
    states: Iterable[SessionState],
    evaluations: Iterable[SubmittedEvaluation],
    models: Mapping[str, FacilitationModel],
    scope: Scope,
    today: date,
) -> LearningReport:
    """The report for `scope`. `models` are the installed models, which give the questions
    of the stored evaluations."""
    sessions = in_scope(states, scope)
    totals = SessionCounts()
    by_model: dict[str, SessionCounts] = defaultdict(SessionCounts)
    by_month: dict[tuple[int, int], SessionCounts] = defaultdict(SessionCounts)
    for state in sessions:
        totals.count(state.phase)
        by_model[state.model.name].count(state.phase)
        by_month[_month(held_at(state))].count(state.phase)
    months = _months_between(min(by_month), max(by_month)) if by_month else []

    chosen = [
        e
        for e in evaluations
        if e.submitted_on in scope.period
        and (model := models.get(e.model_id)) is not None
        and scope.covers(model)
    ]
    unknown = [
        e
        for e in evaluations
        if e.submitted_on in scope.period
        and e.model_id not in models
        and (not scope.model_id or e.model_id == scope.model_id)
        and not scope.audiences
    ]
    groups, withheld = _evaluation_groups(chosen, models)
    themes, silent = _themes(sessions)
    scope_words = []
    if scope.model_id:
        model = models.get(scope.model_id)
        scope_words.append(("Model", model.name if model else scope.model_id))
    if scope.audiences:
        scope_words.append(("Learning audience", "; ".join(scope.audiences)))
    return LearningReport(
        title=TITLE,
        period=scope.period.words,
        made_on=today.isoformat(),
        scope=scope_words,
        totals=totals,
        by_model=sorted(by_model.items(), key=lambda item: item[0].casefold()),
        by_month=[(month_words(m), by_month.get(m, SessionCounts())) for m in months],
        agencies=_agencies(sessions),
        themes=themes,
        without_learning_section=silent,
        take_back=_take_back(sessions),
        actions=_actions(sessions),
        evaluations=len(chosen) + len(unknown),
        evaluations_by_month=_evaluations_by_month(chosen + unknown),
        evaluation_groups=groups,
        evaluations_withheld=withheld,
        evaluations_of_unknown_models=len(unknown),
    )

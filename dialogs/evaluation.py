"""Summarising evaluations: counts, scale distributions and the comments, with no authors."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dialogs.models.schema import FacilitationModel, Question
from dialogs.record import scale_value


@dataclass
class QuestionSummary:
    text: str
    answered: int = 0
    distribution: dict[int, int] = field(default_factory=dict)  # scale questions
    comments: list[str] = field(default_factory=list)  # text questions

    @property
    def mean(self) -> float | None:
        total = sum(self.distribution.values())
        if not total:
            return None
        return sum(value * count for value, count in self.distribution.items()) / total


def summarise_answers(question: Question, given: list[str]) -> QuestionSummary:
    """One question's answers (blank ones already left out) summarised."""
    summary = QuestionSummary(text=question.text, answered=len(given))
    if question.scale:
        low, high = question.scale.low, question.scale.high
        counts = Counter(v for text in given if (v := scale_value(text, low, high)) is not None)
        summary.distribution = {v: counts.get(v, 0) for v in range(low, high + 1)}
    else:
        summary.comments = given
    return summary


def answers_to(question: Question, evaluations: list[dict[str, str]]) -> list[str]:
    return [e[question.id] for e in evaluations if e.get(question.id, "").strip()]


def summarise(model: FacilitationModel, evaluations: list[dict[str, str]]) -> list[QuestionSummary]:
    return [summarise_answers(q, answers_to(q, evaluations)) for q in model.evaluation]

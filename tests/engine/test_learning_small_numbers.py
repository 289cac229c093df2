"""The learning report's small-number rule, on evaluations alone: models with fewer than 3
evaluations are merged into "other", whose like-worded questions are one question."""

from __future__ import annotations

from datetime import date

from engine_kit import builtin

from dialogs.learning_report import (
    MIN_RESPONSES,
    OTHER_MODELS,
    LearningReport,
    Scope,
    SubmittedEvaluation,
    build_report,
)
from dialogs.models.schema import FacilitationModel, Question, QuestionKind, Scale

SCALE = Question(
    id="useful", text="How useful was it?", kind=QuestionKind.SCALE, scale=Scale(low=1, high=3)
)
COMMENT = Question(id="comment", text="Anything else?")


def _local(model_id: str, *questions: Question) -> FacilitationModel:
    return builtin("kolb").model_copy(
        update={"id": model_id, "name": model_id.title(), "evaluation": list(questions)}
    )


MODELS = {m.id: m for m in (_local("east", SCALE, COMMENT), _local("west", SCALE))}


def _evaluation(model_id: str, day: int, **answers: str) -> SubmittedEvaluation:
    return SubmittedEvaluation(model_id, date(2026, 11, day), answers)


def _report(*evaluations: SubmittedEvaluation) -> LearningReport:
    return build_report([], evaluations, MODELS, Scope(), today=date(2026, 12, 1))


def test_small_models_together_make_an_other_group_with_their_questions_merged():
    report = _report(
        _evaluation("east", 1, useful="3", comment="Good to hear each other."),
        _evaluation("east", 2, useful="2"),
        _evaluation("west", 3, useful="3"),
    )
    (other,) = report.evaluation_groups
    assert (other.label, other.responses) == (OTHER_MODELS, 3)
    useful, comment = other.questions
    assert useful.distribution == {1: 0, 2: 1, 3: 2} and useful.answered == 3
    assert comment.comments == ["Good to hear each other."]
    assert report.evaluations_withheld == 0


def test_a_model_with_enough_evaluations_stands_alone_and_a_lone_other_is_withheld():
    report = _report(
        *(_evaluation("east", day, useful="1") for day in range(1, MIN_RESPONSES + 1)),
        _evaluation("west", 9, useful="3"),
    )
    assert [(g.label, g.responses) for g in report.evaluation_groups] == [("East", 3)]
    assert report.evaluations_withheld == 1
    assert report.evaluations_by_month == [("November 2026", 4)]

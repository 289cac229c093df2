"""Prompts the procedures wrote are used word for word: 4x4x4's key-points box after Experience
(Moray runs the same stages) and Portsmouth's Feedback/Learning Log questions to the chair."""

from __future__ import annotations

import pytest

from dialogs.models.catalogue import Catalogue

BUILTIN = Catalogue.load()

MORRISON_KEY_POINTS = (
    "Facilitator summarises key points: Identify different perceptions of the core group, "
    "differences in assumptions, differences in expectation. What are the next steps in the "
    "child’s story?"
)
PORTSMOUTH_LOG = (
    "What can we see as learning points along this time line? [Use reflective cycle]",
    "Are there any specific cross agency learning points? If so describe these.",
    "Are there single agency learning points? If so describe these.",
)


@pytest.mark.parametrize("model_id", ["morrison-4x4x4", "moray-rcd"])
def test_the_4x4x4_key_points_box_is_the_procedures_words(model_id: str) -> None:
    experience = BUILTIN.models[model_id].stages[0]
    assert experience.id == "experience"
    assert experience.key_points_prompt == MORRISON_KEY_POINTS


def test_portsmouths_chair_is_asked_the_learning_logs_questions() -> None:
    """Each of the log's questions is a field of its own, asked when the stage ends."""
    model = BUILTIN.models["portsmouth-rpm"]
    (stage,) = model.stages
    asked = [item.label for item in model.stage_fields(stage.id)]
    for question in PORTSMOUTH_LOG:
        assert question in asked

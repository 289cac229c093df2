"""The five built-in facilitation models: they validate, and they say what their procedures say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dialogs.models.schema import FacilitationModel, QuestionKind

BUILTIN = Path(__file__).resolve().parent.parent / "dialogs" / "models" / "builtin"
MODEL_IDS = ["morrison-4x4x4", "moray-rcd", "kolb", "space-to-think", "portsmouth-rpm"]


def load(model_id: str) -> FacilitationModel:
    with (BUILTIN / f"{model_id}.yaml").open(encoding="utf-8") as fh:
        return FacilitationModel.model_validate(yaml.safe_load(fh))


def all_questions(model: FacilitationModel):
    return [q for s in model.stages for q in s.questions]


def test_every_builtin_file_is_one_of_the_five():
    assert sorted(p.stem for p in BUILTIN.glob("*.yaml")) == sorted(MODEL_IDS)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_model_validates_and_its_id_matches_the_file_name(model_id):
    assert load(model_id).id == model_id


# --- Morrison 4x4x4 (the Morrison 4x4x4 procedure) -----------------------------------------------------------------


def test_morrison_has_four_stages_of_8_8_12_14_questions():
    model = load("morrison-4x4x4")
    assert [s.id for s in model.stages] == ["experience", "reflection", "analysis", "action_plans"]
    assert [len(s.questions) for s in model.stages] == [8, 8, 12, 14]


def test_morrison_first_question_has_its_typo_fixed():
    first = load("morrison-4x4x4").stages[0].questions[0]
    assert (
        first.text == "What was your understanding of the aim of the child going on to a CP plan?"
    )


def test_morrison_has_exactly_one_scale_question_from_0_to_5():
    model = load("morrison-4x4x4")
    scales = [q for q in all_questions(model) if q.kind is QuestionKind.SCALE]
    assert len(scales) == 1
    (confidence,) = scales
    assert confidence.text.startswith("On a scale of 0-5, where 5 is total confidence")
    assert (confidence.scale.low, confidence.scale.high) == (0, 5)
    assert confidence.scale.low_label and confidence.scale.high_label == "total confidence"


def test_morrison_keeps_the_duplicated_analysis_question_once():
    analysis = load("morrison-4x4x4").stages[2]
    texts = [q.text for q in analysis.questions]
    assert texts.count("What are the current strengths, needs, risks for the different users?") == 1
    assert len(set(texts)) == len(texts)


def test_morrison_prompts_for_key_points_after_every_stage():
    model = load("morrison-4x4x4")
    assert all(
        s.key_points_prompt.startswith("Facilitator summarises key points") for s in model.stages
    )
    assert "Identify different perceptions of the core group" in model.stages[0].key_points_prompt


def test_morrison_record_sections():
    ids = [s.id for s in load("morrison-4x4x4").record.sections]
    assert ids == ["meeting_held", "key_points", "change_of_hypothesis", "actions_agreed"]


# --- Moray RCD (the Moray procedure) ----------------------------------------------------------------------


def test_moray_runs_the_morrison_stages_unchanged():
    assert load("moray-rcd").stages == load("morrison-4x4x4").stages


def test_moray_purposes_routing_and_evaluation():
    model = load("moray-rcd")
    assert "It is NOT a child planning meeting or core group." in model.purposes
    assert any("not a decision-making forum" in p for p in model.purposes)
    assert any("confidentiality" in r.lower() for r in model.ground_rules)
    assert model.record.shared_with_participants
    assert model.record.learning_section == "learning_themes"
    assert model.record.learning_audience == "CPC Lead Officer"
    assert model.evaluation


# --- Kolb (the Argyll & Bute guidance) ---------------------------------------------------------------------------


def test_kolb_has_four_stages_and_the_seed_questions():
    model = load("kolb")
    assert len(model.stages) == 4
    texts = [q.text for q in all_questions(model)]
    assert "What has happened or is happening that has brought you to reflect?" in texts
    assert "What is your contingency plan?" in texts
    assert "What could I have done better or differently? How can I improve?" in texts


def test_kolb_record_has_the_seven_summary_headings_then_what_goes_back():
    record = load("kolb").record
    assert [s.title for s in record.sections] == [
        "Date Held",
        "Learning Themes",
        "Agreed Actions",
        "Issues for Escalation",
        "Escalated to",
        "Facilitator",
        "Lead Professional",
        # Then 2.4's changes taken back to the child's plan meeting (tracks_actions is false).
        "To be taken back to the child’s plan meeting, core group/child protection planning meeting",
    ]
    assert record.learning_section == "learning_themes"


# --- Space to Think (the Tees procedure) -----------------------------------------------------------------


def test_space_to_think_has_six_timed_steps():
    model = load("space-to-think")
    boxes = [(s.time_box.min_minutes, s.time_box.max_minutes) for s in model.stages]
    assert boxes == [(5, 10), (3, 6), (10, 20), (2, 4), (10, 10), (5, 10)]
    assert all(s.speakers for s in model.stages)
    assert model.stages[0].speakers == "Only the Case Presenter speaks and the group listens"


def test_space_to_think_asks_one_question_per_step_of_whoever_speaks():
    model = load("space-to-think")
    assert all(len(s.questions) == 1 for s in model.stages)
    asks = [s.questions[0].asks.value for s in model.stages]
    assert asks == ["presenter", "facilitator", "all", "consultants", "consultants", "presenter"]


def test_space_to_think_roles_duration_and_prompts():
    model = load("space-to-think")
    assert (model.roles.facilitator, model.roles.presenter) == ("Facilitator", "Case Presenter")
    assert model.roles.consultant.startswith("Consultant")
    # "The session should last for 30-35 minutes by following the timed guidelines."
    assert model.duration is not None
    assert (model.duration.min_minutes, model.duration.max_minutes) == (30, 35)
    assert len(model.prompts) == 18
    assert model.prompts[0] == "What exactly did you do?"
    assert model.prompts[-1] == "Has this changed the way you will do things in the future? How?"


# --- Portsmouth RPM (the Portsmouth procedure) -----------------------------------------------------------------


def test_portsmouth_ground_rules_and_questions():
    model = load("portsmouth-rpm")
    assert len(model.ground_rules) == 9
    assert model.ground_rules[0] == (
        "all agencies should support and encourage the attendance of key professionals"
    )
    assert len(all_questions(model)) == 7


def test_portsmouth_record_carries_no_case_name_and_the_age_only_in_years():
    model = load("portsmouth-rpm")
    for section in model.record.sections:
        text = f"{section.id} {section.title} {section.template}".lower()
        assert "case name" not in text and "case_name" not in text
    ages = [f for f in model.fields if re.search(r"\bage\b", f.label.lower())]
    assert [(f.id, f.kind.value) for f in ages] == [("child_age", "age")]
    record = model.record
    assert record.learning_section == "learning_summary"
    assert "Case Review Committee" in record.learning_audience


# --- All models --------------------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_wording_has_no_leftover_typos(model_id):
    model = load(model_id)
    texts = [q.text for q in all_questions(model)] + model.purposes + model.ground_rules
    for text in texts:
        assert " ?" not in text and "?." not in text, text
        assert not re.search(r"\bcp\s?plan\b|\bcp conference\b", text), text


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_templates_never_name_who_answered(model_id):
    for section in load(model_id).record.sections:
        assert "author" not in section.template
        assert not re.search(r"\.name\b", section.template), section.id


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_stage_titles_carry_no_number_of_their_own(model_id):
    """The bot numbers stages ("Stage 1 of 4: …"): a title numbered again reads twice."""
    for stage in load(model_id).stages:
        assert not re.match(r"\s*(stage\s*)?\d+\s*[-–.:)]", stage.title, re.IGNORECASE), stage.title

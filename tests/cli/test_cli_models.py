"""`reflectbot models list | show ID [--json] | validate FILE`, run in-process."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from dialogs.models.catalogue import Catalogue
from dialogs.models.schema import FacilitationModel

MODEL_IDS = ["kolb", "moray-rcd", "morrison-4x4x4", "portsmouth-rpm", "space-to-think"]
BUILTIN = Catalogue.load()


@pytest.fixture(autouse=True)
def _no_extra_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFLECTBOT_MODELS_DIR", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_models_list_names_the_five_builtin_models(capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, "models", "list")
    assert code == 0 and err == ""
    assert [line.split()[0] for line in out.splitlines()] == MODEL_IDS


def test_models_show_morrison_gives_its_stages_and_questions(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "models", "show", "morrison-4x4x4")
    assert code == 0
    counts = [int(n) for n in re.findall(r"^Stage \d: .* — (\d+) questions$", out, re.MULTILINE)]
    assert counts == [8, 8, 12, 14]
    stage_one = out.split("Stage 1: ")[1]
    assert stage_one.startswith("Experience")
    first = stage_one.splitlines()[1].strip()
    assert first == (
        "1. What was your understanding of the aim of the child going on to a CP plan?  [asks: all]"
    )


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_models_show_json_validates_back_into_the_same_model(
    capsys: pytest.CaptureFixture[str], model_id: str
):
    code, out, _ = run(capsys, "models", "show", model_id, "--json")
    assert code == 0
    assert FacilitationModel.model_validate_json(out) == BUILTIN.models[model_id]
    assert json.loads(out)["id"] == model_id


def test_an_unknown_model_is_an_error_on_stderr(capsys: pytest.CaptureFixture[str]):
    code, out, err = run(capsys, "models", "show", "morison-4x4x4")
    assert code != 0 and out == ""
    assert "there is no model 'morison-4x4x4'" in err
    assert "morrison-4x4x4" in err  # the known ids, to spot the typo


# -- validate ------------------------------------------------------------------------------


def model_file(tmp_path: Path, name: str, change: Callable[[dict], None] | None = None) -> Path:
    """The Kolb model as a YAML file, optionally changed first."""
    data = json.loads(BUILTIN.models["kolb"].model_dump_json())
    if change:
        change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_a_good_model_file_validates(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    path = model_file(tmp_path, "good.yaml")
    code, out, err = run(capsys, "models", "validate", str(path))
    assert code == 0 and err == ""
    assert f"{path} is valid: kolb" in out


def test_a_missing_field_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    path = model_file(tmp_path, "missing.yaml", lambda d: d["stages"][2].pop("title"))
    code, _, err = run(capsys, "models", "validate", str(path))
    assert code != 0
    stage_line = line_of(path, "id: abstract_conceptualisation")
    assert f"{path}, line {stage_line} (stages.2.title): this field is required but missing" in err


def test_a_misspelt_field_is_named_at_its_line(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    def misspell(data: dict) -> None:
        data["stages"][1]["questions"][3]["askes"] = data["stages"][1]["questions"][3].pop("asks")

    path = model_file(tmp_path, "typo.yaml", misspell)
    code, _, err = run(capsys, "models", "validate", str(path))
    assert code != 0
    expected = (
        f"{path}, line {line_of(path, 'askes:')} (stages.1.questions.3.askes): "
        "this field is not recognised; check its spelling"
    )
    assert expected in err


def test_bad_yaml_is_reported_with_its_line(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("id: kolb\nname: [unclosed\nsummary: fine\n", encoding="utf-8")
    code, out, err = run(capsys, "models", "validate", str(path))
    assert code != 0 and out == ""
    assert f"{path}, line 3: this is not valid YAML" in err


@pytest.mark.parametrize(
    ("template", "plain_words"),
    [
        (
            '{{ questions["no_such_question"].text }}',
            "it uses the question 'no_such_question', which this model does not have",
        ),
        (
            "{{ stages.no_such_stage.key_points }}",
            "it uses the stage 'no_such_stage', which this model does not have",
        ),
    ],
)
def test_a_record_template_naming_an_unknown_question_or_stage_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, template: str, plain_words: str
):
    def unknown_id(data: dict) -> None:
        data["record"]["sections"][2]["template"] = template

    path = model_file(tmp_path, "unknown.yaml", unknown_id)
    code, _, err = run(capsys, "models", "validate", str(path))
    assert code != 0
    line = line_of(path, "no_such_")
    assert f"{path}, line {line} (record.sections.2.template)" in err
    assert plain_words in err


def test_a_template_using_what_its_source_does_not_name_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    def undeclared(data: dict) -> None:
        data["record"]["sections"][2]["template"] = '{{ questions["plan"].text }}'

    path = model_file(tmp_path, "undeclared.yaml", undeclared)
    code, _, err = run(capsys, "models", "validate", str(path))
    assert code != 0
    assert "record.sections.2.template" in err
    assert "it uses the question 'plan', which its source does not name" in err


@pytest.mark.parametrize(
    ("source", "plain_words"),
    [
        ({"key_points": ["no_such_stage"]}, "names the stage 'no_such_stage', which this model"),
        ({"fields": ["no_such_field"]}, "names the field 'no_such_field', which this model"),
        ({"answers": ["no_such_question"]}, "names the question 'no_such_question', which"),
        ({}, "a section's source must name at least one thing"),
    ],
)
def test_a_record_source_naming_what_the_model_lacks_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, source: dict, plain_words: str
):
    def unknown_source(data: dict) -> None:
        data["record"]["sections"][2]["source"] = source
        data["record"]["sections"][2]["template"] = ""

    path = model_file(tmp_path, "source.yaml", unknown_source)
    code, _, err = run(capsys, "models", "validate", str(path))
    assert code != 0
    assert plain_words in err


def test_one_questions_answers_may_feed_only_one_section(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    def twice(data: dict) -> None:
        for index in (1, 2):
            data["record"]["sections"][index]["source"] = {"answers": ["plan"]}

    path = model_file(tmp_path, "twice.yaml", twice)
    code, _, err = run(capsys, "models", "validate", str(path))
    assert code != 0
    assert "the answers to 'plan' already feed the section 'learning_themes'" in err


def test_a_model_file_that_does_not_exist_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    code, out, err = run(capsys, "models", "validate", str(tmp_path / "absent.yaml"))
    assert code != 0 and out == ""
    assert "absent.yaml" in err and "cannot be read" in err


def test_an_unknown_command_shows_the_usage_and_fails(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exited:
        main(["modles", "list"])
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert "usage: reflectbot" in err and "invalid choice: 'modles'" in err


def test_a_template_looping_over_every_question_is_accepted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
):
    def loop(data: dict) -> None:
        data["record"]["sections"][2]["template"] = (
            "{% for id, q in questions.items() %}{{ q.text }}{% endfor %}"
            "{{ stages.values() | list | length }}"
        )

    path = model_file(tmp_path, "loop.yaml", loop)
    code, out, err = run(capsys, "models", "validate", str(path))
    assert (code, err) == (0, "")
    assert "is valid" in out


def test_models_show_words_time_boxes_once_and_plainly(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(capsys, "models", "show", "space-to-think")
    assert code == 0
    stages = re.findall(r"^Stage \d: .*$", out, re.MULTILINE)
    assert stages[0] == "Stage 1: Case Presenter offloads (time box: 5–10 minutes) — 1 question"
    assert stages[4] == "Stage 5: Purposeful reflection (time box: 10 minutes) — 1 question"
    assert "min]" not in out and "10–10" not in out


def test_models_show_moray_names_its_learning_audience_and_what_to_prepare(
    capsys: pytest.CaptureFixture[str],
):
    code, out, _ = run(capsys, "models", "show", "moray-rcd")
    assert code == 0
    assert "Learning audience: CPC Lead Officer" in out, (
        "the name REFLECTBOT_LEARNING_CHANNELS uses"
    )
    preparing = out.split("To prepare (sent with the preparation pack):")[1].split("\nRecord:")[0]
    assert "Genogram" in preparing and "Ecomap" in preparing

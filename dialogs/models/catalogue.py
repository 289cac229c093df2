"""Finding and validating facilitation model files: the built-in ones and an organisation's own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from dialogs.models.schema import FacilitationModel
from dialogs.record import check_templates

BUILTIN = resources.files("dialogs.models") / "builtin"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a model file, worded for the person who wrote it."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        what = f" ({self.field})" if self.field else ""
        return f"{where}{what}: {self.message}"


class ModelFileError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _line_of(node: yaml.Node | None, path: Iterable[str | int]) -> int | None:
    """The 1-based line of the value at `path`, or of the nearest parent that exists."""
    line = node.start_mark.line + 1 if node else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
            if node is None:
                return line
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _plain_words(error: dict) -> str:
    kind = error["type"]
    if kind == "missing":
        return "this field is required but missing"
    if kind == "extra_forbidden":
        return "this field is not recognised; check its spelling"
    if kind == "string_pattern_mismatch":
        return "use lower-case letters, digits, '-' or '_' only"
    if kind == "too_short":
        return "this list must not be empty"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def parse_model(text: str, source: str) -> FacilitationModel:
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # the safe loader, C-accelerated when available
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ModelFileError(
            [
                Problem(
                    source, line, "", f"this is not valid YAML ({getattr(error, 'problem', error)})"
                )
            ]
        ) from error
    if not isinstance(data, dict):
        raise ModelFileError(
            [Problem(source, 1, "", "the file must be a YAML mapping (key: value)")]
        )
    try:
        model = FacilitationModel.model_validate(data)
    except ValidationError as error:
        problems = [
            Problem(
                source,
                _line_of(node, e["loc"]),
                ".".join(str(p) for p in e["loc"]),
                _plain_words(e),
            )
            for e in error.errors()
        ]
        raise ModelFileError(problems) from error
    _check_record_templates(model, source, node)
    return model


def _check_record_templates(model: FacilitationModel, source: str, node: yaml.Node | None) -> None:
    index_of = {section.id: i for i, section in enumerate(model.record.sections)}
    problems = [
        Problem(
            source,
            _line_of(node, ["record", "sections", index_of[error.section_id], "template"]),
            f"record.sections.{index_of[error.section_id]}.template",
            f"the template cannot be used: {error}",
        )
        for error in check_templates(model)
    ]
    if problems:
        raise ModelFileError(problems)


def load_model_file(path: Path) -> FacilitationModel:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ModelFileError([Problem(str(path), None, "", f"cannot be read ({error})")]) from error
    return parse_model(text, str(path))


@dataclass
class Catalogue:
    """Every model available to new sessions, by id."""

    models: dict[str, FacilitationModel]
    problems: list[Problem]

    @classmethod
    def load(cls, extra_dir: Path | None = None) -> Catalogue:
        models: dict[str, FacilitationModel] = {}
        for entry in sorted(BUILTIN.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".yaml"):
                model = parse_model(entry.read_text(encoding="utf-8"), entry.name)
                models[model.id] = model
        problems: list[Problem] = []
        if extra_dir is not None:
            if not extra_dir.is_dir():
                problems.append(
                    Problem(str(extra_dir), None, "", "this models folder does not exist")
                )
            else:
                for path in sorted([*extra_dir.glob("*.yaml"), *extra_dir.glob("*.yml")]):
                    try:
                        model = load_model_file(path)
                    except ModelFileError as error:
                        problems.extend(error.problems)
                        continue
                    if model.id in models:
                        problems.append(
                            Problem(str(path), None, "id", f"the id '{model.id}' is already taken")
                        )
                        continue
                    models[model.id] = model
        return cls(models=models, problems=problems)

    def get(self, model_id: str) -> FacilitationModel | None:
        return self.models.get(model_id)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.models.values())

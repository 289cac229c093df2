"""The README's commands, run as written: its model example validates and loads from a folder,
every row of its command table parses with the options it shows, and its make targets call the
commands it says they do. (`make test` itself is what CI runs; `make run`'s banner and `PORT` are
in test_cli_serve_banner.py; the wheel in test_cli_installed.py; compose in test_cli_compose.py.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# A value for each placeholder the table uses where any word will not do.
PLACEHOLDER_VALUES = {"P": "3979", "DATE": "2026-11-01", "N": "1"}


def fenced_blocks(language: str) -> list[str]:
    pattern = rf"^( *)```{language}\n(.*?)^\1```"
    return [
        "\n".join(line.removeprefix(indent) for line in body.splitlines())
        for indent, body in re.findall(pattern, README, flags=re.MULTILINE | re.DOTALL)
    ]


def shell_lines() -> list[str]:
    return [
        line.split("#", 1)[0].strip()
        for block in fenced_blocks("sh")
        for line in block.splitlines()
        if line.split("#", 1)[0].strip()
    ]


def run_as_written(line: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A README line in a shell whose PATH starts with this environment's bin folder, as
    `. .venv/bin/activate` leaves it."""
    bin_folder = str(Path(sys.executable).parent)
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REFLECTBOT_", "SLACK_", "MICROSOFT_", "DATABASE_URL"))
    }
    return subprocess.run(
        ["bash", "-c", line],
        cwd=cwd,
        env=clean | {"PATH": bin_folder + os.pathsep + clean.get("PATH", "")} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_model_validates_and_loads_from_its_folder(tmp_path: Path) -> None:
    (model_text,) = fenced_blocks("yaml")
    (tmp_path / "our-team-model.yaml").write_text(model_text, encoding="utf-8")
    (validate,) = [line for line in shell_lines() if line.startswith("reflectbot models validate")]

    checked = run_as_written(validate, tmp_path)

    assert checked.returncode == 0, checked.stderr
    (folder_line,) = [line for line in shell_lines() if "REFLECTBOT_MODELS_DIR=" in line]
    listed = run_as_written(
        folder_line.replace("/srv/reflectbot/models", str(tmp_path)) + " && reflectbot models list",
        tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    assert "our-team-model" in listed.stdout


def command_table() -> list[str]:
    """The first cell of each row of the README's Commands table, `\\|` unescaped."""
    section = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `reflectbot")]
    return [
        row.replace("\\|", "\x00").split(" | ")[0].strip("| ").replace("\x00", "|") for row in rows
    ]


def argv_of(usage: str) -> list[str]:
    """`export SESSION --format md|html [--output FILE]` as arguments someone would type."""
    argv = []
    for word in usage.replace("[", " ").replace("]", " ").split():
        first = word.split("|")[0]
        if first.isupper() or first in PLACEHOLDER_VALUES:
            argv.append(PLACEHOLDER_VALUES.get(first, "x"))
        else:
            argv.append(first)
    return argv


def usages() -> list[str]:
    """Each command the table shows, in full (`show ID` after `reflectbot models list`)."""
    found = []
    for cell in command_table():
        spans = re.findall(r"`([^`]+)`", cell)
        group = spans[0].split()[1:-1] if len(spans) > 1 else []
        for span in spans:
            words = span.split()
            found.append(" ".join(words[1:] if words[0] == "reflectbot" else group + words))
    return found


def test_the_table_lists_every_command_the_cli_has() -> None:
    listed = {usage.split()[0] for usage in usages()}
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert listed == set(commands)


@pytest.mark.parametrize("usage", usages())
def test_each_command_in_the_table_parses_as_shown(usage: str) -> None:
    arguments = parser().parse_args(argv_of(usage))

    assert callable(arguments.run)


@pytest.mark.parametrize(
    ("target", "command"),
    [
        ("run", "reflectbot serve"),
        ("demo", "reflectbot demo"),
        ("console", "reflectbot console"),
        ("test", "pytest"),
    ],
)
def test_the_make_targets_run_what_the_readme_says(target: str, command: str) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    planned = subprocess.run(
        [make, "-n", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert command in planned.stdout
    assert f"make {target}" in README


def test_every_setting_is_documented() -> None:
    from bot.config import Settings

    documented = README + (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    names = [
        choice
        for field in Settings.model_fields.values()
        for choice in getattr(field.validation_alias, "choices", [])
    ]
    assert names, "the settings name their environment variables"
    assert [name for name in names if f"`{name}`" not in documented] == []

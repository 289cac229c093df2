"""The package as a user installs it: a wheel built from this tree, installed into a fresh
virtual environment, runs `teams-package`, `demo` and `export` with nothing from the clone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A virtual environment with the wheel installed: its bin folder, and the environment to
    run it in (a working folder outside the clone, a database of its own)."""
    place = tmp_path_factory.mktemp("installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFLECTBOT_", "SLACK_"))}
    env |= {"DATABASE_URL": f"sqlite:///{place / 'reflectbot.sqlite3'}", "PYTHONPATH": ""}
    env.pop("MICROSOFT_APP_ID", None)
    # Built offline, with the build backend already installed here, from a copy of the tree
    # (a build in place would leave, and reuse, a build folder in the clone).
    source = place / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "build", "*.egg-info", "__pycache__", "test-artifacts", "*.sqlite3*"
        ),
    )
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(place / "dist"),
        ],
        place,
        env,
    )
    (wheel,) = (place / "dist").glob("reflectbot-*.whl")
    venv = place / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], place, env)
    # The dependencies (and pip) come from this environment's site-packages, added as a plain
    # path: its .pth files, among them the editable install of the clone, are not read.
    site = Path(sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})["purelib"])
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    _run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        place,
        env,
    )
    return venv / "bin", env


def test_the_installed_package_comes_from_the_wheel(installed: tuple[Path, dict[str, str]]):
    bin_dir, env = installed
    where = _run(
        [
            str(bin_dir / "python"),
            "-c",
            "import bot, manifest; print(bot.__file__, manifest.__file__)",
        ],
        bin_dir.parent.parent,
        env,
    )
    assert str(ROOT) not in where
    assert all(path.startswith(str(bin_dir.parent)) for path in where.split())


def test_teams_package_demo_and_export_run_from_the_wheel(
    installed: tuple[Path, dict[str, str]],
):
    bin_dir, env = installed
    work = bin_dir.parent.parent
    reflectbot = str(bin_dir / "reflectbot")
    app_id = "00000000-0000-4000-8000-000000000001"
    _run(
        [reflectbot, "teams-package", "--output", "teams.zip"],
        work,
        env | {"MICROSOFT_APP_ID": app_id},
    )
    with zipfile.ZipFile(work / "teams.zip") as package:
        assert {"manifest.json", "color.png", "outline.png"} <= set(package.namelist())

    shown = _run([reflectbot, "demo"], work, env)
    assert "record" in shown.lower()
    sessions = json.loads(_run([reflectbot, "sessions", "list", "--json"], work, env))
    published = next(s for s in sessions if s["phase"] == "published")
    _run(
        [reflectbot, "export", published["id"], "--format", "pdf", "--output", "record.pdf"],
        work,
        env,
    )
    assert (work / "record.pdf").read_bytes().startswith(b"%PDF")

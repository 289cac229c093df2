"""The installed `reflectbot` command, as a separate process: `demo` for every built-in model."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from dialogs.models.catalogue import Catalogue

BUILTIN = Catalogue.load()
REFLECTBOT = Path(sys.executable).parent / "reflectbot"
# The first page of each demo's record, for a person to look at.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "records"


def environment() -> dict[str, str]:
    """This process's environment without the settings a demo must not pick up."""
    ignored = {"DATABASE_URL", "REFLECTBOT_MODELS_DIR", "REFLECTBOT_LEARNING_CHANNEL"}
    return {k: v for k, v in os.environ.items() if k not in ignored}


@dataclass(frozen=True)
class Demo:
    folder: Path
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def demos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Demo]:
    """`reflectbot demo --model ID` for every model, each in its own folder, run side by side."""
    running = {}
    for model_id in BUILTIN.models:
        folder = tmp_path_factory.mktemp(model_id)
        running[model_id] = (
            folder,
            subprocess.Popen(
                [str(REFLECTBOT), "demo", "--model", model_id],
                cwd=folder,
                env=environment(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
    finished = {}
    for model_id, (folder, process) in running.items():
        out, err = process.communicate(timeout=180)
        finished[model_id] = Demo(folder, process.returncode, out, err)
    return finished


@pytest.mark.parametrize("model_id", sorted(BUILTIN.models))
def test_the_demo_prints_every_section_of_the_models_record(demos: dict[str, Demo], model_id: str):
    done = demos[model_id]
    assert done.returncode == 0, done.stderr
    published = " ".join(done.stdout.split("presses [Approve and publish]")[-1].split())
    for section in BUILTIN.models[model_id].record.sections:
        # The terminal shows headings in capitals.
        assert section.title.upper() in published, section.title
    assert "The session is published" in done.stdout
    # With no DATABASE_URL the default SQLite file is made in the working directory.
    assert (done.folder / "reflectbot.sqlite3").is_file()


@pytest.mark.parametrize("model_id", sorted(BUILTIN.models))
def test_the_demo_answers_each_question_in_words_of_its_own_and_fills_every_field(
    demos: dict[str, Demo], model_id: str
):
    done = demos[model_id]
    assert done.returncode == 0, done.stderr
    answers = [
        line.split("): ", 1)[1]
        for line in done.stdout.splitlines()
        if line.lstrip().startswith("↳") and "): " in line
    ]
    answers = [a for a in answers if not a.isdecimal()]  # a number on a scale may repeat
    assert len(answers) > 1
    assert len(set(answers)) == len(answers), "no answer is said twice"
    model = BUILTIN.models[model_id]
    for item in model.fields:
        assert f"↳ {item.label}: " in done.stdout, item.id
    published = done.stdout.split("presses [Approve and publish]")[-1]
    assert "Not discussed." not in published, "the facilitator filled every section"


@pytest.mark.parametrize("model_id", sorted(BUILTIN.models))
def test_the_demos_record_exports_as_a_pdf_with_every_section(
    demos: dict[str, Demo], model_id: str
):
    """`reflectbot export SESSION --format pdf --output FILE`, as the README writes it, on the
    session the demo published."""
    done = demos[model_id]
    session_id = done.stdout.rsplit("Session id: ", 1)[1].split()[0]
    exported = subprocess.run(
        [str(REFLECTBOT), "export", session_id, "--format", "pdf", "--output", "record.pdf"],
        cwd=done.folder,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert exported.returncode == 0, exported.stderr
    data = (done.folder / "record.pdf").read_bytes()
    pages = PdfReader(done.folder / "record.pdf").pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for section in BUILTIN.models[model_id].record.sections:
        assert " ".join(section.title.split()) in text, section.title
    assert "Not discussed." not in text, "the demo's facilitator filled every section"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdfium.PdfDocument(data)[0].render(scale=1.5).to_pil().save(
        ARTIFACTS / f"{model_id}-page-1.png"
    )


def test_python_m_bot_cli_is_the_same_command(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "models", "list"],
        cwd=tmp_path,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == len(BUILTIN.models)

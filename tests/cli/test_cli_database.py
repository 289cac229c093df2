"""The commands that read or prepare the database: `db upgrade`, `demo`, `sessions list`, `audit`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from dialogs.models.catalogue import Catalogue


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("REFLECTBOT_MODELS_DIR", raising=False)
    monkeypatch.delenv("REFLECTBOT_LEARNING_CHANNEL", raising=False)
    monkeypatch.delenv("REFLECTBOT_LEARNING_CHANNELS", raising=False)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_upgrade_creates_the_schema_and_can_run_again(
    capsys: pytest.CaptureFixture[str], database: Path
):
    for _ in range(2):
        code, out, _ = run(capsys, "db", "upgrade")
        assert code == 0 and "up to date" in out
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert {"sessions", "outbox", "audit_log", "alembic_version"} <= tables


def test_an_empty_database_has_no_sessions_and_no_audit(
    capsys: pytest.CaptureFixture[str], database: Path
):
    assert run(capsys, "sessions", "list", "--json")[:2] == (0, "[]\n")
    assert run(capsys, "sessions", "list")[1] == "No sessions yet.\n"
    assert run(capsys, "audit")[1] == "The audit log is empty.\n"


def test_after_a_demo_the_session_is_listed_and_audited(
    capsys: pytest.CaptureFixture[str], database: Path
):
    code, out, _ = run(capsys, "demo", "--model", "kolb")
    assert code == 0 and "The session is published" in out

    code, out, _ = run(capsys, "sessions", "list", "--json")
    assert code == 0
    (row,) = json.loads(out)
    assert row["model"] == "kolb" and row["phase"] == "published"
    assert row["platform"] == "console" and row["participants"] == 5
    assert set(row) == {
        "id",
        "platform",
        "model",
        "phase",
        "case_reference",
        "created_at",
        "participants",
        "learning",
    }
    # No learning channel is configured: the themes are kept, as not delivered.
    assert row["learning"] == "not delivered"

    code, out, _ = run(capsys, "audit")
    assert code == 0
    lines = out.splitlines()
    assert all(row["id"] in line for line in lines)
    actions = [line.split("  ")[-1] for line in lines]
    assert actions[0] == "started"
    assert {"began", "record drafted", "approved the record", "published the record"} <= set(
        actions
    )
    code, out, _ = run(capsys, "audit", "--session", "some-other-session")
    assert out == "The audit log is empty.\n"


def test_demo_of_an_unknown_model_is_an_error(capsys: pytest.CaptureFixture[str], database: Path):
    code, _, err = run(capsys, "demo", "--model", "nope")
    assert code != 0
    assert "there is no model 'nope'" in err
    assert "Known models: " + ", ".join(sorted(Catalogue.load().models)) in err

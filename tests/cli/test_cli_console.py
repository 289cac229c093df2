"""`reflectbot console`: a participant edits and deletes a reply, as on the platforms."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from bot.cli import main

# Kolb's setup: the declaration, its three confirmations (the last one not), one
# confidentiality point and the empty line that ends them.
SETUP = "y\ny\ny\nn\nNothing leaves this rehearsal.\n\n"
AGREE = SETUP + "".join(f"as {name}\nagree\n" for name in ("Priya", "Dan", "Ruth", "Tom", "Alex"))


def rehearse(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    script: str,
    model: str = "kolb",
) -> str:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'console.sqlite3'}")
    monkeypatch.delenv("REFLECTBOT_MODELS_DIR", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(script))
    assert main(["console", "--model", model]) == 0
    return capsys.readouterr().out


def test_a_participant_edits_and_deletes_a_reply(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = rehearse(
        capsys,
        monkeypatch,
        tmp_path,
        AGREE
        + "as Morgan\nbegin\nas Priya\nFirst thoughts, ring 07700 900123.\n"
        + "mine\nedit 1 Second thoughts.\nmine\nas Dan\nedit 1 Not mine\nas Priya\n"
        + "delete 1\nmine\nquit\n",
    )
    assert "edit N NEW TEXT" in out and "delete N" in out, "the help names the commands"
    setup, _, _ = out.partition("Ground rules")
    assert "Families have been informed that this professional reflective process" in setup
    _, _, ground_rules = out.partition("Ground rules")
    assert "Nothing leaves this rehearsal." in ground_rules.partition("as Priya")[0]
    assert "declared no involvement in the case" in out
    _, _, after = out.partition("Please edit it to take it out.")
    assert after, "the guard's warning asks for an edit"
    listed, _, rest = after.partition("Your reply has been changed.")
    assert "1. First thoughts, ring 07700 900123." in listed
    assert "1. Second thoughts." in rest
    assert "You have no replies in this session to change." in rest, "Dan cannot edit Priya's"
    assert "Your reply has been deleted." in rest
    assert (
        rest.partition("Your reply has been deleted.")[2].count(
            "You have no replies in this session."
        )
        == 1
    )


def test_edit_without_a_number_explains_itself_and_a_sentence_starting_edit_is_a_reply(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = rehearse(
        capsys,
        monkeypatch,
        tmp_path,
        AGREE + "as Morgan\nbegin\nas Priya\nedit\nedit the plan together\nmine\nquit\n",
    )
    assert "Give the number of your reply" in out
    assert "1. edit the plan together" in out


def test_the_facilitator_sends_the_preparation_pack_and_each_participant_is_shown_it(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = rehearse(capsys, monkeypatch, tmp_path, SETUP + "prepare\nquit\n")
    assert "prepare" in out.partition("Anything else you type")[0], "the help names it"
    assert out.count("Preparing for the reflective case discussion") == 5
    for name in ("Priya", "Dan", "Ruth", "Tom", "Alex"):
        assert f"direct message to {name}" in out
    assert "What is your contingency plan?" in out
    assert "sent privately to each of the 5 participants" in out


def test_the_facilitator_fills_a_stages_fields_at_the_key_points_prompt(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kolb's learning themes are asked when Abstract Conceptualisation ends (its first five
    questions skipped here), at the console's key-points prompt."""
    out = rehearse(
        capsys,
        monkeypatch,
        tmp_path,
        AGREE
        + "as Morgan\nbegin\n"
        + "skip\n" * 11
        + "keypoints\nInformation reaches the core group late.\n.\nstatus\nquit\n",
    )
    form, _, after = out.rpartition("Learning Themes: any identified multi-agency learning themes:")
    assert form, "the field is asked at the prompt"
    assert "↻ Key points: Abstract Conceptualisation" in after, "saved, the message shows it"
    assert "stage: Active Experimentation" in after, "the discussion moves on"


def test_next_before_a_timed_steps_minimum_is_confirmed_with_next_anyway(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = rehearse(
        capsys,
        monkeypatch,
        tmp_path,
        AGREE
        + "as Morgan\nbegin\nas Priya\nThe situation.\nWhy I bring it.\n"
        + "as Morgan\nnext\nstatus\nnext anyway\nstatus\nquit\n",
        model="space-to-think",
    )
    assert "next anyway" in out, "the help names the command"
    _, _, asked = out.partition("Move on before the step's minimum?")
    assert "its minimum is 5 minutes" in asked and "[Move on now]" in asked
    _, _, after = asked.partition("stage: Case Presenter offloads")
    assert after, "the step is still open after Next"
    assert "stage: Checking of facts" in after, "and moves on after next anyway"


def test_moray_is_refused_without_the_declaration(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'console.sqlite3'}")
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\ny\n\n"))
    assert main(["console", "--model", "moray-rcd"]) == 0
    out = capsys.readouterr().out
    assert "does not have any involvement in the case" in out and "Ground rules" not in out

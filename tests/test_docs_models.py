"""docs/models.md claims each requirement with the test that shows it: every test it names
exists, and every procedure has its table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = (ROOT / "docs" / "models.md").read_text(encoding="utf-8")


def test_every_test_the_claims_name_exists() -> None:
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?", CLAIMS)
    assert named
    missing = [
        f"{path}::{test}" if test else path
        for path, test in named
        if not (ROOT / path).is_file()
        or (test and not re.search(rf"def {test}\b", (ROOT / path).read_text(encoding="utf-8")))
    ]
    assert missing == []


def test_each_procedure_has_a_table_of_its_own() -> None:
    headings = re.findall(r"^## (00\d) ", CLAIMS, flags=re.MULTILINE)
    assert headings == ["000", "001", "002", "003", "004"]

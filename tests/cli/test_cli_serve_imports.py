"""`reflectbot serve` does not load the document writers: matplotlib, fpdf2 and python-docx (with
numpy and Pillow under them) hold about 80 MiB that a server answering replies never uses. They
are imported when the first record or learning report is made (adapters/export/files.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WRITERS = ("matplotlib", "numpy", "fpdf", "PIL", "docx", "hypothesis")

# The app `reflectbot serve` builds with Slack, Teams and the practice room all configured.
SERVED_APP = f"""
import sys
from bot.config import Settings
from bot.runtime import Runtime
from bot.server import build_web_app

build_web_app(Runtime.build(Settings()), background=False, practice=True)
print(" ".join(name for name in {WRITERS!r} if name in sys.modules))
"""


def test_serving_every_platform_imports_no_document_writer(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REFLECTBOT_", "SLACK_", "MICROSOFT_", "DATABASE_URL"))
    }
    served = subprocess.run(
        [sys.executable, "-c", SERVED_APP],
        cwd=tmp_path,
        env=env
        | {
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "test-signing-secret",
            "REFLECTBOT_TEAMS_ANONYMOUS": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert served.stdout.split() == []

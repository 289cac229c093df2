"""`make run` on a fresh clone (`reflectbot serve` with nothing configured): one short banner
with the practice room's link and how to stop, and nothing about platforms not configured."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("port_given_by", ["--port", "PORT"])
def test_a_fresh_start_prints_only_the_banner(tmp_path: Path, port_given_by: str) -> None:
    """As the README says: `reflectbot serve --port 3979`, or `PORT=3979 make run`."""
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REFLECTBOT_", "SLACK_", "MICROSOFT_", "DATABASE_URL"))
    }
    by_option = port_given_by == "--port"
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", *(["--port", str(port)] if by_option else [])],
        cwd=tmp_path,
        env=env
        | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        | ({} if by_option else {"PORT": str(port)}),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline().rstrip("\n") for _ in range(3)]
    finally:
        server.send_signal(signal.SIGINT)
        rest, _ = server.communicate(timeout=60)
    assert lines == [
        f"The practice room is open at http://localhost:{port}/",
        "Create a room there, then share its join link with your colleagues.",
        "Press Ctrl+C to stop.",
    ]
    assert "Teams" not in rest and "Slack" not in rest and "alembic" not in rest

"""`reflectbot serve`'s access lines name the route asked for, never its path or query: paths
carry bearer tokens (a record's or a learning report's download link, a practice-room
participant's page), and whoever reads the logs must not be able to follow them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

TOKEN = "eyJTOKENOFAPERSON"
QUERY = "QUERYSECRET"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_access_lines_name_the_route_not_the_path_or_its_query(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("REFLECTBOT_", "SLACK_", "MICROSOFT_", "DATABASE_URL"))
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        for _ in range(3):  # the banner: the server is listening
            server.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        page = _get(f"{base}/r/ROOM{TOKEN}/p/{TOKEN}/record/pdf?sig={QUERY}")
        nowhere = _get(f"{base}/exports/{TOKEN}?sig={QUERY}")
        health = _get(f"{base}/healthz?sig={QUERY}")
    finally:
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
    assert TOKEN not in output and QUERY not in output
    assert f"GET /r/{{room}}/p/{{person}}/record/{{format}} {page}" in output
    assert f"GET (no route) {nowhere}" in output
    assert f"GET /healthz {health}" in output

"""The organisation deployment of the README, run as compose.yaml and the Dockerfile write it,
without the containers: the settings a `.env` must give, the migration's command, then every
replica of the web service and of the worker started with its service's command (the image's
when it has none) on one PostgreSQL, each passing the image's health check."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from tests.reliability.served import free_port

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
DOTENV = {"POSTGRES_PASSWORD": "a-database-password", "REFLECTBOT_SECRET": "s" * 40}
VARIABLE = re.compile(r"\$\{(\w+)(?::([?-])([^}]*))?\}")


class MissingSetting(Exception):
    pass


def expand(value: str, dotenv: dict[str, str]) -> str:
    """Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?message}`."""

    def one(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        given = dotenv.get(name, "")
        if given:
            return given
        if operator == "?":
            raise MissingSetting(argument)
        return argument if operator == "-" else ""

    return VARIABLE.sub(one, value)


def service_environment(service: str, dotenv: dict[str, str]) -> dict[str, str]:
    return {
        name: expand(str(value), dotenv)
        for name, value in COMPOSE["services"][service]["environment"].items()
    }


def dockerfile(instruction: str) -> str:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    (line,) = [line for line in text.splitlines() if line.startswith(instruction + " ")]
    return line.removeprefix(instruction + " ").strip()


def every_environment(dotenv: dict[str, str]) -> None:
    """Compose reads the whole file before it starts anything."""
    for service, definition in COMPOSE["services"].items():
        if "environment" in definition:
            service_environment(service, dotenv)


def test_a_dotenv_without_the_two_secrets_is_refused_by_name() -> None:
    every_environment(DOTENV)
    with pytest.raises(MissingSetting, match="POSTGRES_PASSWORD"):
        every_environment({"REFLECTBOT_SECRET": "s" * 40})
    with pytest.raises(MissingSetting, match="REFLECTBOT_SECRET"):
        every_environment({"POSTGRES_PASSWORD": "p"})


def test_every_variable_compose_passes_is_a_setting() -> None:
    known = {
        choice
        for field in Settings.model_fields.values()
        for choice in getattr(field.validation_alias, "choices", [])
    }
    passed = set(service_environment("reflectbot", DOTENV))

    assert passed - known == set()


SERVING = ("reflectbot", "worker")  # the web processes behind the proxy, and the worker


def test_the_migration_then_the_web_processes_and_the_worker_serve_one_database(
    fresh_database: str, tmp_path: Path
) -> None:
    path = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    settings = service_environment("reflectbot", DOTENV) | {
        # The one substitution: compose's database host is its own container.
        "DATABASE_URL": fresh_database,
        "PATH": path,
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
    }
    for service in SERVING:
        assert (
            COMPOSE["services"][service]["environment"]
            == (COMPOSE["services"]["migrate"]["environment"])
        )
    migrate = subprocess.run(
        COMPOSE["services"]["migrate"]["command"],
        env=settings,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr

    health_check = dockerfile("HEALTHCHECK").split(" CMD ", 1)[1]
    roles = [
        COMPOSE["services"][service].get("command", json.loads(dockerfile("CMD")))
        for service in SERVING
        for _ in range(COMPOSE["services"][service]["deploy"]["replicas"])
    ]
    assert [command[command.index("--role") + 1] for command in roles] == ["web", "web", "worker"]
    processes = []
    try:
        for command in roles:
            env = settings | {"PORT": str(free_port())}
            process = subprocess.Popen(
                command,
                env=env,
                cwd=tmp_path,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            processes.append(process)
            assert _started(process), f"{command} did not start the server"
            checked = subprocess.run(
                ["sh", "-c", health_check], env=env, capture_output=True, text=True, timeout=30
            )
            assert checked.returncode == 0, checked.stderr
    finally:
        for process in processes:
            process.terminate()
            process.communicate(timeout=60)


def _started(process: subprocess.Popen[str]) -> bool:
    """The server says it is listening (its banner ends with how to stop it) once it is."""
    assert process.stdout is not None
    return any("Ctrl+C" in line for line in process.stdout)

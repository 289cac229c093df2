"""Where learning goes, as an operator sets it: a channel per audience, and a default for all."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.runtime import Runtime


def test_a_channel_per_audience_and_the_default_for_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "REFLECTBOT_LEARNING_CHANNELS", "CPC Lead Officer=C0CPC; Case Review Committee=C0CRC"
    )
    monkeypatch.setenv("REFLECTBOT_LEARNING_CHANNEL", "C0ALL")
    routes = Settings().learning_routes
    assert routes.channel_for("CPC Lead Officer") == "C0CPC"
    assert routes.channel_for("Case Review Committee") == "C0CRC"
    assert routes.channel_for("Safeguarding Partnership") == "C0ALL"


def test_with_neither_setting_learning_has_nowhere_to_go(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFLECTBOT_LEARNING_CHANNELS", raising=False)
    monkeypatch.delenv("REFLECTBOT_LEARNING_CHANNEL", raising=False)
    assert Settings().learning_routes.channel_for("CPC Lead Officer") is None


@pytest.mark.parametrize("text", ["C0CPC", "CPC Lead Officer:C0CPC", "=C0CPC"])
def test_a_setting_that_is_not_audience_channel_pairs_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.setenv("REFLECTBOT_LEARNING_CHANNELS", text)
    with pytest.raises(ValidationError, match="is not audience=channel"):
        Settings()


async def test_a_platform_process_warns_of_audiences_without_a_channel_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'start.sqlite3'}",
        slack_bot_token="xoxb-test",
        slack_signing_secret="secret",
        learning_channels="CPC Lead Officer=C0CPC;Case Review Comittee=C0CRC",
    )
    with caplog.at_level(logging.WARNING, logger="bot.runtime"):
        runtime = Runtime.build(settings)
    await runtime.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "learning: no learning channel for Case Review Committee: its learning themes will not "
        "be sent",
        "learning: REFLECTBOT_LEARNING_CHANNELS names 'case review comittee', which no model's "
        "learning_audience is",
    ]


def test_the_public_url_is_a_web_address_without_its_last_slash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REFLECTBOT_PUBLIC_URL", "https://reflectbot.example.org/")
    assert Settings().public_url == "https://reflectbot.example.org"
    monkeypatch.setenv("REFLECTBOT_PUBLIC_URL", "")
    assert Settings().public_url is None
    monkeypatch.setenv("REFLECTBOT_PUBLIC_URL", "reflectbot.example.org")
    with pytest.raises(ValidationError, match="is not a web address"):
        Settings()

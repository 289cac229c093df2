"""The app manifest matches what the adapter listens for and asks for no more than it uses."""

from __future__ import annotations

from pathlib import Path

import yaml

from adapters.slack.commands import COMMAND
from adapters.slack.install import EVENTS_PATH

MANIFEST = Path(__file__).parents[2] / "manifest" / "slack" / "manifest.yaml"


def test_the_manifest_sends_everything_to_the_one_events_url() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    settings = manifest["settings"]
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["should_escape"] is True
    urls = {
        command["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    }
    assert len(urls) == 1
    assert urls.pop().endswith(EVENTS_PATH)
    assert settings["interactivity"]["is_enabled"] is True


def test_the_manifest_subscribes_to_channel_messages_with_the_least_scopes() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "message.channels",
        "message.groups",
    ]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "channels:history",
        "groups:history",
        "channels:read",
        "groups:read",
        "users:read",
        "im:write",
        "files:write",
        "im:history",
    }

"""The Teams app package: a manifest the official schema accepts, icons Teams accepts."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from adapters.teams.package import MANIFEST_DIR, PackageError, build_package

# MicrosoftTeams.schema.json v1.25, as published by Microsoft in the npm package
# @microsoft/app-manifest (build/json-schemas/teams/v1.25/).
SCHEMA = json.loads((Path(__file__).parent / "MicrosoftTeams.schema.json").read_text())
APP_ID = "0b07b07b-0000-4000-8000-000000000001"


def _validate(manifest: dict) -> None:
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    errors = sorted(validator.iter_errors(manifest), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_the_manifest_template_is_valid() -> None:
    _validate(json.loads((MANIFEST_DIR / "manifest.json").read_text()))


def test_the_schema_check_catches_a_broken_manifest() -> None:
    manifest = json.loads((MANIFEST_DIR / "manifest.json").read_text())
    manifest["bots"][0]["scopes"] = ["everywhere"]
    with pytest.raises(AssertionError):
        _validate(manifest)


def test_the_package_has_the_app_id_the_permissions_and_the_icons(tmp_path: Path) -> None:
    path = build_package(APP_ID, tmp_path / "reflectbot.zip")

    with zipfile.ZipFile(path) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color = Image.open(io.BytesIO(package.read("color.png")))
        outline = Image.open(io.BytesIO(package.read("outline.png")))
    _validate(manifest)
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["webApplicationInfo"]["id"] == APP_ID
    assert {"team", "groupChat"} <= set(manifest["bots"][0]["scopes"])
    commands = {c["title"] for lst in manifest["bots"][0]["commandLists"] for c in lst["commands"]}
    assert {"start", "models", "status", "end", "help"} <= commands
    permissions = manifest["authorization"]["permissions"]["resourceSpecific"]
    assert {"name": "ChannelMessage.Read.Group", "type": "Application"} in permissions

    assert color.format == "PNG" and color.size == (192, 192)
    assert outline.format == "PNG" and outline.size == (32, 32) and outline.mode == "RGBA"
    raw = outline.tobytes()
    pixels = [tuple(raw[i : i + 4]) for i in range(0, len(raw), 4)]
    assert {p[:3] for p in pixels if p[3] > 0} == {(255, 255, 255)}, "white on transparent"
    assert any(p[3] == 0 for p in pixels)


@pytest.mark.parametrize("app_id", [None, "", "not-a-guid"])
def test_the_package_needs_the_bot_app_id(tmp_path: Path, app_id: str | None) -> None:
    with pytest.raises(PackageError, match="MICROSOFT_APP_ID"):
        build_package(app_id, tmp_path / "reflectbot.zip")
    assert not (tmp_path / "reflectbot.zip").exists()

"""The Teams app package: manifest.json with the bot's app id, and the two icons, in one zip."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import manifest

MANIFEST_DIR = Path(manifest.__file__).resolve().parent / "teams"
ICONS = ("color.png", "outline.png")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class PackageError(ValueError):
    """The package cannot be built; the message says what to fix."""


def manifest_for(app_id: str, manifest_dir: Path = MANIFEST_DIR) -> dict[str, Any]:
    """The manifest with the app id in every place Teams expects it."""
    if not _GUID.match(app_id):
        raise PackageError(
            "MICROSOFT_APP_ID must be the bot's Microsoft Entra application (client) id, "
            "a GUID such as 00000000-0000-0000-0000-000000000000."
        )
    manifest = json.loads((manifest_dir / "manifest.json").read_text(encoding="utf-8"))
    # The app, its bot and its resource-specific consent all use the one app registration.
    manifest["id"] = app_id
    for bot in manifest["bots"]:
        bot["botId"] = app_id
    manifest["webApplicationInfo"] = {"id": app_id, "resource": f"api://botid-{app_id}"}
    return manifest


def build_package(app_id: str | None, output: Path, manifest_dir: Path = MANIFEST_DIR) -> Path:
    """Write the zip to upload in Teams or the Teams admin centre; returns its path."""
    if not app_id:
        raise PackageError("Set MICROSOFT_APP_ID to the bot's app id before building the package.")
    manifest = manifest_for(app_id, manifest_dir)
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        for icon in ICONS:
            package.write(manifest_dir / icon, arcname=icon)
    return output

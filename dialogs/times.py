"""The organisation's time zone, in which every time is shown and typed (24-hour, zone named).

Times are kept in UTC; they are turned into the organisation's zone only to be shown to people,
and a time someone types (a later start) is read in that zone. The zone is a setting
(`REFLECTBOT_TIMEZONE`), given here once when the process starts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Europe/London"
# Plain words for zones people know by another name.
_LABELS = {"Europe/London": "UK time", "UTC": "UTC", "Etc/UTC": "UTC"}

_zone = ZoneInfo(DEFAULT_ZONE)


def use_zone(name: str) -> None:
    """Set the organisation's zone (a valid IANA name, checked by the settings)."""
    global _zone
    _zone = ZoneInfo(name)


def zone() -> ZoneInfo:
    return _zone


def zone_label() -> str:
    """How the zone is named next to a time: "UK time", or its IANA name."""
    return _LABELS.get(_zone.key, _zone.key)


def local(moment: datetime) -> datetime:
    return moment.astimezone(_zone)


def clock_time(moment: datetime) -> str:
    """E.g. "14:05 (UK time)"."""
    return f"{local(moment):%H:%M} ({zone_label()})"


def date_and_time(moment: datetime) -> str:
    """E.g. "3 December 2026 at 14:05 (UK time)"."""
    shown = local(moment)
    return f"{shown.day} {shown:%B %Y at %H:%M} ({zone_label()})"


def from_local(typed: datetime) -> datetime:
    """A time without a zone, typed by someone, read in the organisation's zone; in UTC."""
    return typed.replace(tzinfo=_zone).astimezone(UTC)

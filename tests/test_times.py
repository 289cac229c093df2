"""The organisation's time zone: a setting, checked, in which times are shown and typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bot.config import Settings
from dialogs import times

SUMMER = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _london_again() -> Iterator[None]:
    yield
    times.use_zone(times.DEFAULT_ZONE)


def test_the_zone_is_europe_london_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REFLECTBOT_TIMEZONE", raising=False)
    assert Settings().timezone == "Europe/London"
    monkeypatch.setenv("REFLECTBOT_TIMEZONE", "Europe/Dublin")
    assert Settings().timezone == "Europe/Dublin"


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "London"])
def test_a_zone_that_does_not_exist_is_refused(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("REFLECTBOT_TIMEZONE", name)
    with pytest.raises(ValidationError, match="is not a time zone"):
        Settings()


def test_times_are_24_hour_in_the_zone_and_name_it() -> None:
    assert times.clock_time(SUMMER) == "14:05 (UK time)"
    assert times.date_and_time(SUMMER) == "1 July 2026 at 14:05 (UK time)"
    assert times.clock_time(datetime(2026, 12, 1, 19, 41, tzinfo=UTC)) == "19:41 (UK time)"
    times.use_zone("America/New_York")
    assert times.clock_time(SUMMER) == "09:05 (America/New_York)"


def test_a_typed_time_is_read_in_the_zone() -> None:
    assert times.from_local(datetime(2026, 7, 1, 14, 5)) == SUMMER
    times.use_zone("UTC")
    assert times.from_local(datetime(2026, 7, 1, 14, 5)) == SUMMER.replace(hour=14)
    assert times.clock_time(SUMMER) == "13:05 (UTC)"

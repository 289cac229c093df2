"""A session service and dispatcher on the test store, delivering to a recording fake platform."""

from __future__ import annotations

import pytest
from service_kit import PLATFORM, FakePlatform

from bot.clock import ManualClock
from bot.dispatcher import Dispatcher
from bot.service import SessionService
from dialogs.learning import LearningRoutes
from storage.unit_of_work import Store


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def service(store: Store, clock: ManualClock) -> SessionService:
    service = SessionService(store, clock)
    service.learning = LearningRoutes(default="C-LEARN")  # as a configured deployment has
    return service


@pytest.fixture
def dispatcher(store: Store, clock: ManualClock, platform: FakePlatform) -> Dispatcher:
    return Dispatcher(store, clock, {PLATFORM: platform}, max_attempts=4)

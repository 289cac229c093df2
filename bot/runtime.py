"""Everything one process needs, built once from the settings."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.dispatcher import Deliverer, Dispatcher
from bot.service import SessionService
from dialogs.models.catalogue import Catalogue
from storage import migrate
from storage.unit_of_work import Store

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    clock: Clock
    catalogue: Catalogue
    service: SessionService
    dispatcher: Dispatcher
    deliverers: dict[str, Deliverer] = field(default_factory=dict)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        clock = clock or SystemClock()
        store = Store.open(settings.database_url)
        catalogue = Catalogue.load(settings.models_dir)
        for problem in catalogue.problems:
            log.error("model file skipped: %s", problem)
        deliverers: dict[str, Deliverer] = {}
        dispatcher = Dispatcher(store, clock, deliverers)
        service = SessionService(store, clock, on_commit=dispatcher.wake)
        runtime = cls(settings, store, clock, catalogue, service, dispatcher, deliverers)
        if settings.secret:
            runtime.secret = settings.secret.encode()
        return runtime

    async def prepare_database(self) -> None:
        """SQLite (the embedded default) is brought up to date on start; PostgreSQL is left to
        `reflectbot db upgrade`, run once per deploy, so that N processes do not race."""
        if self.store.is_sqlite:
            await migrate.upgrade(self.store)
        elif not await migrate.is_current(self.store):
            raise SystemExit(
                "The database schema is not up to date: run `reflectbot db upgrade` first."
            )

    async def close(self) -> None:
        await self.store.close()

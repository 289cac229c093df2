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

    def __post_init__(self) -> None:
        self.dispatcher.on_recorded = self.service.apply_kept_replies

    @property
    def secret(self) -> bytes:
        return self.service.secret

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        clock = clock or SystemClock()
        store = Store.open(settings.database_url)
        catalogue = Catalogue.load(settings.models_dir)
        for problem in catalogue.problems:
            log.error("model file skipped: %s", problem)
        deliverers: dict[str, Deliverer] = {}
        dispatcher = Dispatcher(store, clock, deliverers)
        # Until prepare() reads the database, a process without REFLECTBOT_SECRET has its own.
        secret = settings.secret.encode() if settings.secret else secrets.token_bytes(32)
        service = SessionService(store, clock, on_commit=dispatcher.wake, secret=secret)
        return cls(settings, store, clock, catalogue, service, dispatcher, deliverers)

    async def prepare_database(self) -> None:
        """SQLite (the embedded default) is brought up to date on start; PostgreSQL is left to
        `reflectbot db upgrade`, run once per deploy, so that N processes do not race."""
        if self.store.is_sqlite:
            await migrate.upgrade(self.store)
        elif not await migrate.is_current(self.store):
            raise SystemExit(
                "The database schema is not up to date: run `reflectbot db upgrade` first."
            )
        if not self.settings.secret:
            # Every process and every restart must hash watch-lists with the same key. Kept in
            # the database, the key protects less than one kept apart in REFLECTBOT_SECRET.
            async with self.store.transaction() as uow:
                self.service.secret = await uow.instance.secret(secrets.token_bytes(32))

    async def close(self) -> None:
        await self.store.close()

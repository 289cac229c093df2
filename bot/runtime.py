"""Everything one process needs, built once from the settings."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.dispatcher import PROGRESS_WINDOW, Deliverer, Dispatcher
from bot.learning import LearningPublisher
from bot.service import SessionService
from dialogs.learning import routing_problems
from dialogs.models.catalogue import Catalogue
from dialogs.times import use_zone
from storage import migrate
from storage.unit_of_work import Store

log = logging.getLogger(__name__)

# A server whose database cannot be reached tries again after 0.5 s, 1 s, 2 s … at most 30 s.
RETRY_FIRST_SECONDS = 0.5
RETRY_MOST_SECONDS = 30.0


class SchemaNotCurrent(SystemExit):
    """PostgreSQL's schema is behind this code: a command stops (as SystemExit does); the
    server keeps trying until `reflectbot db upgrade` has run."""


def retry_delays(
    first: float = RETRY_FIRST_SECONDS, most: float = RETRY_MOST_SECONDS
) -> Iterator[float]:
    """Exponential backoff: first, twice that, … then `most` for ever."""
    delay = first
    while True:
        yield min(delay, most)
        delay *= 2


def describe_failure(error: BaseException, url: str) -> str:
    """The error's class and the first line of its message, without the database password:
    one log line, never a stack trace (a stack trace a minute is noise while a database is
    down)."""
    if isinstance(error, SchemaNotCurrent):
        return f"{type(error).__name__}: {error.code}"
    cause: BaseException = error
    if isinstance(error, DBAPIError) and error.orig is not None:
        # The driver's own error (asyncpg's InvalidCatalogNameError, not SQLAlchemy's wrapper).
        cause = error.orig
        while cause.__cause__ is not None:
            cause = cause.__cause__
    message = str(cause).strip().splitlines()[0] if str(cause).strip() else "no message"
    password = make_url(url).password
    if password:
        message = message.replace(str(password), "***")
    if len(message) > 200:
        message = message[:199] + "…"
    return f"{type(cause).__name__}: {message}"


@dataclass
class Runtime:
    settings: Settings
    store: Store
    clock: Clock
    catalogue: Catalogue
    service: SessionService
    dispatcher: Dispatcher
    deliverers: dict[str, Deliverer] = field(default_factory=dict)
    # Each platform's way of posting the learning digest (the adapters add theirs).
    learning_publishers: dict[str, LearningPublisher] = field(default_factory=dict)
    # What the adapters finish (or cancel) before the process stops: work they started after
    # answering a request, such as a learning report still being made.
    stopping: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Held open while the app is served, around everything else it runs (so closed only once
    # the deliveries have stopped): the platforms' HTTP sessions, which keep their connections.
    held_open: list[Callable[[], AbstractAsyncContextManager[None]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.dispatcher.on_recorded = self.service.apply_kept_replies
        self.dispatcher.on_learning_failed = self.service.learning_refused
        self.service.learning = self.settings.learning_routes

    @property
    def secret(self) -> bytes:
        return self.service.secret

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Runtime:
        clock = clock or SystemClock()
        use_zone(settings.timezone)
        store = Store.open(settings.database_url)
        catalogue = Catalogue.load(settings.models_dir)
        for problem in catalogue.problems:
            log.error("model file skipped: %s", problem)
        if settings.slack_enabled or settings.teams_enabled:
            audiences = [m.record.learning_audience for m in catalogue.models.values()]
            for problem in routing_problems(settings.learning_routes, audiences):
                log.warning("learning: %s", problem)
        deliverers: dict[str, Deliverer] = {}
        dispatcher = Dispatcher(store, clock, deliverers, progress_window=PROGRESS_WINDOW)
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
            raise SchemaNotCurrent(
                "The database schema is not up to date: run `reflectbot db upgrade` first."
            )
        if not self.settings.secret:
            # Every process and every restart must hash watch-lists with the same key. Kept in
            # the database, the key protects less than one kept apart in REFLECTBOT_SECRET.
            async with self.store.transaction() as uow:
                self.service.secret = await uow.instance.secret(secrets.token_bytes(32))

    async def close(self) -> None:
        await self.store.close()

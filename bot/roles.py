"""What a serving process does: `reflectbot serve --role web|worker|all`."""

from __future__ import annotations

from enum import StrEnum

# How often a dispatcher looks at the outbox when nothing wakes it. On SQLite, the one process
# that writes also delivers and wakes its dispatcher itself, so this only covers what another
# command queued. On PostgreSQL, workers are woken by NOTIFY, and this slower look is the
# safety net for notifications that never arrive: NOTIFY reaches only connected listeners, so
# one sent while a worker's listening connection is down or reconnecting (a database restart,
# a network cut the connection has not noticed yet) is lost. Retries and held progress updates
# do not wait for it: the dispatcher wakes when the next of them is due.
POLL_SECONDS_SQLITE = 1.0
POLL_SECONDS_LISTENING = 15.0


class Role(StrEnum):
    WEB = "web"  # answers Slack, Teams and the practice room: commits state and outbox, acks
    WORKER = "worker"  # delivers the outbox and runs the timers; serves only GET /healthz
    ALL = "all"  # both, in one process (the default, and the only role on SQLite)

    @property
    def answers_requests(self) -> bool:
        return self is not Role.WORKER

    @property
    def delivers(self) -> bool:
        return self is not Role.WEB


class RoleNeedsPostgres(SystemExit):
    pass


def check_role(role: Role, is_sqlite: bool) -> None:
    """Split roles need PostgreSQL: a worker learns of queued effects from NOTIFY, which SQLite
    does not have, and SQLite serialises every write, so a second process adds nothing."""
    if role is not Role.ALL and is_sqlite:
        raise RoleNeedsPostgres(
            f"--role {role.value} needs PostgreSQL (DATABASE_URL=postgresql+asyncpg://…). "
            "On SQLite one process answers requests and delivers: run `reflectbot serve` "
            "(--role all)."
        )

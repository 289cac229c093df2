"""The learning report, loaded from the database: every caller (the command line, the
digest, the on-demand command, the practice room) builds it here."""

from __future__ import annotations

from bot.clock import Clock
from dialogs.learning_report import LearningReport, Scope, build_report
from dialogs.models.catalogue import Catalogue
from dialogs.times import local
from storage.unit_of_work import Store


async def load_report(
    store: Store, catalogue: Catalogue, clock: Clock, scope: Scope
) -> LearningReport:
    async with store.transaction() as uow:
        sessions = await uow.sessions.listing()
        evaluations = await uow.evaluations.submitted(scope.period.start, scope.period.end)
    return build_report(
        (s.state for s in sessions),
        evaluations,
        catalogue.models,
        scope,
        today=local(clock.now()).date(),
    )


def audiences(catalogue: Catalogue) -> list[str]:
    """The learning audiences the installed models name."""
    return sorted({m.record.learning_audience for m in catalogue if m.record.learning_audience})

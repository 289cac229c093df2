"""Retention: what people wrote goes some days after a session ends; the approved record stays."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from dialogs.state import Phase, SessionState


def answers_expired(state: SessionState, now: datetime, days: int) -> bool:
    ended = state.ended_at
    return (
        state.answers_deleted_at is None
        and ended is not None
        and now >= ended + timedelta(days=days)
    )


def without_answers(state: SessionState, now: datetime) -> SessionState:
    """The state with every copy of what people wrote removed: raw answers, and the draft the
    template made of them. A published session keeps its approved record (with the key points
    it was drafted from); a cancelled one had no record, and keeps nothing of the discussion."""
    kept = copy.deepcopy(state, memo={id(state.model): state.model})
    for question in kept.questions.values():
        question.answers = []
    if kept.phase is Phase.PUBLISHED and kept.record is not None:
        kept.record.generated = {}
        kept.record.flagged = {}
    else:
        kept.record = None
        kept.stage_notes = {}
    kept.captured = {}
    kept.answers_deleted_at = now
    return kept

"""Minimal retention: raw answers go some days after a session ends; the record stays."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from dialogs.state import SessionState


def answers_expired(state: SessionState, now: datetime, days: int) -> bool:
    ended = state.ended_at
    return (
        state.answers_deleted_at is None
        and ended is not None
        and now >= ended + timedelta(days=days)
    )


def without_answers(state: SessionState, now: datetime) -> SessionState:
    """The state with every raw answer removed; the approved record and key points remain."""
    kept = copy.deepcopy(state, memo={id(state.model): state.model})
    for question in kept.questions.values():
        question.answers = []
    kept.answers_deleted_at = now
    return kept

"""Logs carry ids and counts only: never an answer's words, and never a participant's name."""

from __future__ import annotations

import logging

import pytest
from service_kit import (
    NAMES,
    PEOPLE,
    FakePlatform,
    answer_text,
    conversation,
    fail_on,
    run_to_publication,
    start_event,
)

from bot.clock import ManualClock
from bot.dispatcher import DeliveryFailed, Dispatcher, RetryLater
from bot.service import SessionService
from dialogs.effects import Ephemeral, Post
from storage.unit_of_work import Store


async def test_a_whole_session_logs_no_answer_text_and_no_names(
    store: Store,
    clock: ManualClock,
    platform: FakePlatform,
    dispatcher: Dispatcher,
    caplog: pytest.LogCaptureFixture,
):
    # Failures make the dispatcher log about effects whose content holds answers and names.
    platform.failures.append(fail_on(Post, RetryLater(0, "429 rate limited"), times=1))
    platform.failures.append(fail_on(Ephemeral, DeliveryFailed("user_not_in_channel"), times=1))
    service = SessionService(store, clock)
    caplog.set_level(logging.DEBUG)
    outcome = await service.start(conversation(), start_event("portsmouth-rpm"))
    assert outcome.session_id is not None
    final = await run_to_publication(service, dispatcher, clock, outcome.session_id)

    logged = "\n".join(
        f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    assert final.model.record.title
    assert any(r.name.startswith("bot.") for r in caplog.records), "nothing was logged at all"
    secrets = [answer_text(person, q.id) for q in final.questions.values() for person in PEOPLE]
    secrets += [*NAMES, "Key points, agreed.", "Reviewed by the facilitator."]
    leaked = [secret for secret in secrets if secret in logged]
    assert leaked == []

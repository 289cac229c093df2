"""Not a decision-making forum (seeds 001, 003): Moray's and Argyll & Bute's records take no
actions with owners and review dates, so nobody is reminded; the record form asks instead what to
take back to the child's plan meeting or core group. Models that do decide keep their actions."""

from __future__ import annotations

import pytest
from engine_kit import FACILITATOR, POLICE, Session, builtin

from dialogs import events as ev
from dialogs.captured import form_id
from dialogs.engine import next_wake
from dialogs.messages import action_field, record_form
from dialogs.state import Phase

FAC = FACILITATOR.user_id
ACTION = {
    action_field(1, "text"): "Book a core group.",
    action_field(1, "owner"): POLICE.user_id,
    action_field(1, "review"): "2026-12-01",
}


def drafted(model_id: str) -> Session:
    session = Session(builtin(model_id))
    session.run_to_record()
    return session


@pytest.mark.parametrize("model_id", ["moray-rcd", "kolb"])
def test_a_model_that_decides_nothing_has_no_action_rows_and_refuses_them(model_id: str):
    session = drafted(model_id)
    assert not builtin(model_id).record.tracks_actions
    fields = {f.id for f in record_form(session.state).fields}
    assert not [f for f in fields if f.startswith("agreed-action-")]
    session.edit_record(**ACTION)
    assert session.state.phase is Phase.RECORD_DRAFT, "nothing was saved"
    assert "not a decision-making forum" in session.told(FAC)[0]
    assert "child's plan meeting or core group" in session.told(FAC)[0]
    session.edit_record()
    session.do(ev.Approve(actor=FAC))
    assert session.state.phase is Phase.PUBLISHED
    assert session.state.record is not None and session.state.record.actions == []
    assert next_wake(session.state, session.now) is None, "no review reminder will ever be due"


@pytest.mark.parametrize("model_id", ["morrison-4x4x4", "portsmouth-rpm", "space-to-think"])
def test_a_model_that_agrees_actions_keeps_owners_and_review_dates(model_id: str):
    session = drafted(model_id)
    assert builtin(model_id).record.tracks_actions
    assert action_field(1, "owner") in {f.id for f in record_form(session.state).fields}
    session.edit_record(**ACTION)
    assert session.state.phase is Phase.AWAITING_APPROVAL
    assert session.state.record is not None and len(session.state.record.actions) == 1


TAKE_BACK = {
    "moray-rcd": "What to take back to the child planning meeting or core group",
    "kolb": "Changes to actions or outcomes of the child's plan, to be taken back to the child's "
    "plan meeting, core group/child protection planning meeting",
}


@pytest.mark.parametrize("model_id", ["moray-rcd", "kolb"])
def test_the_record_form_asks_what_to_take_back_and_the_record_keeps_it(model_id: str):
    session = drafted(model_id)
    (asked,) = [f for f in record_form(session.state).fields if f.id == form_id("take_back")]
    assert asked.label == TAKE_BACK[model_id]
    words = "Ask the core group to review the school's part in the plan."
    session.edit_record(**{form_id("take_back"): words})
    session.do(ev.Approve(actor=FAC))
    assert session.state.phase is Phase.PUBLISHED
    record = session.published()
    at = [b.text for b in record.blocks].index(
        next(s.title for s in builtin(model_id).record.sections if s.id == "take_back")
    )
    assert record.blocks[at + 1].text == words


@pytest.mark.parametrize("model_id", ["morrison-4x4x4", "portsmouth-rpm", "space-to-think"])
def test_a_model_that_agrees_actions_asks_no_take_back(model_id: str):
    session = drafted(model_id)
    assert form_id("take_back") not in {f.id for f in record_form(session.state).fields}

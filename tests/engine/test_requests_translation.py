"""Requests' buttons and forms -> forms to open and events, shared by every adapter."""

from __future__ import annotations

from dialogs import events as ev
from dialogs.content import ActionId, Form, FormId
from dialogs.requests import (
    AcceptRequest,
    ConfirmFacilitation,
    DeclineRequest,
    Urgency,
    request_button,
    screening_decision,
    submitted_request,
)

ASKER = ev.Person(user_id="U-REQ", name="Rae Teacher", agency="School")


def test_screening_buttons_open_their_forms_for_the_request():
    accept = request_button(ActionId.SCREEN_ACCEPT.value, "r-1", "U-SCR")
    decline = request_button(ActionId.SCREEN_DECLINE.value, "r-1", "U-SCR")
    assert isinstance(accept, Form) and accept.id is FormId.ACCEPT_REQUEST and accept.value == "r-1"
    assert isinstance(decline, Form) and decline.id is FormId.DECLINE_REQUEST


def test_the_facilitators_answer():
    assert request_button(ActionId.CONFIRM_NOT_INVOLVED.value, "r-1", "U-F") == ConfirmFacilitation(
        actor="U-F", no_involvement=True
    )
    assert request_button(ActionId.CONFIRM_INVOLVED.value, "r-1", "U-F") == ConfirmFacilitation(
        actor="U-F", no_involvement=False
    )


def test_other_buttons_and_missing_ids_are_not_requests():
    assert request_button(ActionId.BEGIN.value, "r-1", "U") is None
    assert request_button(ActionId.SCREEN_ACCEPT.value, "", "U") is None


def test_a_submitted_request_form():
    fields = {
        "case_reference": "CR-7",
        "agencies": "School",
        "why_stuck": "Stuck.",
        "urgency": "urgent",
    }
    event = submitted_request(fields, actor="U-REQ", request_id="r-1", requester=ASKER)
    assert event is not None and event.urgency is Urgency.URGENT and event.case_reference == "CR-7"
    assert (
        submitted_request({**fields, "why_stuck": " "}, actor="U", request_id="r", requester=ASKER)
        is None
    )
    assert (
        submitted_request(
            {**fields, "urgency": "whenever"}, actor="U", request_id="r", requester=ASKER
        )
        is None
    )


NONE_APPLY = {"multiagency_escalation": "no", "learning_review": "no", "child_protection": "no"}


def test_screening_decisions():
    chosen = ev.Person(user_id="U-F", name="Fay")
    assert screening_decision(
        FormId.ACCEPT_REQUEST.value, NONE_APPLY, "U-S", chosen
    ) == AcceptRequest(actor="U-S", facilitator=chosen)
    assert screening_decision(FormId.ACCEPT_REQUEST.value, NONE_APPLY, "U-S") is None
    assert screening_decision(
        FormId.DECLINE_REQUEST.value, {**NONE_APPLY, "reason": "Escalate."}, "U-S"
    ) == DeclineRequest(actor="U-S", reason="Escalate.")
    assert (
        screening_decision(FormId.DECLINE_REQUEST.value, {**NONE_APPLY, "reason": ""}, "U-S")
        is None
    )
    assert screening_decision(FormId.ACCEPT_REQUEST.value, {}, "U-S", chosen) is None

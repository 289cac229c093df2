"""A request's buttons and forms -> request events: one translation, shared by every adapter."""

from __future__ import annotations

import pytest

from dialogs.content import ActionId, FieldKind, FormId
from dialogs.events import Person
from dialogs.requests import (
    AcceptRequest,
    ConfirmFacilitation,
    DeclineRequest,
    SubmitRequest,
    Urgency,
    request_button_event,
    request_button_form,
    request_form_event,
)

REQUESTER = Person(user_id="U-REQ", name="Rae Teacher")
SCREENER = Person(user_id="U-SCR", name="Sam Screener")
FACILITATOR = Person(user_id="U-FAC", name="Fran Facilitator")


@pytest.mark.parametrize(
    ("action", "form"),
    [
        (ActionId.SCREEN_ACCEPT, FormId.ACCEPT_REQUEST),
        (ActionId.SCREEN_DECLINE, FormId.DECLINE_REQUEST),
    ],
)
def test_screening_buttons_open_their_form_for_the_request(action: ActionId, form: FormId):
    opened = request_button_form(action.value, "r-1")
    assert opened is not None and opened.id is form and opened.value == "r-1"


def test_the_accept_form_asks_for_anyone_as_facilitator():
    opened = request_button_form(ActionId.SCREEN_ACCEPT.value, "r-1")
    assert opened is not None
    (field,) = opened.fields
    assert field.kind is FieldKind.PERSON and not field.options


@pytest.mark.parametrize(
    ("action", "no_involvement"),
    [(ActionId.CONFIRM_NOT_INVOLVED, True), (ActionId.CONFIRM_INVOLVED, False)],
)
def test_confirmation_buttons(action: ActionId, no_involvement: bool):
    assert request_button_event(action.value, "r-1", "U-FAC") == ConfirmFacilitation(
        actor="U-FAC", no_involvement=no_involvement
    )


@pytest.mark.parametrize(
    ("action", "value"),
    [
        ("nonsense", "r-1"),
        (ActionId.NEXT.value, "r-1"),
        (ActionId.SCREEN_ACCEPT.value, ""),
        (ActionId.CONFIRM_INVOLVED.value, ""),
    ],
)
def test_other_or_malformed_buttons_give_nothing(action: str, value: str):
    assert request_button_event(action, value, "U-FAC") is None
    assert request_button_form(action, value) is None


def test_the_request_form_gives_a_request_from_its_author():
    fields = {
        "case_reference": " CR-7 ",
        "agencies": "School, police",
        "why_stuck": "Agencies disagree.",
        "urgency": "soon",
    }
    event = request_form_event(FormId.REQUEST.value, fields, REQUESTER, request_id="r-9")
    assert event == SubmitRequest(
        actor="U-REQ",
        request_id="r-9",
        requester=REQUESTER,
        case_reference="CR-7",
        agencies="School, police",
        why_stuck="Agencies disagree.",
        urgency=Urgency.SOON,
    )


def test_the_accept_form_names_a_known_person():
    event = request_form_event(
        FormId.ACCEPT_REQUEST.value,
        {"facilitator": "U-FAC"},
        SCREENER,
        request_id="r-1",
        people={"U-FAC": FACILITATOR},
    )
    assert event == AcceptRequest(actor="U-SCR", facilitator=FACILITATOR)


def test_the_decline_form_carries_the_reason():
    event = request_form_event(
        FormId.DECLINE_REQUEST.value, {"reason": "Escalate instead."}, SCREENER, request_id="r-1"
    )
    assert event == DeclineRequest(actor="U-SCR", reason="Escalate instead.")


@pytest.mark.parametrize(
    ("form", "fields", "request_id"),
    [
        (FormId.REQUEST.value, {"case_reference": "CR-7", "agencies": "A"}, "r-1"),
        (
            FormId.REQUEST.value,
            {"case_reference": "x" * 65, "agencies": "A", "why_stuck": "W"},
            "r-1",
        ),
        (
            FormId.REQUEST.value,
            {"case_reference": "C", "agencies": "A", "why_stuck": "W", "urgency": "now!"},
            "r-1",
        ),
        (FormId.REQUEST.value, {"case_reference": "C", "agencies": "A", "why_stuck": "W"}, ""),
        (FormId.ACCEPT_REQUEST.value, {"facilitator": "U-NOBODY"}, "r-1"),
        (FormId.DECLINE_REQUEST.value, {"reason": "  "}, "r-1"),
        (FormId.KEY_POINTS.value, {"text": "K"}, "r-1"),
        ("nonsense", {}, "r-1"),
    ],
)
def test_malformed_or_foreign_forms_give_nothing(
    form: str, fields: dict[str, str], request_id: str
):
    people = {"U-FAC": FACILITATOR}
    assert request_form_event(form, fields, SCREENER, request_id=request_id, people=people) is None

"""What the facilitator confirms at setup: no involvement in the case, the model's setup
confirmations, the session's confidentiality points, the chair; and a session set up from a
request (dialogs/setup.py, dialogs/requests.py)."""

from __future__ import annotations

from engine_kit import FACILITATOR, POLICE, T0, builtin, content_text, small_model, start_event

from dialogs import events as ev
from dialogs.effects import AuditNote, DirectMessage, Ephemeral, Post
from dialogs.engine import step
from dialogs.requests import (
    AcceptRequest,
    ConfirmFacilitation,
    DeclineRequest,
    RequestStatus,
    SessionSetUp,
    SubmitRequest,
    request_form,
    screening_decision,
    start_from,
    step_request,
    submitted_request,
    waiting_for_session,
)
from dialogs.rerun import rerun
from dialogs.setup import chair_words, confirmation_label, record_details
from dialogs.state import SessionState

FAC = FACILITATOR.user_id


def started(**setup: object) -> tuple[SessionState, list]:  # type: ignore[type-arg]
    result = step(None, start_event(**setup), T0)  # type: ignore[arg-type]
    assert result.state is not None, result.effects
    return result.state, result.effects


def refused(**setup: object) -> str:
    result = step(None, start_event(**setup), T0)  # type: ignore[arg-type]
    assert result.state is None
    (only,) = result.effects
    assert isinstance(only, Ephemeral) and only.user_id == FAC
    return content_text(only)


# -- the declaration -------------------------------------------------------------------------


def test_moray_refuses_a_facilitator_who_has_not_declared_no_involvement():
    """Moray 3.2: the facilitator "does not have any involvement in the case"."""
    words = refused(model=builtin("moray-rcd"), no_involvement=False)
    assert "does not have any involvement in the case" in words
    assert "the session has not started" in words


def test_the_declaration_is_audited_kept_shown_and_in_the_record():
    state, effects = started(model=builtin("moray-rcd"), no_involvement=True)
    assert state.no_involvement
    assert AuditNote(action="declared no involvement in the case", actor=FAC) in effects
    (root,) = [e for e in effects if isinstance(e, Post)]
    assert "declared no involvement in the case" in content_text(root)
    assert ("Facilitator's declaration", "No involvement in the case") in record_details(state)


def test_a_model_that_does_not_require_it_starts_without_and_the_record_says_so():
    state, effects = started(model=small_model(), no_involvement=False)
    assert not any(isinstance(e, AuditNote) and "involvement" in e.action for e in effects)
    assert ("Facilitator's declaration", "Not made") in record_details(state)


# -- setup confirmations and confidentiality ---------------------------------------------------


def test_setup_confirmations_are_audited_and_each_is_shown_in_the_record():
    model = builtin("space-to-think")
    state, effects = started(model=model, confirmed=("families_informed",))
    assert AuditNote(action="confirmed at setup: families_informed", actor=FAC) in effects
    details = dict(record_details(state))
    families = next(c for c in model.setup_confirmations if c.id == "families_informed")
    assert "inform" in families.text and "exists alongside other systems" in families.text
    assert details[confirmation_label(families.text)] == "Confirmed at setup"
    others = [c for c in model.setup_confirmations if c.id != "families_informed"]
    assert others and all(
        details[confirmation_label(c.text)] == "Not confirmed at setup" for c in others
    )


def test_a_confirmation_the_model_does_not_have_is_refused():
    assert "open it again" in refused(model=small_model(), confirmed=("families_informed",))


def test_the_facilitators_confidentiality_points_join_the_ground_rules_before_they_are_posted():
    point = "Nothing said here leaves the room without the group agreeing."
    state, effects = started(model=builtin("kolb"), confidentiality=(point,))
    (root,) = [e for e in effects if isinstance(e, Post)]
    rules = [b for b in root.content.blocks if point in b.items]
    assert rules and rules[0].items[: len(state.model.ground_rules)] == tuple(
        state.model.ground_rules
    )
    assert (
        AuditNote(action="added 1 confidentiality point(s) to the ground rules", actor=FAC)
        in effects
    )
    assert not any(isinstance(e, AuditNote) and point in e.action for e in effects)


def test_confidentiality_points_also_reach_the_invitation_of_a_scheduled_session():
    point = "Agency records are not to be brought."
    result = step(
        None,
        start_event(small_model(), confidentiality=(point,), scheduled_for=T0.replace(hour=15)),
        T0,
    )
    invitations = [e for e in result.effects if isinstance(e, DirectMessage)]
    assert invitations and all(point in content_text(e) for e in invitations)


def test_confidentiality_points_that_identify_the_family_are_refused():
    words = refused(model=small_model(), confidentiality=("Call 07700 900123 if unsure.",))
    assert "confidentiality points seem to contain" in words and "07700" not in words


# -- the chair -------------------------------------------------------------------------------


def test_morrison_names_its_chair_and_the_record_names_the_facilitator_as_chair():
    """Morrison 4x4x4: "chaired by the Team Manager or Assistant Team Manager in Social Care"."""
    model = builtin("morrison-4x4x4")
    assert "Team Manager or Assistant Team Manager in Social Care" in chair_words(model)
    state, _ = started(model=model)
    assert ("Chair", f"{FACILITATOR.name} (the facilitator)") in record_details(state)
    assert chair_words(small_model()) == ""


# -- running again ---------------------------------------------------------------------------


def test_a_rerun_keeps_the_confirmations_and_the_declaration_only_for_the_same_facilitator():
    state, _ = started(
        model=builtin("space-to-think"),
        no_involvement=True,
        confirmed=("child_record",),
        confidentiality=("Point.",),
    )
    state = step(state, ev.Cancel(actor=FAC), T0).state
    assert state is not None
    same = rerun(state, session_id="s-2", actor=FAC)
    assert same.no_involvement and same.confirmed == ("child_record",)
    assert same.confidentiality == ("Point.",)
    other = rerun(state, session_id="s-3", actor=FAC, facilitator_id=POLICE.user_id)
    assert not other.no_involvement and other.confirmed == ("child_record",)


# -- requests: the steps before, the screening criteria, the session set up from it ------------

REQUESTER = ev.Person(user_id="U-REQ", name="Rae Teacher", agency="School")


def _submitted(steps: tuple[str, ...] = ("single_agency_supervision", "team_alerted")):
    submit = SubmitRequest(
        actor=REQUESTER.user_id,
        request_id="r-1",
        requester=REQUESTER,
        case_reference="CR-7",
        agencies="School, police",
        why_stuck="Attendance keeps dropping and agencies disagree why.",
        steps_taken=steps,
    )
    return step_request(None, submit, T0)


def test_the_request_form_asks_the_steps_moray_puts_before_a_request():
    labels = " ".join(f.label for f in request_form().fields)
    assert "Case is explored in single agency supervision" in labels
    assert "agree the need for an RCD with second line manager" in labels
    assert "alerts the Team around the Child that a RCD has been requested" in labels
    fields = {
        "case_reference": "CR-7",
        "agencies": "School",
        "why_stuck": "Stuck.",
        "single_agency_supervision": "yes",
        "second_line_manager": "no",
        "team_alerted": "yes",
    }
    event = submitted_request(fields, actor="U-REQ", request_id="r-1", requester=REQUESTER)
    assert event is not None
    assert event.steps_taken == ("single_agency_supervision", "team_alerted")


def test_the_screener_sees_the_steps_taken_and_the_screening_criteria():
    result = _submitted()
    (card,) = [e for e in result.effects if isinstance(e, Post)]
    text = content_text(card)
    assert "Done: Case is explored in single agency supervision" in text
    assert "Not yet: The practitioner/their first line manager discuss and agree" in text
    (accept, _) = (f for f in _criteria_forms())
    intro_and_labels = accept.intro + " ".join(f.label for f in accept.fields)
    for words in ("Multiagency Escalation", "Learning Reviews", "Child Protection Procedures"):
        assert words in intro_and_labels


def _criteria_forms():  # type: ignore[no-untyped-def]
    from dialogs.requests import accept_form, decline_form

    return accept_form("r-1"), decline_form("r-1")


def test_the_criteria_that_apply_are_recorded_on_accepting_and_audited():
    fields = {"multiagency_escalation": "no", "learning_review": "yes", "child_protection": "no"}
    accept = screening_decision("accept_request", fields, "U-SCR", FACILITATOR)
    assert isinstance(accept, AcceptRequest) and accept.criteria == ("learning_review",)
    accepted = step_request(_submitted().state, accept, T0)
    assert accepted.state is not None and accepted.state.criteria == ["learning_review"]
    assert (
        AuditNote(action="accepted a request; criteria that apply: Learning Reviews", actor="U-SCR")
        in accepted.effects
    )


def test_declining_records_that_no_criteria_apply():
    fields = {k: "no" for k in ("multiagency_escalation", "learning_review", "child_protection")}
    decline = screening_decision("decline_request", fields | {"reason": "Not yet."}, "U-SCR")
    assert isinstance(decline, DeclineRequest)
    declined = step_request(_submitted().state, decline, T0)
    (audit,) = [e for e in declined.effects if isinstance(e, AuditNote)]
    assert audit.action.startswith("declined a request; no criteria apply")


def test_screening_without_answering_the_criteria_is_malformed():
    assert screening_decision("decline_request", {"reason": "No."}, "U-SCR") is None


def _confirmed():  # type: ignore[no-untyped-def]
    accepted = step_request(
        _submitted().state, AcceptRequest(actor="U-SCR", facilitator=FACILITATOR), T0
    )
    confirmed = step_request(
        accepted.state, ConfirmFacilitation(actor=FAC, no_involvement=True), T0
    )
    assert confirmed.state is not None
    return confirmed.state


def test_a_session_set_up_from_a_request_carries_its_declaration_and_issues():
    request = _confirmed()
    assert waiting_for_session([request], FAC) == request
    assert waiting_for_session([request], "U-OTHER") is None
    start = start_from(request, start_event(builtin("moray-rcd"), no_involvement=False))
    assert isinstance(start, ev.Start)
    assert start.no_involvement, "the answer to the request is the declaration"
    assert start.issues == request.why_stuck
    state = step(None, start.model_copy(update={"request_id": request.id}), T0)
    assert state.state is not None and state.state.issues == request.why_stuck
    assert AuditNote(action="set up from request r-1", actor=FAC) in state.effects
    assert ("Issues that led to the meeting", request.why_stuck) in record_details(state.state)
    linked = step_request(request, SessionSetUp(actor=FAC, session_id="s-1"), T0)
    assert linked.state is not None and linked.state.status is RequestStatus.STARTED
    assert AuditNote(action="session s-1 set up from it", actor=FAC) in linked.effects
    assert waiting_for_session([linked.state], FAC) is None


def test_only_the_confirmed_facilitator_sets_up_from_a_request_once():
    request = _confirmed()
    stranger = start_event(small_model(), actor="U-OTHER")
    assert "Only the facilitator who confirmed" in str(start_from(request, stranger))
    linked = step_request(request, SessionSetUp(actor=FAC, session_id="s-1"), T0).state
    assert "not waiting for a session" in str(start_from(linked, start_event(small_model())))
    assert "not waiting for a session" in str(start_from(None, start_event(small_model())))


def test_every_procedure_s_setup_confirmations_are_in_its_words():
    words = {
        "moray-rcd": "Standard information sharing agreements apply.",
        "portsmouth-rpm": "documented in the child's records and circulated with the invites",
        "space-to-think": "record and chronology that a multi-agency reflective session took place",
        "kolb": "recorded in the child's files",
    }
    for model_id, quoted in words.items():
        texts = " ".join(c.text for c in builtin(model_id).setup_confirmations)
        assert quoted in texts, model_id
    assert builtin("moray-rcd").requires_independent_facilitator
    assert not builtin("kolb").requires_independent_facilitator

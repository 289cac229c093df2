"""The procedure around the discussion: the identifier guard in the engine, agreed actions,
evaluation, scheduling, running again, requests and screening, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from engine_kit import (
    FACILITATOR,
    HEALTH,
    LEARNING_ROUTES,
    POLICE,
    PRESENTER,
    T0,
    TEAM,
    builtin,
    small_model,
)
from pydantic import ValidationError

from dialogs import events as ev
from dialogs.effects import AuditNote, DirectMessage, Ephemeral, EvaluationNote, OpenForm, Post
from dialogs.engine import next_wake, step
from dialogs.messages import action_field, open_actions
from dialogs.requests import (
    AcceptRequest,
    ConfirmFacilitation,
    DeclineRequest,
    RequestStatus,
    SubmitRequest,
    step_request,
)
from dialogs.rerun import RerunRefused, rerun
from dialogs.retention import answers_expired, without_answers
from dialogs.state import Phase, SessionState

SECRET = b"a-secret-for-the-engine-tests-00"
FAC = FACILITATOR.user_id


class Run:
    """A session stepped with the server's secret, as the service steps it."""

    def __init__(self, model=None, **start: object) -> None:  # type: ignore[no-untyped-def]
        self.now = T0
        model = model or small_model()
        fields = {
            "actor": FAC,
            "session_id": "s-1",
            "model": model,
            "facilitator": FACILITATOR,
            "participants": TEAM,
            "case_reference": "RCD-0042",
            "no_involvement": model.requires_independent_facilitator,
            **start,
        }
        result = step(None, ev.Start(**fields), self.now, secret=SECRET)
        assert result.state is not None, result.effects
        self.state: SessionState = result.state
        self.effects = result.effects
        self.replies = 0

    def do(self, event: ev.Event, later: timedelta = timedelta()) -> list:  # type: ignore[type-arg]
        self.now += later
        result = step(self.state, event, self.now, secret=SECRET, learning=LEARNING_ROUTES)
        assert result.state is not None
        self.state, self.effects = result.state, result.effects
        return self.effects

    def told(self, user_id: str) -> str:
        return "\n".join(
            " ".join(b.text for b in e.content.blocks)
            for e in self.effects
            if isinstance(e, Ephemeral | DirectMessage) and e.user_id == user_id
        )

    def answer(self, user_id: str, question_id: str, text: str) -> None:
        self.replies += 1
        self.do(
            ev.Answer(
                actor=user_id, question_id=question_id, message_id=f"m{self.replies}", text=text
            )
        )

    def to_record(self, q1_answers: dict[str, str] | None = None) -> None:
        for person in self.state.participants:
            self.do(ev.AgreeRules(actor=person.user_id))
        self.do(ev.Begin(actor=FAC))
        q1_answers = q1_answers or {}
        while self.state.phase is Phase.RUNNING:
            if self.state.awaiting_key_points:
                self.do(
                    ev.StageNote(
                        actor=FAC, stage_id=self.state.awaiting_key_points, text="Key points."
                    )
                )
                continue
            for question in self.state.open_questions:
                item = self.state.model.question(question.id)
                for person in self.state.waiting_for(question.id):
                    text = q1_answers.get(person.user_id, "") if question.id == "q1" else ""
                    self.answer(
                        person.user_id,
                        question.id,
                        text or (str(item.scale.low) if item.scale else "Fine."),
                    )

    def publish(self, **sections: str) -> None:
        self.do(ev.EditRecord(actor=FAC, sections=sections))
        self.do(ev.Approve(actor=FAC))


# -- the identifier guard ------------------------------------------------------------------


def test_an_answer_with_identifiers_warns_its_author_privately_without_echoing_them():
    run = Run()
    for person in run.state.participants:
        run.do(ev.AgreeRules(actor=person.user_id))
    run.do(ev.Begin(actor=FAC))
    run.answer(POLICE.user_id, "q1", "Seen at PO1 2AB; NHS 943 476 5919.")
    told = run.told(POLICE.user_id)
    assert "postcode" in told and "NHS number" in told
    assert "PO1 2AB" not in told and "943 476 5919" not in told
    assert not [e for e in run.effects if isinstance(e, Post)], "nothing about it in the channel"


def test_the_draft_record_has_the_identifiers_removed_and_the_facilitator_sees_what():
    run = Run()
    run.to_record({POLICE.user_id: "Seen at PO1 2AB; NHS 943 476 5919."})
    draft = run.state.record
    assert draft is not None
    assert "PO1 2AB" not in draft.sections["answers"]
    assert "943 476 5919" not in draft.sections["answers"]
    assert "[postcode removed]" in draft.sections["answers"]
    assert "[NHS number removed]" in draft.sections["answers"]
    assert any("Police" in line and "NHS number" in line for line in draft.redactions)
    run.do(ev.RequestForm(actor=FAC, form="record"))
    (form,) = [e for e in run.effects if isinstance(e, OpenForm)]
    assert "NHS number" in form.form.intro


def test_the_watch_list_is_kept_only_as_keyed_hashes_and_catches_the_name():
    run = Run(watchlist=("Jayden Smith",))
    assert run.state.watch_hashes
    assert "jayden" not in run.state.model_dump_json().casefold()
    for person in run.state.participants:
        run.do(ev.AgreeRules(actor=person.user_id))
    run.do(ev.Begin(actor=FAC))
    run.answer(HEALTH.user_id, "q1", "Jayden was quiet at the visit.")
    assert "watch-list" in run.told(HEALTH.user_id)


def test_a_watch_list_cannot_be_kept_without_the_secret():
    start = ev.Start(
        actor=FAC,
        session_id="s",
        model=small_model(),
        facilitator=FACILITATOR,
        participants=TEAM,
        case_reference="RCD-1",
        watchlist=("Jayden Smith",),
    )
    with pytest.raises(ValueError, match="secret"):
        step(None, start, T0)


def test_a_case_reference_that_identifies_someone_is_refused():
    result = step(
        None,
        ev.Start(
            actor=FAC,
            session_id="s",
            model=small_model(),
            facilitator=FACILITATOR,
            participants=TEAM,
            case_reference="Mr Smith 12/03/2015",
        ),
        T0,
        secret=SECRET,
    )
    assert result.state is None
    assert "pseudonymous" in result.effects[0].content.blocks[0].text


def test_a_blank_case_reference_is_refused():
    with pytest.raises(ValidationError):
        ev.Start(
            actor=FAC,
            session_id="s",
            model=small_model(),
            facilitator=FACILITATOR,
            participants=TEAM,
            case_reference="   ",
        )


def test_a_record_still_holding_an_identifier_is_published_only_with_an_audited_reason():
    run = Run()
    run.to_record()
    run.do(ev.EditRecord(actor=FAC, sections={"lessons": "Review the visit to PO1 2AB."}))
    assert run.state.record and run.state.record.flagged == {"Lessons": "a postcode"}
    run.do(ev.Approve(actor=FAC))
    assert run.state.phase is Phase.AWAITING_APPROVAL
    assert "still seems to contain identifiers" in run.told(FAC)
    run.do(ev.RequestForm(actor=FAC, form="override"))
    assert [e.form.id for e in run.effects if isinstance(e, OpenForm)] == ["override"]
    run.do(ev.Approve(actor=FAC, override_reason="It is the agency's office postcode."))
    assert run.state.phase is Phase.PUBLISHED
    audits = [e.action for e in run.effects if isinstance(e, AuditNote)]
    assert any("office postcode" in action for action in audits)


def test_the_people_of_the_session_may_be_named_in_the_record():
    run = Run()
    run.to_record()
    run.do(ev.EditRecord(actor=FAC, sections={"lessons": "Chaired by Fran Facilitator."}))
    assert run.state.record and run.state.record.flagged == {}


# -- agreed actions ------------------------------------------------------------------------


def _actions(*rows: tuple[str, str, str]) -> dict[str, str]:
    fields = {}
    for number, (text, owner, review) in enumerate(rows, 1):
        fields[action_field(number, "text")] = text
        fields[action_field(number, "owner")] = owner
        fields[action_field(number, "review")] = review
    return fields


def test_agreed_actions_are_reminded_to_their_owner_on_the_review_date_and_marked_done():
    run = Run()
    run.to_record()
    run.publish(**_actions(("Share call-outs weekly.", POLICE.user_id, "2026-12-21")))
    wake = next_wake(run.state, run.now)
    assert wake == datetime(2026, 12, 21, 9, 0, tzinfo=UTC)
    run.do(ev.Tick(), later=wake - run.now)
    (reminder,) = [e for e in run.effects if isinstance(e, DirectMessage)]
    assert reminder.user_id == POLICE.user_id
    assert next_wake(run.state, run.now) is None, "reminded once"
    run.do(ev.CompleteAction(actor=HEALTH.user_id, index=0))
    assert "owner" in run.told(HEALTH.user_id)
    run.do(ev.CompleteAction(actor=POLICE.user_id, index=0))
    assert run.state.record and run.state.record.actions[0].done


def test_open_actions_list_only_those_not_done_for_the_facilitator():
    run = Run()
    run.to_record()
    run.publish(
        **_actions(
            ("Share call-outs weekly.", POLICE.user_id, "2026-12-21"),
            ("Book a core group.", HEALTH.user_id, "2027-01-04"),
        )
    )
    run.do(ev.CompleteAction(actor=POLICE.user_id, index=0))
    content = open_actions([run.state], run.state.facilitator.user_id)
    items = [item for block in content.blocks for item in block.items]
    assert len(items) == 1 and "Book a core group." in items[0] and "Jo Visitor" in items[0]
    assert any("RCD-0042" in block.text for block in content.blocks)
    run.do(ev.CompleteAction(actor=HEALTH.user_id, index=1))
    assert "done" in open_actions([run.state], run.state.facilitator.user_id).blocks[0].text


def test_an_owner_is_never_told_every_action_is_done_while_theirs_is_open():
    run = Run()
    run.to_record()
    run.publish(
        **_actions(
            ("Share call-outs weekly.", POLICE.user_id, "2026-12-21"),
            ("Book a core group.", HEALTH.user_id, "2027-01-04"),
        )
    )
    mine = open_actions([run.state], HEALTH.user_id)
    items = [item for block in mine.blocks for item in block.items]
    assert len(items) == 1 and "Book a core group." in items[0], "only the owner's own"
    assert not any("done" in block.text for block in mine.blocks)
    run.do(ev.CompleteAction(actor=HEALTH.user_id, index=1))
    assert open_actions([run.state], HEALTH.user_id).blocks[0].text == (
        "No agreed action of yours is open here."
    )


@pytest.mark.parametrize(
    "row",
    [
        ("Share call-outs.", "", "2026-12-21"),
        ("Share call-outs.", "U-NOBODY", "2026-12-21"),
        ("Share call-outs.", POLICE.user_id, "next week"),
        ("", POLICE.user_id, "2026-12-21"),
    ],
)
def test_an_incomplete_action_is_refused_and_nothing_is_saved(row: tuple[str, str, str]):
    run = Run()
    run.to_record()
    run.do(ev.EditRecord(actor=FAC, sections={"lessons": "Edited.", **_actions(row)}))
    assert run.state.phase is Phase.RECORD_DRAFT
    assert run.state.record and run.state.record.sections["lessons"] != "Edited."
    assert "action 1 needs" in run.told(FAC)


# -- evaluation ----------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["²", "³.", "½", "٣ ", "1e3"])
def test_a_scale_written_in_a_digit_no_one_counts_with_is_asked_again(written: str):
    """ "²" passes str.isdigit() but int() refuses it: the evaluation is refused plainly."""
    model = builtin("moray-rcd")
    run = Run(model)
    run.to_record()
    run.publish()
    scale = next(q for q in model.evaluation if q.scale)
    run.do(ev.SubmitEvaluation(actor=POLICE.user_id, answers={scale.id: written}))
    if written.strip() == "٣":  # an Arabic-Indic three is a number on the scale
        assert [e for e in run.effects if isinstance(e, EvaluationNote)]
    else:
        assert not [e for e in run.effects if isinstance(e, EvaluationNote)]
        assert run.told(POLICE.user_id)


def test_participants_evaluate_once_and_their_answers_carry_no_identity():
    model = builtin("moray-rcd")
    run = Run(model)
    run.to_record()
    run.publish()
    invited = {e.user_id for e in run.effects if isinstance(e, DirectMessage)}
    assert invited == {p.user_id for p in TEAM}
    scale = next(q for q in model.evaluation if q.scale)
    run.do(ev.SubmitEvaluation(actor=POLICE.user_id, answers={scale.id: "99"}))
    assert not [e for e in run.effects if isinstance(e, EvaluationNote)]
    run.do(ev.SubmitEvaluation(actor=POLICE.user_id, answers={scale.id: "4"}))
    (note,) = [e for e in run.effects if isinstance(e, EvaluationNote)]
    assert note.answers == {scale.id: "4"}
    assert POLICE.user_id not in note.model_dump_json()
    run.do(ev.SubmitEvaluation(actor=POLICE.user_id, answers={scale.id: "5"}))
    assert "already evaluated" in run.told(POLICE.user_id)
    run.do(ev.RequestForm(actor=FAC, form="evaluation"))
    assert "Only the participants" in run.told(FAC)


# -- scheduling and running again ----------------------------------------------------------


def test_a_scheduled_session_invites_ahead_and_opens_at_its_time():
    when = T0 + timedelta(days=3)
    run = Run(builtin("morrison-4x4x4"), scheduled_for=when)
    assert run.state.phase is Phase.SCHEDULED
    assert not [e for e in run.effects if isinstance(e, Post)], "nothing in the channel yet"
    invitations = [e for e in run.effects if isinstance(e, DirectMessage)]
    assert {e.user_id for e in invitations} == {p.user_id for p in TEAM}
    words = " ".join(b.text + " ".join(b.items) for b in invitations[0].content.blocks)
    assert "Experience" in words and "Action plans" in words
    assert next_wake(run.state, run.now) == when
    run.do(ev.AgreeRules(actor=POLICE.user_id))
    assert "not opened yet" in run.told(POLICE.user_id)
    run.do(ev.Tick(), later=timedelta(days=1))
    assert run.state.phase is Phase.SCHEDULED
    run.do(ev.Tick(), later=timedelta(days=2))
    assert run.state.phase is Phase.GROUND_RULES
    assert [e.key for e in run.effects if isinstance(e, Post)] == ["root"]
    assert "time for the reflective discussion" in run.told(FAC)


def test_cancelling_a_scheduled_session_tells_the_invited():
    run = Run(scheduled_for=T0 + timedelta(days=1))
    run.do(ev.Cancel(actor=FAC))
    assert run.state.phase is Phase.CANCELLED
    assert {e.user_id for e in run.effects if isinstance(e, DirectMessage)} == {
        p.user_id for p in TEAM
    }


def test_a_finished_session_runs_again_with_roles_reassigned():
    run = Run(watchlist=("Jayden Smith",))
    run.do(ev.Cancel(actor=FAC))
    start = rerun(
        run.state, session_id="s-2", actor=FAC, facilitator_id=HEALTH.user_id, presenter_id=FAC
    )
    assert start.facilitator.user_id == HEALTH.user_id
    roles = {p.user_id: p.role for p in start.participants}
    assert roles == {
        FAC: ev.Role.PRESENTER,
        PRESENTER.user_id: ev.Role.CONSULTANT,
        POLICE.user_id: ev.Role.CONSULTANT,
    }
    assert set(start.watch_hashes) == set(run.state.watch_hashes)
    again = step(None, start, T0, secret=SECRET)
    assert again.state is not None and again.state.watch_hashes == run.state.watch_hashes


def test_only_someone_who_took_part_runs_a_session_again():
    run = Run()
    run.do(ev.Cancel(actor=FAC))
    with pytest.raises(RerunRefused, match="took part"):
        rerun(run.state, session_id="s-2", actor="U-STRANGER")


def test_a_running_session_cannot_run_again():
    run = Run()
    with pytest.raises(RerunRefused):
        rerun(run.state, session_id="s-2", actor=FAC)


# -- requests and screening ----------------------------------------------------------------

REQUESTER = ev.Person(user_id="U-REQ", name="Rae Teacher", agency="School")


def _submit(why: str = "Attendance keeps dropping and agencies disagree why.") -> SubmitRequest:
    return SubmitRequest(
        actor=REQUESTER.user_id,
        request_id="r-1",
        requester=REQUESTER,
        case_reference="CR-7",
        agencies="School, police",
        why_stuck=why,
    )


def test_a_request_reaches_screening_with_identifiers_taken_out_and_the_requester_warned():
    """As with answers: redacted, and the author told privately what kind was found."""
    why = "Jayden Smith of 14 Elm Road keeps missing school; mum is on 07700 900123."
    result = step_request(None, _submit(why), T0)
    assert result.state is not None
    screened = result.state.why_stuck
    assert "Jayden" not in screened and "Elm Road" not in screened and "900123" not in screened
    assert "removed]" in screened and "keeps missing school" in screened
    (card,) = [e for e in result.effects if isinstance(e, Post)]
    card_text = " ".join(b.text for b in card.content.blocks)
    assert "Jayden" not in card_text and "07700" not in card_text
    warned = [
        b.text
        for e in result.effects
        if isinstance(e, Ephemeral) and e.user_id == REQUESTER.user_id
        for b in e.content.blocks
    ]
    assert any("Your request seemed to contain" in t and "phone number" in t for t in warned)
    assert not any("Jayden" in t or "07700" in t for t in warned), "never the identifier itself"


def test_a_plain_request_carries_no_warning():
    result = step_request(None, _submit(), T0)
    told = [e for e in result.effects if isinstance(e, Ephemeral)]
    assert len(told) == 1 and "sent for screening" in told[0].content.blocks[0].text


def test_the_requester_cannot_be_chosen_to_facilitate():
    submitted = step_request(None, _submit(), T0)
    refused = step_request(submitted.state, AcceptRequest(actor="U-SCR", facilitator=REQUESTER), T0)
    assert refused.state == submitted.state
    (told,) = [e for e in refused.effects if isinstance(e, DirectMessage)]
    assert told.user_id == "U-SCR"
    assert "Rae Teacher asked for this discussion" in told.content.blocks[0].text


def test_a_request_is_screened_accepted_and_confirmed_by_an_uninvolved_facilitator():
    submitted = step_request(None, _submit(), T0)
    assert [e.destination for e in submitted.effects if isinstance(e, Post)] == ["screening"]
    accepted = step_request(
        submitted.state, AcceptRequest(actor="U-SCR", facilitator=FACILITATOR), T0
    )
    assert accepted.state and accepted.state.status is RequestStatus.ASSIGNED
    assert [e.user_id for e in accepted.effects if isinstance(e, DirectMessage)] == [FAC]
    stranger = step_request(
        accepted.state, ConfirmFacilitation(actor="U-X", no_involvement=True), T0
    )
    assert stranger.state == accepted.state
    involved = step_request(
        accepted.state, ConfirmFacilitation(actor=FAC, no_involvement=False), T0
    )
    assert involved.state and involved.state.status is RequestStatus.SUBMITTED
    again = step_request(involved.state, AcceptRequest(actor="U-SCR", facilitator=FACILITATOR), T0)
    assert again.state == involved.state, "someone involved is not asked twice"
    other = ev.Person(user_id="U-OTH", name="Olu Other")
    accepted = step_request(involved.state, AcceptRequest(actor="U-SCR", facilitator=other), T0)
    confirmed = step_request(
        accepted.state, ConfirmFacilitation(actor="U-OTH", no_involvement=True), T0
    )
    assert confirmed.state and confirmed.state.status is RequestStatus.CONFIRMED
    assert REQUESTER.user_id in [
        e.user_id for e in confirmed.effects if isinstance(e, DirectMessage)
    ]


def test_a_declined_request_tells_the_requester_the_reason():
    submitted = step_request(None, _submit(), T0)
    declined = step_request(
        submitted.state, DeclineRequest(actor="U-SCR", reason="Escalation fits better."), T0
    )
    (told,) = [e for e in declined.effects if isinstance(e, DirectMessage)]
    assert (
        told.user_id == REQUESTER.user_id
        and "Escalation fits better." in told.content.blocks[0].text
    )
    twice = step_request(declined.state, DeclineRequest(actor="U-SCR", reason="Again."), T0)
    assert twice.state == declined.state


# -- retention -----------------------------------------------------------------------------


def test_raw_answers_expire_after_the_retention_days_and_the_record_stays():
    run = Run()
    run.to_record()
    run.publish()
    assert run.state.published_at
    assert not answers_expired(run.state, run.state.published_at + timedelta(days=29), 30)
    later = run.state.published_at + timedelta(days=30)
    assert answers_expired(run.state, later, 30)
    kept = without_answers(run.state, later)
    assert all(not q.answers for q in kept.questions.values())
    assert kept.record is not None and run.state.record is not None
    assert kept.record.sections == run.state.record.sections, "the approved record stays"
    assert kept.record.generated == {} != run.state.record.generated
    assert not answers_expired(kept, later + timedelta(days=60), 30)
    assert run.state.questions["q1"].answers, "the input is not changed"

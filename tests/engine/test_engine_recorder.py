"""The facilitator hands the record to a recorder among the participants; approval stays theirs."""

from __future__ import annotations

from engine_kit import (
    FACILITATOR,
    HEALTH,
    OUTSIDER,
    POLICE,
    PRESENTER,
    T0,
    TEAM,
    Session,
    small_model,
    start_event,
)

from dialogs import events as ev
from dialogs.content import ActionId, Audience, FormId
from dialogs.effects import AuditNote, Ephemeral, Post
from dialogs.engine import step
from dialogs.state import Phase

FAC = FACILITATOR.user_id
REC = PRESENTER.user_id  # the social worker records (seed 000)


def _with_recorder() -> Session:
    session = Session(small_model())
    session.do(ev.ChooseRecorder(actor=FAC, recorder=REC))
    return session


def test_the_facilitator_chooses_a_recorder_from_a_form_of_the_participants():
    session = Session(small_model())
    session.do(ev.RequestForm(actor=FAC, form="recorder"))
    (opened,) = session.forms()
    assert opened.form.id is FormId.RECORDER
    (field,) = opened.form.fields
    assert [o.value for o in field.options] == [p.user_id for p in TEAM]
    session.do(ev.ChooseRecorder(actor=FAC, recorder=REC))
    assert session.state.recorder == REC
    assert any("asked you to record this discussion" in t for t in session.told(REC))
    assert AuditNote(action="handed the record to a recorder", actor=FAC) in session.effects
    (root,) = [e for e in session.effects if getattr(e, "key", "") == "root"]
    people = next(b for b in root.content.blocks if b.items and "Pat Presenter" in b.items[1])
    assert "Pat Presenter, Social work — Lead professional, recorder" in people.items[1]


def test_a_recorder_can_be_named_at_setup():
    started = step(None, start_event(small_model()).model_copy(update={"recorder": REC}), T0)
    assert started.state is not None and started.state.recorder == REC
    refused = step(None, start_event(small_model()).model_copy(update={"recorder": FAC}), T0)
    assert refused.state is None
    assert "must be one of the participants" in refused.effects[0].content.summary  # type: ignore[union-attr]


def test_only_the_facilitator_chooses_and_only_a_participant():
    session = Session(small_model())
    session.do(ev.ChooseRecorder(actor=POLICE.user_id, recorder=POLICE.user_id))
    assert session.state.recorder is None
    assert "Only the facilitator" in session.told(POLICE.user_id)[0]
    session.do(ev.RequestForm(actor=POLICE.user_id, form="recorder"))
    assert session.forms() == []
    for stranger in (OUTSIDER, FAC):
        session.do(ev.ChooseRecorder(actor=FAC, recorder=stranger))
        assert session.state.recorder is None
        assert "must be one of the participants" in session.told(FAC)[0]


def test_the_recorder_gets_the_key_points_prompt_and_writes_them():
    session = _with_recorder()
    session.begin()
    session.answer_open()
    session.answer_open()
    assert session.state.awaiting_key_points == "first"
    assert any("as the recorder, please write its key points" in t for t in session.told(REC))
    prompt = session.post("kp:first").content
    assert "Pat Presenter, the recorder, writes them" in " ".join(b.text for b in prompt.blocks)
    (button,) = prompt.actions
    assert button.id is ActionId.KEY_POINTS and button.audience is Audience.WRITERS
    session.do(ev.RequestForm(actor=REC, form="key_points", value="first"))
    assert session.forms()[0].form.id is FormId.KEY_POINTS
    session.do(ev.StageNote(actor=REC, stage_id="first", text="Different expectations."))
    assert session.state.stage_notes["first"] == "Different expectations."
    assert session.state.stage_index == 1
    session.do(ev.StageNote(actor=POLICE.user_id, stage_id="first", text="Mine."))
    assert "or the recorder, Pat Presenter," in session.told(POLICE.user_id)[0]


def test_the_recorder_edits_the_record_and_the_facilitator_approves_it():
    session = _with_recorder()
    session.run_to_record()
    ready = session.post("record_draft").content
    assert "Pat Presenter, the recorder, is writing up the draft record" in ready.blocks[0].text
    assert ready.actions[0].audience is Audience.WRITERS
    session.do(ev.RequestForm(actor=REC, form="record"))
    assert session.forms()[0].form.id is FormId.RECORD
    session.do(ev.EditRecord(actor=REC, sections={"lessons": "Invite the school."}))
    assert session.state.phase is Phase.AWAITING_APPROVAL
    previews = {e.user_id: e.content for e in session.effects if isinstance(e, Ephemeral)}
    assert [a.id for a in previews[REC].actions] == [ActionId.EDIT_RECORD]
    assert previews[FAC].actions[0].id is ActionId.APPROVE
    assert "Written by Pat Presenter, the recorder." in [b.text for b in previews[FAC].blocks]
    session.do(ev.Approve(actor=REC))
    assert session.state.phase is Phase.AWAITING_APPROVAL
    assert "Only the facilitator" in session.told(REC)[0]
    session.do(ev.Approve(actor=FAC))
    assert session.state.phase is Phase.PUBLISHED
    record = session.post("record").content
    assert "recorder Pat Presenter" in record.blocks[0].text
    assert "Approved by Fran Facilitator" in record.blocks[-1].text


def test_the_record_can_be_taken_back_and_handed_on():
    session = _with_recorder()
    session.do(ev.ChooseRecorder(actor=FAC, recorder=HEALTH.user_id))
    assert session.state.recorder == HEALTH.user_id
    assert "taken the record back" in session.told(REC)[0]
    session.do(ev.ChooseRecorder(actor=FAC, recorder=""))
    assert session.state.recorder is None
    assert "taken the record back" in session.told(HEALTH.user_id)[0]
    session.run_to_record()
    session.do(ev.EditRecord(actor=HEALTH.user_id, sections={"lessons": "Mine."}))
    assert session.state.phase is Phase.RECORD_DRAFT
    assert not [e for e in session.effects if isinstance(e, Post)]


def test_no_recorder_once_the_session_is_finished():
    session = _with_recorder()
    session.do(ev.Cancel(actor=FAC))
    session.do(ev.ChooseRecorder(actor=FAC, recorder=HEALTH.user_id))
    assert session.state.recorder == REC
    assert "cancelled" in session.told(FAC)[0]

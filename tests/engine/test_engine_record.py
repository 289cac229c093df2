"""Key points, the record (form, edit, preview, approve), publishing and cancelling."""

from __future__ import annotations

import pytest
from engine_kit import (
    FACILITATOR,
    HEALTH,
    POLICE,
    PRESENTER,
    Session,
    builtin,
    content_text,
    small_model,
)

from dialogs import events as ev
from dialogs import messages
from dialogs.content import FormId
from dialogs.effects import AuditNote, Destination, Ephemeral, Post, Update
from dialogs.engine import MAX_NOTE_CHARS
from dialogs.state import Phase, QuestionStatus

FAC = FACILITATOR.user_id


@pytest.fixture
def awaiting_first() -> Session:
    """Live pacing, the first stage over and its key points awaited."""
    session = Session(small_model())
    session.begin()
    session.answer_open()
    session.answer_open()
    assert session.state.awaiting_key_points == "first"
    return session


@pytest.fixture
def drafted() -> Session:
    session = Session(small_model())
    session.run_to_record()
    assert session.state.phase is Phase.RECORD_DRAFT
    return session


# -- key points ------------------------------------------------------------------------------


def test_the_key_points_form_opens_for_the_facilitator(awaiting_first: Session):
    awaiting_first.do(ev.RequestForm(actor=FAC, form="key_points", value="first"))
    (form,) = awaiting_first.forms()
    assert form.user_id == FAC
    assert form.form.id is FormId.KEY_POINTS and form.form.value == "first"


def test_the_key_points_form_is_for_the_facilitator_only(awaiting_first: Session):
    awaiting_first.do(ev.RequestForm(actor=POLICE.user_id, form="key_points", value="first"))
    assert awaiting_first.forms() == []
    assert "Only the facilitator" in awaiting_first.told(POLICE.user_id)[0]


@pytest.mark.parametrize("stage_id", ["second", "no-such-stage"])
def test_the_key_points_form_is_refused_for_a_stage_not_reached(
    awaiting_first: Session, stage_id: str
):
    awaiting_first.do(ev.RequestForm(actor=FAC, form="key_points", value=stage_id))
    assert awaiting_first.forms() == []
    assert "once a stage is over" in awaiting_first.told(FAC)[0]


def test_key_points_cannot_be_written_for_a_stage_still_running():
    session = Session(small_model())
    session.begin()
    session.do(ev.RequestForm(actor=FAC, form="key_points", value="first"))
    assert session.forms() == []
    session.note("first", "Too early.")
    assert session.state.stage_notes == {}
    assert "once a stage is over" in session.told(FAC)[0]


def test_the_key_points_open_the_next_stage(awaiting_first: Session):
    awaiting_first.note("first", "We saw it differently.")
    assert awaiting_first.state.stage_notes == {"first": "We saw it differently."}
    assert awaiting_first.updated() == ["kp:first"]
    assert awaiting_first.posted() == ["q:q3"]
    assert awaiting_first.state.awaiting_key_points is None


def test_the_last_stages_key_points_draft_the_record():
    session = Session(small_model())
    session.begin()
    for _ in range(3):
        session.answer_open()
        if session.state.awaiting_key_points:
            session.note("first")
    session.answer_open()
    assert session.state.awaiting_key_points == "second"
    running_root = messages.root(session.state)
    session.note("second", "Agreed next steps.")
    assert session.state.phase is Phase.RECORD_DRAFT
    assert "record_draft" in session.posted()
    assert session.state.record is not None
    assert session.state.record.sections["lessons"] == "Agreed next steps."
    # The root reads the same while the record is drafted: it is not redrawn for nothing.
    assert messages.root(session.state) == running_root
    assert "root" not in session.updated()


@pytest.mark.parametrize("text", ["", "   ", "k" * (MAX_NOTE_CHARS + 1)])
def test_key_points_that_are_empty_or_too_long_are_refused(awaiting_first: Session, text: str):
    awaiting_first.note("first", text)
    assert awaiting_first.state.stage_notes == {}
    assert awaiting_first.state.awaiting_key_points == "first"
    assert f"between 1 and {MAX_NOTE_CHARS:,} characters" in awaiting_first.told(FAC)[0]


def test_key_points_by_someone_else_are_refused(awaiting_first: Session):
    awaiting_first.do(ev.StageNote(actor=PRESENTER.user_id, stage_id="first", text="Mine."))
    assert awaiting_first.state.stage_notes == {}


def test_key_points_rewritten_while_the_record_is_drafted_refresh_it(drafted: Session):
    drafted.note("second", "A better summary.")
    assert drafted.updated() == ["kp:second"]
    assert drafted.state.record is not None
    assert drafted.state.record.sections["lessons"] == "A better summary."
    assert "draft has been refreshed" in drafted.told(FAC)[0]


def test_ending_mid_stage_then_writing_its_key_points_posts_them_before_updating():
    session = Session(small_model())
    session.begin()
    session.do(ev.End(actor=FAC))
    posted_so_far = set(session.posted())
    session.note("first", "Ended early, but this is what we heard.")
    for effect in session.effects:
        if isinstance(effect, Update):
            assert effect.key in posted_so_far, f"{effect.key} was never posted"
    assert session.state.record is not None
    assert session.state.stage_notes["first"].startswith("Ended early")


# -- the record ------------------------------------------------------------------------------


def test_the_record_form_holds_every_section_with_the_draft(drafted: Session):
    drafted.do(ev.RequestForm(actor=FAC, form="record"))
    (form,) = drafted.forms()
    assert form.form.id is FormId.RECORD
    fields = {f.id: f for f in form.form.fields}
    assert drafted.state.record is not None
    for section_id, text in drafted.state.record.sections.items():
        assert fields[section_id].initial == text


def test_the_record_form_is_refused_while_running_and_to_others():
    session = Session(small_model())
    session.begin()
    session.do(ev.RequestForm(actor=FAC, form="record"))
    assert session.forms() == []
    assert "once the discussion is over" in session.told(FAC)[0]
    session.do(ev.End(actor=FAC))
    session.do(ev.RequestForm(actor=POLICE.user_id, form="record"))
    assert session.forms() == []
    assert "Only the facilitator" in session.told(POLICE.user_id)[0]


def test_editing_the_record_shows_a_private_preview_and_awaits_approval(drafted: Session):
    drafted.edit_record(lessons="  Share the plan with school.  ")
    assert drafted.state.phase is Phase.AWAITING_APPROVAL
    assert drafted.state.record is not None
    assert drafted.state.record.sections["lessons"] == "Share the plan with school."
    previews = [e for e in drafted.effects if isinstance(e, Ephemeral)]
    assert len(previews) == 1 and previews[0].user_id == FAC
    assert previews[0].content.title.startswith("Preview")
    assert not [e for e in drafted.effects if isinstance(e, Post)]
    assert AuditNote(action="edited the record", actor=FAC) in drafted.effects


def test_an_unknown_section_is_refused_and_named(drafted: Session):
    before = drafted.state.record
    drafted.edit_record(lesons="A typo in the section id.")
    assert drafted.state.record == before
    assert drafted.state.phase is Phase.RECORD_DRAFT
    assert "unknown: lesons" in drafted.told(FAC)[0]


def test_a_section_that_is_too_long_is_refused(drafted: Session):
    drafted.edit_record(lessons="l" * (MAX_NOTE_CHARS + 1))
    assert drafted.state.phase is Phase.RECORD_DRAFT
    assert f"up to {MAX_NOTE_CHARS:,} characters" in drafted.told(FAC)[0]


def test_only_the_facilitator_edits_the_record(drafted: Session):
    drafted.do(ev.EditRecord(actor=HEALTH.user_id, sections={"lessons": "Mine."}))
    assert drafted.state.phase is Phase.RECORD_DRAFT
    assert "Only the facilitator" in drafted.told(HEALTH.user_id)[0]


# -- approving and publishing ----------------------------------------------------------------


def test_approval_needs_a_preview_first(drafted: Session):
    drafted.do(ev.Approve(actor=FAC))
    assert drafted.state.phase is Phase.RECORD_DRAFT
    assert drafted.posted() == []
    assert "review the draft record first" in drafted.told(FAC)[0]


def test_only_the_facilitator_approves(drafted: Session):
    drafted.edit_record()
    drafted.do(ev.Approve(actor=POLICE.user_id))
    assert drafted.state.phase is Phase.AWAITING_APPROVAL
    assert drafted.posted() == []


def test_approving_publishes_the_record_and_the_learning_themes(drafted: Session):
    drafted.edit_record(lessons="Invite school to every core group.")
    drafted.do(ev.Approve(actor=FAC))
    assert drafted.state.phase is Phase.PUBLISHED
    assert drafted.posted()[:2] == ["record", "learning"]
    record = drafted.post("record")
    bodies = [b.text for b in record.content.blocks]
    assert "Invite school to every core group." in bodies
    learning = drafted.post("learning")
    assert learning.destination is Destination.LEARNING
    assert learning.content.blocks[-1].text == "Invite school to every core group."
    assert "RCD-0042" not in "".join(b.text for b in learning.content.blocks)
    # The root says at once that the session is published; the "discussion is complete" post,
    # just above the record's, is redrawn lazily (Slack and Teams leave it until it is touched).
    redraws = {e.key: e for e in drafted.effects if isinstance(e, Update)}
    assert {"root", "record_draft"} <= set(redraws)
    assert not redraws["root"].lazy and redraws["record_draft"].lazy
    assert "has been published" in content_text(redraws["root"])
    assert "approved and published below" in content_text(redraws["record_draft"])
    actions = [e.action for e in drafted.effects if isinstance(e, AuditNote)]
    assert actions == [
        "approved the record",
        "published the record",
        "learning themes sent to the learning channel",
    ]


def test_no_learning_post_when_the_learning_section_is_empty(drafted: Session):
    drafted.edit_record(lessons="   ")
    drafted.do(ev.Approve(actor=FAC))
    assert drafted.posted() == ["record"]


def test_no_learning_post_when_the_model_has_no_learning_section():
    session = Session(small_model(learning=False))
    session.run_to_record()
    session.edit_record(lessons="Worth sharing, but this model shares nothing.")
    session.do(ev.Approve(actor=FAC))
    assert session.posted() == ["record"]


@pytest.mark.parametrize(
    ("model_id", "learns"),
    [
        ("kolb", True),
        ("moray-rcd", True),
        ("portsmouth-rpm", True),
        ("morrison-4x4x4", False),
        ("space-to-think", False),
    ],
)
def test_each_builtin_model_publishes_with_or_without_learning(model_id: str, learns: bool):
    session = Session(builtin(model_id))
    session.run_to_record()
    assert session.state.record is not None
    sections = {
        k: v or "Written by the facilitator." for k, v in session.state.record.sections.items()
    }
    session.edit_record(**sections)
    if session.state.model.record.confirmed_by_participants:
        session.do(ev.AskConfirmation(actor=FAC))
    session.do(ev.Approve(actor=FAC))
    assert session.state.phase is Phase.PUBLISHED
    assert ("learning" in session.posted()) is learns
    if not session.state.model.record.posted_to_channel:
        # The channel is told; each participant is sent the record itself.
        assert "sent privately" in session.post("record").content.blocks[0].text
    titles = [b.text for b in session.published().blocks]
    for section in session.state.model.record.sections:
        assert section.title in titles


def test_a_button_pressed_on_the_message_left_as_it_was_at_publication_redraws_it(
    drafted: Session,
):
    drafted.edit_record()
    drafted.do(ev.Approve(actor=FAC))
    drafted.do(ev.RequestForm(actor=FAC, form="record"))
    assert drafted.forms() == []
    assert len(drafted.told(FAC)) == 1, "refused privately"
    (redraw,) = [e for e in drafted.effects if isinstance(e, Update)]
    assert redraw.key == "record_draft" and not redraw.lazy
    shown = "The record has been approved and published below."
    assert shown in content_text(redraw) and not redraw.content.actions


def test_the_recorder_button_after_publication_is_refused_as_the_root_already_shows_it(
    drafted: Session,
):
    drafted.edit_record()
    drafted.do(ev.Approve(actor=FAC))
    drafted.do(ev.RequestForm(actor=FAC, form="recorder"))
    assert drafted.forms() == [] and not drafted.updated()
    assert len(drafted.told(FAC)) == 1, "refused privately"


def test_a_button_pressed_before_publication_redraws_nothing(drafted: Session):
    drafted.do(ev.RequestForm(actor=FAC, form="record"))
    assert drafted.forms() and not drafted.updated()


def test_approving_twice_publishes_once(drafted: Session):
    drafted.edit_record()
    drafted.do(ev.Approve(actor=FAC))
    drafted.do(ev.Approve(actor=FAC))
    assert drafted.posted() == []
    assert "no record waiting" in drafted.told(FAC)[0]


# -- cancelling ------------------------------------------------------------------------------


def at_phase(name: str) -> Session:
    session = Session(small_model())
    if name == "ground_rules":
        return session
    session.begin()
    if name == "running":
        return session
    if name == "paused":
        session.do(ev.Pause(actor=FAC))
        return session
    if name == "awaiting_key_points":
        session.answer_open()
        session.answer_open()
        return session
    session.do(ev.End(actor=FAC))
    if name == "awaiting_approval":
        session.edit_record()
    return session


@pytest.mark.parametrize(
    "phase",
    [
        "ground_rules",
        "running",
        "paused",
        "awaiting_key_points",
        "record_draft",
        "awaiting_approval",
    ],
)
def test_cancel_from_every_unfinished_phase(phase: str):
    session = at_phase(phase)
    session.do(ev.Cancel(actor=FAC))
    assert session.state.phase is Phase.CANCELLED
    assert session.posted() == ["cancelled"]
    assert "root" in session.updated()
    assert all(q.status is not QuestionStatus.OPEN for q in session.state.questions.values())
    assert session.state.deadline is None and session.state.paused_at is None
    assert AuditNote(action="cancelled", actor=FAC) in session.effects


def test_only_the_facilitator_cancels():
    session = at_phase("running")
    session.do(ev.Cancel(actor=PRESENTER.user_id))
    assert session.state.phase is Phase.RUNNING


@pytest.mark.parametrize("finished", ["published", "cancelled"])
def test_a_finished_session_cannot_be_cancelled(finished: str):
    session = at_phase("awaiting_approval")
    session.do(ev.Approve(actor=FAC) if finished == "published" else ev.Cancel(actor=FAC))
    before = session.state
    session.do(ev.Cancel(actor=FAC))
    assert session.state == before
    assert f"already {finished}" in session.told(FAC)[0]


def test_a_section_nothing_filled_says_not_discussed_and_the_preview_names_it():
    """Kolb's "Issues for Escalation" is a field the facilitator fills after the last stage.
    Left empty, the preview says so before approval and the record says "Not discussed."
    rather than a placeholder; filled on the record form, the preview no longer names it."""

    session = Session(builtin("kolb"))
    session.run_to_record()  # every stage's form answered with nothing in its fields
    assert session.state.record is not None
    assert session.state.record.sections["issues_for_escalation"] == ""
    preview = messages.record_preview(session.state)
    text = content_text(Ephemeral(user_id=FAC, content=preview))
    assert "Still empty" in text and "Issues for Escalation" in text and "Escalated to" in text
    assert "Not discussed." in content_text(Ephemeral(user_id=FAC, content=preview))
    assert "facilitator to complete" not in text

    session.do(
        ev.EditRecord(
            actor=FAC,
            sections={
                **session.state.record.sections,
                "learning_themes": "Information reaches the core group late.",
                "agreed_actions": "Police share call-out notes within a week.",
                "issues_for_escalation": "None.",
                "escalated_to": "No one.",
                "take_back": "Nothing to change in the child's plan.",
            },
        )
    )
    filled = content_text(Ephemeral(user_id=FAC, content=messages.record_preview(session.state)))
    assert "Still empty" not in filled

"""Participants confirm the draft record before it is published, where the model asks for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_kit import (
    FACILITATOR,
    HEALTH,
    OUTSIDER,
    POLICE,
    PRESENTER,
    Session,
    content_text,
    small_model,
)

from dialogs import events as ev
from dialogs import messages
from dialogs.content import ActionId
from dialogs.effects import AuditNote, DirectMessage, Ephemeral, Post, Update
from dialogs.state import Phase
from dialogs.times import clock_time

FAC = FACILITATOR.user_id


@pytest.fixture
def previewed() -> Session:
    """A model that asks for confirmation, its draft previewed by the facilitator."""
    session = Session(small_model(confirmed_by_participants=True))
    session.run_to_record()
    session.edit_record(lessons="Invite school to every core group.")
    assert session.state.phase is Phase.AWAITING_APPROVAL
    return session


def _asked(session: Session) -> list[DirectMessage]:
    session.do(ev.AskConfirmation(actor=FAC))
    return session.direct_messages()


def _confirm(session: Session, user_id: str) -> None:
    assert session.state.record is not None
    session.do(ev.ConfirmRecord(actor=user_id, revision=session.state.record.revision))


def _record_draft_post(session: Session) -> str:
    (update,) = [e for e in session.effects if isinstance(e, Update) and e.key == "record_draft"]
    return " ".join(b.text + " ".join(p.name for p in b.people) for b in update.content.blocks)


def test_the_preview_asks_for_confirmation_before_approval(previewed: Session):
    (preview,) = [e for e in previewed.effects if isinstance(e, Ephemeral)]
    assert [a.id for a in preview.content.actions] == [
        ActionId.ASK_CONFIRMATION,
        ActionId.EDIT_RECORD,
    ]
    previewed.do(ev.Approve(actor=FAC))
    assert previewed.state.phase is Phase.AWAITING_APPROVAL
    assert "Ask participants to confirm" in previewed.told(FAC)[0]


def test_each_participant_is_sent_the_draft_privately_with_a_button(previewed: Session):
    sent = _asked(previewed)
    assert {m.user_id for m in sent} == {PRESENTER.user_id, POLICE.user_id, HEALTH.user_id}
    request = sent[0].content
    assert "Invite school to every core group." in [b.text for b in request.blocks]
    (button,) = request.actions
    assert button.id is ActionId.CONFIRM_RECORD and button.value == "1"
    assert "tell Fran Facilitator" in " ".join(b.text for b in request.blocks)
    assert "not yet confirmed" in _record_draft_post(previewed)
    assert AuditNote(action="asked the participants to confirm the record", actor=FAC) in (
        previewed.effects
    )
    # The preview the facilitator pressed becomes a fresh one that can now be approved, with
    # what was sent above it; nothing else is sent to them.
    assert not [e for e in previewed.effects if isinstance(e, Ephemeral)]
    (answer,) = previewed.responses(FAC)
    preview = answer.content
    assert preview.actions[0].id is ActionId.APPROVE
    assert preview.blocks[0].text.startswith("The draft has been sent privately to the 3")
    assert answer.as_ephemeral().content == preview, "told the same where it cannot replace"


def test_asking_does_not_redraw_the_completion_notice_at_once(previewed: Session):
    """Each participant is sent the draft and the facilitator's preview shows who has
    confirmed: the group's notice is redrawn as they confirm, and says nothing untrue until
    then."""
    notice = " ".join(b.text for b in messages.record_ready(previewed.state).blocks)
    assert "Each participant is asked privately to confirm the draft" in notice
    _asked(previewed)
    (update,) = [e for e in previewed.effects if isinstance(e, Update) and e.key == "record_draft"]
    assert update.lazy
    _confirm(previewed, POLICE.user_id)
    (update,) = [e for e in previewed.effects if isinstance(e, Update) and e.key == "record_draft"]
    assert not update.lazy


def test_asking_again_from_an_older_preview_shows_the_current_one(previewed: Session):
    _asked(previewed)
    previewed.do(ev.AskConfirmation(actor=FAC))
    assert not previewed.direct_messages()
    (answer,) = previewed.responses(FAC)
    assert answer.content.blocks[0].text == (
        "The participants have already been sent this draft to confirm."
    )
    assert answer.content.actions[0].id is ActionId.APPROVE


def test_confirmations_are_recorded_with_who_and_when_and_shown(previewed: Session):
    _asked(previewed)
    _confirm(previewed, POLICE.user_id)
    assert previewed.state.record is not None
    (done,) = previewed.state.record.confirmations
    assert (done.user_id, done.at) == (POLICE.user_id, previewed.now)
    shown = _record_draft_post(previewed)
    assert "Confirmed the draft: Sam Constable." in shown
    assert "Pat Presenter" in shown and "Jo Visitor" in shown  # still waiting for them
    # The participant's copy they pressed becomes the draft they confirmed, without the button;
    # where it cannot be replaced they are told as before.
    (answer,) = previewed.responses(POLICE.user_id)
    assert answer.content.actions == ()
    shown = content_text(answer)
    assert f"You confirmed this draft at {clock_time(done.at)}. Thank you." in shown
    assert "Invite school to every core group." in shown
    assert answer.instead is not None and "is recorded" in content_text(answer.as_ephemeral())
    assert AuditNote(action="confirmed the draft record", actor=POLICE.user_id) in (
        previewed.effects
    )
    previewed.now += timedelta(minutes=5)
    _confirm(previewed, POLICE.user_id)
    (again,) = previewed.responses(POLICE.user_id)
    assert again.content == answer.content, "pressed again: the same answer, the same time"
    assert "already confirmed" in content_text(again.as_ephemeral())


def test_the_facilitator_is_told_when_everyone_has_confirmed(previewed: Session):
    _asked(previewed)
    for person in (PRESENTER, POLICE, HEALTH):
        _confirm(previewed, person.user_id)
    # In one private message, above the preview to approve.
    (preview,) = [e for e in previewed.effects if isinstance(e, Ephemeral) and e.user_id == FAC]
    assert preview.content.blocks[0].text.startswith("Every participant has confirmed")
    assert preview.content.actions[0].id is ActionId.APPROVE
    assert "Every participant has confirmed the draft." in _record_draft_post(previewed)


def test_the_record_names_only_those_who_confirmed(previewed: Session):
    _asked(previewed)
    _confirm(previewed, POLICE.user_id)
    _confirm(previewed, HEALTH.user_id)
    previewed.do(ev.Approve(actor=FAC))
    assert previewed.state.phase is Phase.PUBLISHED
    record = " ".join(b.text for b in previewed.post("record").content.blocks)
    assert "Confirmed by: Sam Constable, Jo Visitor (2 of 3 participants)." in record
    assert "Pat Presenter" not in record.split("Confirmed by:")[1]
    assert messages.confirmation_line(previewed.state).startswith("Confirmed by: Sam")


def test_an_edit_sets_the_confirmations_aside_and_the_old_button_no_longer_counts(
    previewed: Session,
):
    _asked(previewed)
    _confirm(previewed, POLICE.user_id)
    previewed.edit_record(lessons="Invite school and the GP to every core group.")
    assert previewed.state.record is not None
    assert previewed.state.record.confirmations == []
    assert "has changed since the participants were asked" in _record_draft_post(previewed)
    previewed.do(ev.ConfirmRecord(actor=HEALTH.user_id, revision=1))
    assert "has changed since it was sent to you" in previewed.told(HEALTH.user_id)[0]
    assert previewed.state.record.confirmations == []
    previewed.do(ev.Approve(actor=FAC))
    assert previewed.state.phase is Phase.AWAITING_APPROVAL, "the new draft is asked about first"
    sent = _asked(previewed)
    assert sent[0].content.actions[0].value == "2"
    _confirm(previewed, HEALTH.user_id)
    assert [c.user_id for c in previewed.state.record.confirmations] == [HEALTH.user_id]


def test_saving_the_draft_unchanged_keeps_the_confirmations(previewed: Session):
    _asked(previewed)
    _confirm(previewed, POLICE.user_id)
    previewed.edit_record(lessons="Invite school to every core group.")
    assert previewed.state.record is not None
    assert [c.user_id for c in previewed.state.record.confirmations] == [POLICE.user_id]


def test_a_reply_edited_after_asking_redrafts_and_sets_confirmations_aside():
    session = Session(small_model(confirmed_by_participants=True))
    session.run_to_record()
    session.edit_record()
    _asked(session)
    _confirm(session, POLICE.user_id)
    first = session.state.questions["q1"].answers[0]
    session.do(ev.EditAnswer(actor=first.author, message_id=first.message_id, text="Changed."))
    assert session.state.record is not None
    assert session.state.record.confirmations == []
    assert not session.state.record.confirmation_asked


def test_only_participants_confirm_and_only_when_asked(previewed: Session):
    _confirm(previewed, POLICE.user_id)
    assert "no draft record waiting" in previewed.told(POLICE.user_id)[0]
    _asked(previewed)
    for stranger in (FAC, OUTSIDER):
        _confirm(previewed, stranger)
        assert "Only the participants" in previewed.told(stranger)[0]
    previewed.do(ev.AskConfirmation(actor=POLICE.user_id))
    assert "Only the facilitator" in previewed.told(POLICE.user_id)[0]
    previewed.do(ev.AskConfirmation(actor=FAC))
    assert "already been sent this draft" in previewed.told(FAC)[0]


def test_a_model_without_confirmation_neither_asks_nor_claims_it():
    session = Session(small_model())
    session.run_to_record()
    session.edit_record()
    session.do(ev.AskConfirmation(actor=FAC))
    assert "does not ask" in session.told(FAC)[0]
    session.do(ev.Approve(actor=FAC))
    record = " ".join(b.text for b in session.post("record").content.blocks)
    assert "onfirm" not in record and "agreed by" not in record.lower()


def test_confirming_after_publication_changes_nothing(previewed: Session):
    _asked(previewed)
    previewed.do(ev.Approve(actor=FAC))
    record = " ".join(b.text for b in previewed.post("record").content.blocks)
    assert "No participant confirmed the draft (the 3 participants were asked)." in record
    _confirm(previewed, POLICE.user_id)
    assert "already been approved and published" in previewed.told(POLICE.user_id)[0]


# -- who receives the record -----------------------------------------------------------------


def test_a_record_not_posted_to_the_channel_goes_to_each_person_privately():
    session = Session(small_model(posted_to_channel=False))
    session.run_to_record()
    session.edit_record(lessons="Invite school to every core group.")
    session.do(ev.Approve(actor=FAC))
    notice = session.post("record")
    shown = " ".join(b.text for b in notice.content.blocks)
    assert "Invite school" not in shown and "sent privately to each participant" in shown
    copies = {m.user_id for m in session.direct_messages() if m.content.title == "Small record"}
    assert copies == {PRESENTER.user_id, POLICE.user_id, HEALTH.user_id}
    in_channel = [e for e in session.effects if isinstance(e, Post) and e.destination == "session"]
    assert not [e for e in in_channel if "Invite" in str(e)]


def test_a_model_must_send_its_record_somewhere():
    with pytest.raises(ValueError, match="must reach someone"):
        small_model(posted_to_channel=False, shared_with_participants=False)

"""Participants confirm the draft record before it is published, where the model asks for it
(seed 000: the record notes the "specific actions agreed").

The facilitator previews the draft and asks; each participant is sent it privately and confirms
it, or tells the facilitator what should change. Any change to the draft sets every
confirmation aside, and the facilitator asks again. Approval does not wait for everyone: the
record names only those who confirmed the draft it holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dialogs import events as ev
from dialogs import messages
from dialogs.effects import DirectMessage, Ephemeral, Response
from dialogs.state import Confirmation, Phase, RecordDraft

if TYPE_CHECKING:
    from dialogs.engine import _Turn


def snapshot(record: RecordDraft) -> str:
    """What participants confirm: the sections and the actions."""
    sections = RecordDraft(generated={}, sections=record.sections, actions=record.actions)
    return sections.model_dump_json(include={"sections", "actions"})


def after_change(t: _Turn, before: str) -> None:
    """The draft may have changed: if it did, earlier confirmations no longer count."""
    record = t.state.record
    assert record is not None
    if snapshot(record) == before:
        return
    record.revision += 1
    record.confirmations = []
    if record.asked_revision is not None:
        t.update_record_ready()


def ask(t: _Turn, _: ev.AskConfirmation) -> None:
    s = t.state
    if not t.facilitator_only("ask the participants to confirm the record"):
        return
    if not s.model.record.confirmed_by_participants:
        t.refuse("This model does not ask the participants to confirm the record.")
        return
    if s.phase is Phase.RECORD_DRAFT:
        t.refuse("Please review the draft record first (Review the draft record), then ask.")
        return
    if s.phase is not Phase.AWAITING_APPROVAL or s.record is None:
        t.refuse("There is no draft record to confirm.")
        return
    if s.record.confirmation_asked:
        # Pressed on an older preview: it becomes the current one, which says so.
        already = "The participants have already been sent this draft to confirm."
        preview = messages.record_preview(s, news=already)
        t.effects.append(Response(user_id=t.actor, content=preview))
        return
    s.record.asked_revision = s.record.revision
    s.record.confirmations = []
    request = messages.confirmation_request(s)
    for person in s.participants:
        t.effects.append(DirectMessage(user_id=person.user_id, content=request))
    t.audit("asked the participants to confirm the record")
    sent = (
        f"The draft has been sent privately to the {len(s.participants)} participants to confirm. "
        "Who has confirmed shows under “The discussion is complete”. You can approve when you "
        "are ready; the record will name only those who confirmed."
    )
    # The preview pressed becomes the new one (it can now be approved, and shows who has
    # confirmed); the "discussion is complete" post needs no redraw yet: each participant is
    # sent the draft, and it is redrawn as they confirm.
    t.effects.append(Response(user_id=t.actor, content=messages.record_preview(s, news=sent)))
    t.update_record_ready(lazy=True)


def confirm(t: _Turn, event: ev.ConfirmRecord) -> None:
    s = t.state
    if not any(p.user_id == t.actor for p in s.participants):
        t.refuse("Only the participants of this discussion are asked to confirm its record.")
        return
    if s.phase is Phase.PUBLISHED:
        t.refuse("The record has already been approved and published, so nothing has changed.")
        return
    record = s.record
    if (
        s.phase not in (Phase.RECORD_DRAFT, Phase.AWAITING_APPROVAL)
        or record is None
        or record.asked_revision is None
    ):
        t.refuse("There is no draft record waiting for your confirmation.")
        return
    if event.revision != record.revision or not record.confirmation_asked:
        t.refuse(
            "The draft has changed since it was sent to you, so this confirmation was not "
            f"recorded. {s.facilitator.name} will send you the new draft to confirm."
        )
        return
    earlier = next((c for c in record.confirmations if c.user_id == t.actor), None)
    if earlier is not None:
        # Pressed again (the first answer was lost, or on another copy): the same answer.
        _confirmed(t, earlier.at, "You have already confirmed this draft. Thank you.")
        return
    record.confirmations.append(Confirmation(user_id=t.actor, at=t.now))
    t.audit("confirmed the draft record")
    _confirmed(t, t.now, "Thank you: your confirmation of the draft record is recorded.")
    if not s.confirmation_waiting:
        everyone = (
            "Every participant has confirmed the draft record. You can approve and publish it."
        )
        t.effects.append(
            Ephemeral(
                user_id=s.facilitator.user_id, content=messages.record_preview(s, news=everyone)
            )
        )
    # Who has confirmed is progress, like a question's answers: redrawn last, with nothing but
    # it behind it, the dispatcher holds it for the window and confirmations close together
    # cost one redraw. The private messages before it go at once.
    t.update_record_ready()


def _confirmed(t: _Turn, at: datetime, told: str) -> None:
    """The participant's copy of the draft says they confirmed it, without its button; where
    it cannot be replaced, they are told `told`."""
    content = messages.confirmed_draft(t.state, at)
    t.effects.append(Response(user_id=t.actor, content=content, instead=messages.explanation(told)))


def unconfirmed_refusal(t: _Turn) -> bool:
    """Approval waits until the participants have been asked (not until all have confirmed)."""
    s = t.state
    assert s.record is not None
    if s.model.record.confirmed_by_participants and not s.record.confirmation_asked:
        t.refuse(
            "This model asks the participants to confirm the draft before it is published. "
            "Choose Ask participants to confirm; you can approve once they have been asked."
        )
        return True
    return False

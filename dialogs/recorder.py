"""The facilitator hands the record to a recorder among the participants (seed 000: "the
social worker will record that a meeting has been held"). The recorder writes the stages' key
points and the record; approving and publishing stay with the facilitator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dialogs import events as ev
from dialogs import messages
from dialogs.effects import OpenForm
from dialogs.state import FINISHED, Phase

if TYPE_CHECKING:
    from dialogs.engine import _Turn


def _may_choose(t: _Turn) -> bool:
    s = t.state
    if not t.facilitator_only("choose who records the discussion"):
        return False
    if s.phase in FINISHED:
        t.refuse(f"This session has {s.phase.value}; its record can no longer be handed on.")
        return False
    return True


def open_form(t: _Turn) -> None:
    if _may_choose(t):
        t.effects.append(OpenForm(user_id=t.actor, form=messages.recorder_form(t.state)))


def choose(t: _Turn, event: ev.ChooseRecorder) -> None:
    s = t.state
    if not _may_choose(t):
        return
    chosen = event.recorder.strip() or None
    recorder = next((p for p in s.participants if p.user_id == chosen), None)
    if chosen and recorder is None:
        t.refuse("The recorder must be one of the participants. Nothing has changed.")
        return
    if chosen == s.recorder:
        t.refuse("Nothing has changed: that is already who records the discussion.")
        return
    previous = s.recorder
    s.recorder = chosen
    t.audit("handed the record to a recorder" if chosen else "took the record back")
    t.update_root()
    if s.phase in (Phase.RECORD_DRAFT, Phase.AWAITING_APPROVAL):
        t.update_record_ready()
    if previous:
        t.tell(
            previous,
            f"{s.facilitator.name} has taken the record back: you no longer write the key points "
            "or the record of this discussion.",
        )
    if recorder is not None:
        t.tell(recorder.user_id, messages.recorder_welcome(s))
        t.tell(t.actor, f"{recorder.name} now records the discussion; you approve and publish.")
    else:
        t.tell(t.actor, "You write the key points and the record yourself again.")

"""What the facilitator confirms when setting up a session, the same on every adapter.

- That they have no involvement in the case: the Moray procedure's facilitator "does not have
  any involvement in the case"; a model can require it.
- The model's setup confirmations: what its procedure asks to be in place (families told,
  records kept, information-sharing agreements).
- The session's own confidentiality points, which the facilitator lays out at the start with
  the model's ground rules (Argyll & Bute: confidentiality "laid out at the start of the
  session by the facilitator").
- Who the model expects to chair (Morrison 4x4x4: a Team Manager or Assistant Team Manager in
  Social Care); the facilitator chairs.
"""

from __future__ import annotations

from dialogs.effects import AuditNote
from dialogs.events import Start
from dialogs.guard import find_identifiers
from dialogs.models.schema import FacilitationModel
from dialogs.record import describe
from dialogs.state import SessionState

DECLARATION = "I have no involvement in the case."
DECLARED = "declared no involvement in the case"
MAX_CONFIDENTIALITY_POINTS = 10
MAX_CONFIDENTIALITY_CHARS = 500


def declaration_hint(model: FacilitationModel | None) -> str:
    if model is not None and model.requires_independent_facilitator:
        return (
            f"The {model.name} needs a facilitator who does not have any involvement in the "
            "case: the session cannot start without this."
        )
    return "The facilitator ideally has no involvement in the case. Shown in the record."


def chair_words(model: FacilitationModel) -> str:
    """What setup shows of the chair the model expects; empty when it names none."""
    if not model.chair:
        return ""
    return (
        f"The {model.name} expects the discussion to be chaired by {model.chair}. "
        "The facilitator chairs it and is named as chair in the record."
    )


def confidentiality_points(text: str) -> tuple[str, ...]:
    """The facilitator's confidentiality points as typed: one a line."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def confidentiality_problem(points: tuple[str, ...]) -> str | None:
    if len(points) > MAX_CONFIDENTIALITY_POINTS or any(
        len(point) > MAX_CONFIDENTIALITY_CHARS for point in points
    ):
        return (
            f"Please give at most {MAX_CONFIDENTIALITY_POINTS} confidentiality points, one a "
            f"line, each up to {MAX_CONFIDENTIALITY_CHARS} characters."
        )
    return None


def refusal(event: Start) -> str | None:
    """Why the setup cannot start this session, in words for the facilitator; None if it can."""
    model = event.model
    if model.requires_independent_facilitator and not event.no_involvement:
        return (
            f"The {model.name} needs a facilitator who does not have any involvement in the "
            f"case, so the session has not started. If you have none, confirm “{DECLARATION}” "
            "and start again; if you are involved, please ask a colleague who is not to "
            "facilitate."
        )
    known = {c.id for c in model.setup_confirmations}
    if not set(event.confirmed) <= known:
        return "This setup form does not match the model any more. Please open it again."
    found = [f for point in event.confidentiality for f in find_identifiers(point)]
    if found:
        return (
            f"The confidentiality points seem to contain {describe(found)}. They are posted "
            "with the ground rules, so they must not identify the child or family."
        )
    return None


def audit_notes(event: Start) -> list[AuditNote]:
    """Who confirmed what at setup (never the text of the confidentiality points)."""
    notes = []
    if event.no_involvement:
        notes.append(AuditNote(action=DECLARED, actor=event.actor))
    notes += [
        AuditNote(action=f"confirmed at setup: {confirmation.id}", actor=event.actor)
        for confirmation in event.model.setup_confirmations
        if confirmation.id in event.confirmed
    ]
    if event.confidentiality:
        notes.append(
            AuditNote(
                action=f"added {len(event.confidentiality)} confidentiality point(s) to the "
                "ground rules",
                actor=event.actor,
            )
        )
    if event.request_id:
        notes.append(AuditNote(action=f"set up from request {event.request_id}", actor=event.actor))
    return notes


def ground_rules(state: SessionState) -> tuple[str, ...]:
    """The model's ground rules, then the confidentiality points of this session."""
    return (*state.model.ground_rules, *state.confidentiality)


def confirmation_label(text: str) -> str:
    """A confirmation's sentence as the label of its line ("… apply: Confirmed at setup")."""
    return text.rstrip(" .")


def record_details(state: SessionState) -> list[tuple[str, str]]:
    """What the record says of the setup: the chair, the declaration, each confirmation and
    the issues that led to the meeting."""
    rows = [
        ("Chair", f"{state.facilitator.name} (the facilitator)"),
        (
            "Facilitator's declaration",
            "No involvement in the case" if state.no_involvement else "Not made",
        ),
    ]
    rows += [
        (
            confirmation_label(c.text),
            "Confirmed at setup" if c.id in state.confirmed else "Not confirmed at setup",
        )
        for c in state.model.setup_confirmations
    ]
    if state.issues:
        rows.append(("Issues that led to the meeting", state.issues))
    return rows

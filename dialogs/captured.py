"""Captured fields: what the facilitator writes down for the record at a set moment.

A field is asked with its stage's key points (the same key-points form on every adapter), or on
the record form if it belongs to no stage. Values live in the session state by field id.
"""

from __future__ import annotations

from dialogs.content import FieldKind, FormField
from dialogs.models.schema import CapturedField, CapturedKind

# Form field ids of captured fields carry this prefix, so that they never meet a record
# section's id or the key points' "text" in one submitted form.
FIELD_PREFIX = "field-"
MAX_TEXT_CHARS = 3000  # what one Slack modal input holds
OLDEST_AGE = 18
AGE_HINT = f"In whole years, 0 to {OLDEST_AGE} (0 for a baby under one). Never a date of birth."


def form_id(field_id: str) -> str:
    return FIELD_PREFIX + field_id


def submitted(values: dict[str, str]) -> dict[str, str]:
    """The captured fields in a submitted form, by field id."""
    return {
        key.removeprefix(FIELD_PREFIX): value
        for key, value in values.items()
        if key.startswith(FIELD_PREFIX)
    }


def form_field(item: CapturedField, value: str) -> FormField:
    if item.kind is CapturedKind.AGE:
        return FormField(
            id=form_id(item.id),
            label=item.label,
            kind=FieldKind.LINE,
            initial=value,
            hint=item.hint or AGE_HINT,
            max_length=3,
        )
    return FormField(
        id=form_id(item.id),
        label=item.label,
        initial=value,
        hint=item.hint or "Leave empty if it was not discussed.",
        max_length=MAX_TEXT_CHARS,
    )


def problem(item: CapturedField, value: str) -> str | None:
    """Why a value cannot be kept for this field, in plain words; None if it can."""
    if item.kind is CapturedKind.AGE:
        if value and not (value.isdecimal() and int(value) <= OLDEST_AGE):
            return (
                f"“{item.label}” takes the child's age in whole years, a number from 0 to "
                f"{OLDEST_AGE}, never a date of birth."
            )
        return None
    if len(value) > MAX_TEXT_CHARS:
        return f"“{item.label}” can be up to {MAX_TEXT_CHARS:,} characters."
    return None


def shown(item: CapturedField, value: str) -> str:
    """The value as a record shows it: an age reads '7 years'."""
    if item.kind is CapturedKind.AGE and value.isdecimal():
        years = int(value)
        if years == 0:
            return "under 1 year"
        return f"{years} year" if years == 1 else f"{years} years"
    return value

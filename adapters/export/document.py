"""A record as a document: what every export format shows, in order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dialogs.events import Role
from dialogs.messages import NO_IDENTIFIERS, RECORDER_ROLE, confirmation_line
from dialogs.record import format_date
from dialogs.setup import record_details
from dialogs.state import Phase, SessionState
from dialogs.times import date_and_time

# How UK public bodies mark records of this kind; REFLECTBOT_PROTECTIVE_MARKING changes it.
DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class Section:
    title: str
    text: str


@dataclass(frozen=True)
class ActionRow:
    action: str
    owner: str
    review_on: str
    status: str


@dataclass(frozen=True)
class Attendee:
    name: str
    agency: str
    role: str


ATTENDEE_COLUMNS = ("Name", "Agency", "Role")


@dataclass(frozen=True)
class RecordDocument:
    title: str
    marking: str  # on every page
    details: list[tuple[str, str]]
    attendees: list[Attendee]
    sections: list[Section]
    actions: list[ActionRow]
    approval: str  # who approved and published it, and when
    confirmation: str  # who confirmed the draft, where the model asks; else empty
    footer: str
    author: str  # the facilitator, as the document's author
    published_at: datetime


class NoRecord(ValueError):
    """The session has no record to export yet."""


def _attendees(state: SessionState) -> list[Attendee]:
    roles = state.model.roles
    people = [Attendee(state.facilitator.name, state.facilitator.agency or "—", roles.facilitator)]
    for p in state.participants:
        role = roles.presenter if p.role is Role.PRESENTER else roles.consultant
        if p.user_id == state.recorder:
            role += f", {RECORDER_ROLE}"
        people.append(Attendee(p.name, p.agency or "—", role))
    return people


def record_document(state: SessionState, marking: str = DEFAULT_MARKING) -> RecordDocument:
    if state.record is None or state.phase is not Phase.PUBLISHED or not state.published_at:
        raise NoRecord("this session's record has not been approved and published yet")
    presenter = state.presenter
    details = [
        ("Model", f"{state.model.name} (version {state.model.version})"),
        ("Date held", format_date(state)),
        ("Facilitator", state.facilitator.name),
        (state.model.roles.presenter, presenter.name if presenter else "—"),
        ("Case reference", state.case_reference),
        ("Agencies", ", ".join(sorted({p.agency for p in state.participants if p.agency})) or "—"),
        *record_details(state),
    ]
    sections = [
        Section(section.title, state.record.sections.get(section.id, "").strip())
        for section in state.model.record.sections
    ]
    actions = [
        ActionRow(
            action=a.text,
            owner=f"{owner.name} ({owner.agency})" if (owner := state.person(a.owner)) else a.owner,
            review_on=f"{a.review_on.day} {a.review_on:%B %Y}",
            status="done" if a.done else "open",
        )
        for a in state.record.actions
    ]
    # Only the facilitator can approve, and approving publishes.
    approval = (
        f"Approved and published by {state.facilitator.name}, the facilitator, on "
        f"{date_and_time(state.published_at)}."
    )
    return RecordDocument(
        title=state.model.record.title,
        marking=marking,
        details=details,
        attendees=_attendees(state),
        sections=sections,
        actions=actions,
        approval=approval,
        confirmation=confirmation_line(state),
        footer=NO_IDENTIFIERS,
        author=state.facilitator.name,
        published_at=state.published_at,
    )

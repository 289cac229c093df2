"""A record as a document: what every export format shows, in order."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.messages import NO_IDENTIFIERS
from dialogs.record import format_date
from dialogs.state import Phase, SessionState


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
class RecordDocument:
    title: str
    details: list[tuple[str, str]]
    sections: list[Section]
    key_points: list[Section]
    actions: list[ActionRow]
    footer: str


class NoRecord(ValueError):
    """The session has no record to export yet."""


def record_document(state: SessionState) -> RecordDocument:
    if state.record is None or state.phase is not Phase.PUBLISHED:
        raise NoRecord("this session's record has not been approved and published yet")
    presenter = state.presenter
    details = [
        ("Model", state.model.name),
        ("Date held", format_date(state)),
        ("Facilitator", state.facilitator.name),
        (state.model.roles.presenter, presenter.name if presenter else "—"),
        ("Case reference", state.case_reference),
        ("Agencies", ", ".join(sorted({p.agency for p in state.participants if p.agency})) or "—"),
    ]
    sections = [
        Section(section.title, state.record.sections.get(section.id, "").strip())
        for section in state.model.record.sections
    ]
    key_points = [
        Section(stage.title, state.stage_notes[stage.id].strip())
        for stage in state.model.stages
        if state.stage_notes.get(stage.id, "").strip()
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
    return RecordDocument(
        title=state.model.record.title,
        details=details,
        sections=sections,
        key_points=key_points,
        actions=actions,
        footer=NO_IDENTIFIERS,
    )

"""Running a finished session again with roles reassigned (the Tees procedure), keeping the people."""

from __future__ import annotations

from datetime import datetime

from dialogs import events as ev
from dialogs.state import FINISHED, SessionState


class RerunRefused(ValueError):
    """Why the session cannot be run again as asked, in words for the person asking."""


def rerun(
    previous: SessionState,
    *,
    session_id: str,
    actor: str,
    facilitator_id: str | None = None,
    presenter_id: str | None = None,
    scheduled_for: datetime | None = None,
) -> ev.Start:
    """The Start of the same model with the same people, the roles given anew. The watch-list
    carries over as its hashes (the names themselves were never kept); so do the setup
    confirmations and confidentiality points, which are about the case. The declaration of no
    involvement is the facilitator's own: it carries over only if they facilitate again."""
    if previous.phase not in FINISHED:
        raise RerunRefused("This session is still going; it can be run again once it has ended.")
    people = {p.user_id: p for p in (previous.facilitator, *previous.participants)}
    if actor not in people:
        raise RerunRefused("Only someone who took part in the session can run it again.")
    facilitator_id = facilitator_id or previous.facilitator.user_id
    if facilitator_id not in people:
        raise RerunRefused("The new facilitator must be one of the people who took part.")
    if presenter_id is not None and (presenter_id not in people or presenter_id == facilitator_id):
        raise RerunRefused(
            "The new presenter must be one of the participants, not the facilitator."
        )
    previous_presenter = previous.presenter
    presenter_id = presenter_id or (previous_presenter.user_id if previous_presenter else None)
    facilitator = people[facilitator_id]
    participants = tuple(
        ev.Participant(
            user_id=person.user_id,
            name=person.name,
            agency=person.agency,
            role=ev.Role.PRESENTER if person.user_id == presenter_id else ev.Role.CONSULTANT,
        )
        for person in people.values()
        if person.user_id != facilitator_id
    )
    return ev.Start(
        actor=actor,
        session_id=session_id,
        model=previous.model,
        facilitator=ev.Person(
            user_id=facilitator.user_id, name=facilitator.name, agency=facilitator.agency
        ),
        participants=participants,
        case_reference=previous.case_reference,
        pacing=previous.pacing,
        stage_hours=previous.stage_hours,
        watch_hashes=tuple(previous.watch_hashes),
        scheduled_for=scheduled_for,
        no_involvement=previous.no_involvement and facilitator_id == previous.facilitator.user_id,
        confirmed=tuple(previous.confirmed),
        confidentiality=tuple(previous.confidentiality),
        issues=previous.issues,
    )

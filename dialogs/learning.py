"""Where a model's learning themes go, and what happens when they have nowhere to go.

Each model names its learning audience (Moray's CPC Lead Officer, Portsmouth's Case Review
Committee). The organisation configures a channel per audience and a default for all; at
publication the themes go to their audience's channel, or, with none configured, the
facilitator is told and the session keeps them as not delivered, for the learning report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from dialogs import messages
from dialogs.effects import AuditNote, Destination, DirectMessage, Effect, Post
from dialogs.events import SYSTEM
from dialogs.state import LearningDelivery, SessionState

LEARNING = "learning"  # the message key of the learning post


def audience_key(audience: str) -> str:
    """Audiences match whatever their case and spacing: "CPC lead  officer" is the CPC Lead Officer."""
    return " ".join(audience.split()).casefold()


@dataclass(frozen=True)
class LearningRoutes:
    """A channel per learning audience, and the channel for any audience without its own."""

    by_audience: Mapping[str, str] = field(default_factory=dict)
    default: str | None = None

    def channel_for(self, audience: str) -> str | None:
        return self.by_audience.get(audience_key(audience)) or self.default or None

    @classmethod
    def parse(cls, text: str | None, default: str | None = None) -> LearningRoutes:
        """`audience=channel;audience=channel`, as an operator types it in a compose file.
        ValueError, naming the entry, for anything else."""
        routes: dict[str, str] = {}
        for entry in (text or "").split(";"):
            if not entry.strip():
                continue
            audience, equals, channel = entry.partition("=")
            if not equals or not audience.strip() or not channel.strip():
                raise ValueError(
                    f"{entry.strip()!r} is not audience=channel "
                    "(for example: CPC Lead Officer=C0123ABCD;Case Review Committee=C0456EFGH)"
                )
            key = audience_key(audience)
            if key in routes:
                raise ValueError(f"the audience {audience.strip()!r} is given twice")
            routes[key] = channel.strip()
        return cls(routes, (default or "").strip() or None)


NO_ROUTES = LearningRoutes()


def routing_problems(routes: LearningRoutes, audiences: Iterable[str]) -> list[str]:
    """What an operator should hear at start: audiences with no channel (their learning will
    reach nobody) and configured audiences no model names (most likely a typing mistake)."""
    named = {audience_key(a): a for a in audiences if a.strip()}
    problems = [
        f"no learning channel for {audience}: its learning themes will not be sent"
        for key, audience in sorted(named.items())
        if routes.channel_for(audience) is None
    ]
    problems += [
        f"REFLECTBOT_LEARNING_CHANNELS names {key!r}, which no model's learning_audience is"
        for key in sorted(set(routes.by_audience) - set(named))
    ]
    return problems


def share_at_publication(
    state: SessionState, routes: LearningRoutes, now: datetime
) -> list[Effect]:
    """The model's learning themes, if it has any and the record holds some, to the channel of
    its audience; with no channel for that audience, a private word to the facilitator. Either
    way `state.learning` records where they went, or that they did not."""
    section = state.model.record.learning_section
    if state.record is None or not section or not state.record.sections.get(section, "").strip():
        return []
    audience = state.model.record.learning_audience
    channel = routes.channel_for(audience)
    state.learning = LearningDelivery(audience=audience, channel=channel, at=now)
    if channel is None:
        facilitator = state.facilitator.user_id
        return [
            DirectMessage(user_id=facilitator, content=messages.learning_not_sent(state)),
            AuditNote(
                action="learning themes not delivered: no channel configured", actor=facilitator
            ),
        ]
    return [
        Post(
            key=LEARNING,
            content=messages.learning_themes(state, section),
            destination=Destination.LEARNING,
            channel=channel,
        ),
        AuditNote(
            action="learning themes sent to the learning channel", actor=state.facilitator.user_id
        ),
    ]


def refused_by_channel(state: SessionState, reason: str) -> list[Effect]:
    """The learning channel refused the themes: the session keeps them as not delivered and the
    facilitator is told, as when no channel is configured."""
    if state.learning is None or state.learning.channel is None or state.learning.refused:
        return []
    state.learning.refused = reason.strip() or "refused"
    facilitator = state.facilitator.user_id
    return [
        DirectMessage(user_id=facilitator, content=messages.learning_not_sent(state)),
        AuditNote(
            action="learning themes not delivered: the learning channel refused them", actor=SYSTEM
        ),
    ]

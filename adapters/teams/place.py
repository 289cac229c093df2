"""Where a session lives in Teams: a team channel, and the ids needed to post there later."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.activity.teams import TeamsChannelData

from storage.repositories import Conversation

PLATFORM = "teams"
THREAD_MARKER = ";messageid="


def split_thread(conversation_id: str) -> tuple[str, str | None]:
    """A channel conversation id and, for a message in a reply chain, the chain's root post id.

    Teams names a reply chain `19:…@thread.tacv2;messageid=<root post id>`."""
    channel, marker, root = conversation_id.partition(THREAD_MARKER)
    return channel, (root or None) if marker else None


def thread_conversation(channel_id: str, root_id: str) -> str:
    return f"{channel_id}{THREAD_MARKER}{root_id}"


def channel_data(activity: Activity) -> TeamsChannelData:
    raw = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return TeamsChannelData.model_validate(raw)


@dataclass(frozen=True)
class ChannelPlace:
    """Everything the dispatcher needs to post into a channel outside a turn."""

    service_url: str
    tenant_id: str
    team_id: str
    channel_id: str
    bot_id: str

    @classmethod
    def from_activity(cls, activity: Activity) -> ChannelPlace | None:
        """The team channel an activity came from; None for chats and personal conversations."""
        data = channel_data(activity)
        if not (data.team and data.team.id and data.channel and data.channel.id):
            return None
        tenant = (data.tenant.id if data.tenant else None) or activity.conversation.tenant_id
        return cls(
            service_url=activity.service_url or "",
            tenant_id=tenant or "",
            team_id=data.team.id,
            channel_id=data.channel.id,
            bot_id=activity.recipient.id if activity.recipient else "",
        )

    @classmethod
    def from_conversation(cls, conversation: Conversation) -> ChannelPlace:
        return cls.from_data(conversation.data)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ChannelPlace:
        return cls(**{name: str(data.get(name, "")) for name in cls.__dataclass_fields__})

    def conversation(self) -> Conversation:
        return Conversation(platform=PLATFORM, key=self.channel_id, data=asdict(self))

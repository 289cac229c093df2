"""Activities as Teams sends them to a bot in a team channel (the real JSON shapes), the ids of
the team and channels they come from, and the settings the tests' bot runs with there."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.config import Settings

TENANT = "72f988bf-0000-4000-8000-00000000tenant"
TEAM = "19:team-general@thread.tacv2"
CHANNEL = "19:reflective-practice@thread.tacv2"
LEARNING_CHANNEL = "19:learning-themes@thread.tacv2"
# Where Moray's learning goes when each audience has a channel of its own.
CPC_LEAD_CHANNEL = "19:cpc-lead-officer@thread.tacv2"


def teams_settings(**changes: Any) -> Settings:
    """The Teams tests' settings: Teams anonymous on loopback, one default learning channel."""
    return Settings(
        learning_channel=LEARNING_CHANNEL, microsoft_app_id=None, teams_anonymous=True, **changes
    )


SCREENING_CHANNEL = "19:screening@thread.tacv2"
BOT_ID = "28:00000000-0000-4000-8000-000000000b07"
BOT_NAME = "reflectbot"
THREAD_MARKER = ";messageid="


@dataclass(frozen=True)
class Person:
    teams_id: str
    aad_id: str
    name: str


FACILITATOR = Person("29:1fac", "aad-fac-0001", "Fran Facilitator")
PRESENTER = Person("29:1pre", "aad-pre-0002", "Pat Presenter")
POLICE = Person("29:1pol", "aad-pol-0003", "Sam Constable")
HEALTH = Person("29:1hea", "aad-hea-0004", "Jo Visitor")
OUTSIDER = Person("29:1out", "aad-out-0005", "Olly Outsider")
PEOPLE = (FACILITATOR, PRESENTER, POLICE, HEALTH, OUTSIDER)
PARTICIPANTS = (PRESENTER, POLICE, HEALTH)


def thread(root_id: str, channel: str = CHANNEL) -> str:
    return f"{channel}{THREAD_MARKER}{root_id}"


def mention(account_id: str, name: str) -> dict[str, Any]:
    return {
        "type": "mention",
        "mentioned": {"id": account_id, "name": name},
        "text": f"<at>{name}</at>",
    }


class Activities:
    """Builds activities with fresh ids and timestamps, from one service URL."""

    def __init__(self, service_url: str) -> None:
        self.service_url = service_url
        self._ids = itertools.count(1_800_000_000_001)

    def next_id(self) -> str:
        return str(next(self._ids))

    def _base(
        self, kind: str, person: Person, conversation_id: str, channel: str = CHANNEL
    ) -> dict[str, Any]:
        return {
            "type": kind,
            "id": self.next_id(),
            "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "localTimestamp": datetime.now(UTC).isoformat(),
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": {"id": person.teams_id, "name": person.name, "aadObjectId": person.aad_id},
            "conversation": {
                "isGroup": True,
                "conversationType": "channel",
                "tenantId": TENANT,
                "id": conversation_id,
            },
            "recipient": {"id": BOT_ID, "name": BOT_NAME},
            "entities": [{"type": "clientInfo", "locale": "en-GB", "country": "GB"}],
            "channelData": {
                "teamsChannelId": channel,
                "teamsTeamId": TEAM,
                "channel": {"id": channel},
                "team": {"id": TEAM},
                "tenant": {"id": TENANT},
            },
            "locale": "en-GB",
        }

    def command(self, person: Person, words: str, people: tuple[Person, ...] = ()) -> dict:
        """A new channel post that @mentions the bot (and perhaps people)."""
        post_id = self.next_id()
        activity = self._base("message", person, thread(post_id))
        activity["id"] = post_id
        names = " ".join(f"<at>{p.name}</at>" for p in people)
        activity["text"] = f"<at>{BOT_NAME}</at> {words} {names}".strip()
        activity["textFormat"] = "plain"
        activity["entities"] += [mention(BOT_ID, BOT_NAME)]
        activity["entities"] += [mention(p.teams_id, p.name) for p in people]
        return activity

    def reply(self, person: Person, root_id: str, text: str, mentions_bot: bool = False) -> dict:
        """A reply in a post's reply chain (RSC lets the bot see it without an @mention)."""
        activity = self._base("message", person, thread(root_id))
        activity["text"] = f"<at>{BOT_NAME}</at> {text}" if mentions_bot else text
        activity["textFormat"] = "plain"
        if mentions_bot:
            activity["entities"] += [mention(BOT_ID, BOT_NAME)]
        activity["replyToId"] = root_id
        return activity

    def submit(self, person: Person, root_id: str, card_id: str, data: dict[str, Any]) -> dict:
        """An Action.Submit pressed on a card in a channel reply chain."""
        activity = self._base("message", person, thread(root_id))
        activity["replyToId"] = card_id
        activity["value"] = data
        return activity

    def personal_submit(self, person: Person, card_id: str, data: dict[str, Any]) -> dict:
        """An Action.Submit pressed on a card in the person's 1:1 chat with the bot."""
        activity = self._base("message", person, f"a:{person.teams_id}")
        activity["conversation"] = {
            "conversationType": "personal",
            "tenantId": TENANT,
            "id": f"a:{person.teams_id}",
        }
        activity["channelData"] = {"tenant": {"id": TENANT}}
        activity["replyToId"] = card_id
        activity["value"] = data
        return activity

    def chat_message(self, person: Person, text: str, kind: str = "personal") -> dict:
        """A message in the person's 1:1 chat with the bot, or in a group chat."""
        chat_id = f"a:{person.teams_id}" if kind == "personal" else "19:group-chat@thread.v2"
        activity = self._base("message", person, chat_id)
        activity["conversation"] = {"conversationType": kind, "tenantId": TENANT, "id": chat_id}
        activity["channelData"] = {"tenant": {"id": TENANT}}
        if kind == "personal":
            activity["text"] = text
        else:
            activity["text"] = f"<at>{BOT_NAME}</at> {text}"
            activity["entities"] += [mention(BOT_ID, BOT_NAME)]
        activity["textFormat"] = "plain"
        return activity

    def edit(self, person: Person, root_id: str, message_id: str, text: str) -> dict:
        activity = self._base("messageUpdate", person, thread(root_id))
        activity["id"] = message_id
        activity["text"] = text
        activity["textFormat"] = "plain"
        activity["channelData"]["eventType"] = "editMessage"
        return activity

    def delete(self, person: Person, root_id: str, message_id: str) -> dict:
        activity = self._base("messageDelete", person, thread(root_id))
        activity["id"] = message_id
        activity["channelData"]["eventType"] = "softDeleteMessage"
        return activity

    def invoke(
        self, person: Person, name: str, root_id: str, data: dict[str, Any], channel: str = CHANNEL
    ) -> dict:
        """A Teams dialog (task module) being opened (task/fetch) or submitted (task/submit)."""
        activity = self._base("invoke", person, thread(root_id, channel), channel)
        activity["name"] = name
        activity["value"] = {"type": name, "data": data, "context": {"theme": "default"}}
        return activity

    def bot_added(self, person: Person) -> dict:
        """The app was added to the team: Teams tells the bot in the General channel."""
        activity = self._base("conversationUpdate", person, TEAM, channel=TEAM)
        activity["membersAdded"] = [{"id": BOT_ID}]
        activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity

"""The people of a team, as the engine knows them: by Microsoft Entra object id, with a name."""

from __future__ import annotations

from aiohttp import ClientResponseError
from microsoft_agents.activity import Activity, ChannelAccount
from microsoft_agents.hosting.core import ConnectorClientBase, TurnContext

from dialogs.events import Person

MAX_NAME = 200
# Teams' largest page of members; a choice list longer than this would be unusable anyway.
MEMBERS_PAGE = 500


def turn_client(turn_context: TurnContext) -> ConnectorClientBase:
    """The Bot Connector client of an inbound turn, authenticated as the bot."""
    client = turn_context.services.get(ConnectorClientBase)
    assert client is not None, "the SDK gives every inbound turn a connector client"
    return client


def as_person(account: ChannelAccount, fallback_name: str = "") -> Person | None:
    """A person of the team; None for accounts without a Microsoft Entra user (bots, tags)."""
    if not account.aad_object_id:
        return None
    name = (account.name or fallback_name or "Team member")[:MAX_NAME]
    return Person(user_id=account.aad_object_id, name=name)


async def member(
    client: ConnectorClientBase, team_id: str, user_id: str, fallback_name: str = ""
) -> Person | None:
    """One member of the team, by Teams id or Microsoft Entra object id; None for anyone or
    anything else (a tag, a channel)."""
    try:
        account = await client.conversations.get_conversation_member(team_id, user_id)
    except ClientResponseError as error:
        if error.status != 404:
            raise
        return None
    return as_person(account, fallback_name)


async def mentioned(client: ConnectorClientBase, team_id: str, activity: Activity) -> list[Person]:
    """The team members an activity @mentions, in order, without the bot, tags or channels."""
    bot_id = activity.recipient.id if activity.recipient else None
    accounts = {
        m.mentioned.id: m.mentioned
        for m in activity.get_mentions()
        if m.mentioned and m.mentioned.id and m.mentioned.id != bot_id
    }
    people: list[Person] = []
    for account_id, account in accounts.items():
        person = await member(client, team_id, account_id, account.name or "")
        if person is not None:
            people.append(person)
    return people


async def team_members(client: ConnectorClientBase, team_id: str) -> tuple[Person, ...]:
    """The team's people, by name, for a choice of anyone in the team."""
    page = await client.conversations.get_conversation_paged_members(
        team_id, page_size=MEMBERS_PAGE
    )
    people = (as_person(account) for account in page.members or [])
    return tuple(sorted((p for p in people if p is not None), key=lambda p: p.name.casefold()))

"""The Microsoft 365 Agents SDK, configured from reflectbot's settings.

MICROSOFT_APP_ID / _PASSWORD / _TYPE / _TENANT_ID become the SDK's own service connection. Only
in the anonymous local-testing mode (REFLECTBOT_TEAMS_ANONYMOUS, no app id) does the SDK accept
unauthenticated requests and call the connector without a token, and then only on loopback."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    AuthenticationConstants,
    ConnectorClientBase,
    RestChannelServiceClientFactory,
)
from microsoft_agents.hosting.core.authorization.auth_types import AuthTypes

from adapters.teams.service_urls import ServiceUrlRefused, ServiceUrls
from bot.config import Settings

log = logging.getLogger(__name__)

# Multi-tenant bot registrations take their tokens from the Bot Framework's own tenant.
BOT_FRAMEWORK_TENANT = "botframework.com"
MANAGED_IDENTITY = "userassignedmsi"
SINGLE_TENANT = "singletenant"


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    app_id = settings.microsoft_app_id
    kind = settings.microsoft_app_type.lower()  # as Azure spells it: SingleTenant, UserAssignedMSI
    managed = kind == MANAGED_IDENTITY
    single_tenant = managed or kind == SINGLE_TENANT
    return AgentAuthConfiguration(
        auth_type=AuthTypes.user_managed_identity if managed else AuthTypes.client_secret,
        client_id=app_id,
        client_secret=settings.microsoft_app_password,
        tenant_id=settings.microsoft_app_tenant_id if single_tenant else BOT_FRAMEWORK_TENANT,
        anonymous_allowed=settings.teams_anonymous_mode,
    )


class TeamsConnection:
    """The SDK's adapter (inbound turns) and connector clients (outbound calls outside a turn)."""

    def __init__(self, settings: Settings) -> None:
        self.app_id = settings.microsoft_app_id or ""
        self.anonymous = settings.teams_anonymous_mode
        self.service_urls = ServiceUrls.from_setting(self.anonymous, settings.teams_service_urls)
        self.auth = auth_configuration(settings)
        connections = MsalConnectionManager(
            connections_configurations={"SERVICE_CONNECTION": self.auth}
        )
        self._clients = RestChannelServiceClientFactory(connections)
        self.adapter = CloudAdapter(channel_service_client_factory=self._clients)

    @asynccontextmanager
    async def connector(self, service_url: str) -> AsyncIterator[ConnectorClientBase]:
        """A Bot Connector client for a conversation's service URL, authenticated as the bot."""
        if not self.service_urls.allows(service_url):
            raise ServiceUrlRefused("the conversation's service URL is not an allowed one")
        claims = self.adapter.create_claims_identity(self.app_id)
        client = await self._clients.create_connector_client(
            None,
            claims,
            service_url,
            AuthenticationConstants.AGENTS_SDK_SCOPE,
            use_anonymous=self.anonymous,
        )
        try:
            yield client
        finally:
            await client.close()

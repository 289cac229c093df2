"""Which Bot Connector service URLs the bot may call.

An activity names the service URL the bot answers through, so a forged activity could send the
bot's requests anywhere (into the internal network, say). Outside the anonymous local-testing
mode only Bot Framework hosts are called; in that mode, only this machine."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

# Teams' Bot Connector in the public cloud (smba.trafficmanager.net/<region>/), the US government
# clouds (GCC, GCC High, DoD) and the Bot Framework's own channels.
BOT_FRAMEWORK_HOSTS = (
    "smba.trafficmanager.net",
    "smba.infra.gcc.teams.microsoft.com",
    "smba.infra.gov.teams.microsoft.us",
    "smba.infra.dod.teams.microsoft.us",
)
BOT_FRAMEWORK_DOMAINS = (".botframework.com", ".botframework.us", ".botframework.azure.us")
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bot_framework(scheme: str, host: str) -> bool:
    return scheme == "https" and (
        host in BOT_FRAMEWORK_HOSTS or host.endswith(BOT_FRAMEWORK_DOMAINS)
    )


@dataclass(frozen=True)
class ServiceUrls:
    """The policy: `anonymous` allows loopback only; `prefixes`, when given, replace the
    Bot Framework hosts (for tests against a fake connector)."""

    anonymous: bool = False
    prefixes: tuple[str, ...] = ()

    @classmethod
    def from_setting(cls, anonymous: bool, setting: str | None) -> ServiceUrls:
        prefixes = tuple(p.strip() for p in (setting or "").split(",") if p.strip())
        return cls(anonymous=anonymous, prefixes=prefixes)

    def allows(self, url: object) -> bool:
        if not isinstance(url, str) or len(url) > 2048:
            return False
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
            return False
        if self.anonymous:
            return is_loopback(host)
        if self.prefixes:
            return any(url.startswith(prefix) for prefix in self.prefixes)
        return _bot_framework(parts.scheme, host)


class ServiceUrlRefused(Exception):
    """A service URL outside the allowed ones; the bot makes no call to it."""

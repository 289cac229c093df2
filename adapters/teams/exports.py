"""Published records as Word or PDF files, behind links that only their holder can open.

Teams cannot hand a bot's file to one person in a channel, so `@reflectbot export` sends the
facilitator private links to `GET /exports/{token}`. The token is a JWT signed with the server's
secret (HMAC-SHA256, checked in constant time by PyJWT) naming the session, the format and the
facilitator; it expires after a day by the app's own clock."""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from aiohttp import web

from adapters.export.document import NoRecord, record_document
from adapters.export.files import record_file
from adapters.teams.cards import Card, adaptive_card
from adapters.teams.text import escape
from bot.runtime import Runtime
from dialogs.state import SessionState

log = logging.getLogger(__name__)

EXPORT_PATH = "/exports/{token}"
LINK_LIFETIME = timedelta(hours=24)
ALGORITHM = "HS256"
DOWNLOADS = {
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("PDF", "application/pdf"),
}
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})
EXPIRED = "This link has expired. Ask for new links with @reflectbot export in the channel."
NOT_VALID = "This link is not valid. Ask for new links with @reflectbot export in the channel."
GONE = "This record is no longer available."

# The address Teams reached this app at, for links in answers made during that request.
request_origin: ContextVar[str] = ContextVar("request_origin")


def origin_of(request: web.Request) -> str:
    """Teams only calls HTTPS endpoints, so links are https unless a local test tool called."""
    scheme = request.scheme if request.url.host in LOOPBACK else "https"
    return f"{scheme}://{request.host}"


@dataclass(frozen=True)
class Grant:
    session_id: str
    kind: str
    actor: str


class Exports:
    """Signed links to a record's files, and the route that serves them."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def token(self, session_id: str, kind: str, actor: str) -> str:
        return self.sign({"sid": session_id, "fmt": kind, "sub": actor})

    def sign(self, claims: dict[str, str], lifetime: timedelta = LINK_LIFETIME) -> str:
        """A token carrying `claims`, valid for `lifetime` by the app's clock."""
        expires = self.runtime.clock.now() + lifetime
        signed = {**claims, "exp": int(expires.timestamp())}
        return jwt.encode(signed, self._key(), algorithm=ALGORITHM)

    def verified(self, token: str, required: list[str]) -> dict[str, Any]:
        """The claims of a token signed here and not expired. Raises web.HTTPForbidden when it
        is forged, tampered with, lacks a claim or has expired."""
        try:
            # Expiry is checked below against the app's clock, not the system's.
            claims = jwt.decode(
                token,
                self._key(),
                algorithms=[ALGORITHM],
                options={"verify_exp": False, "require": ["exp", *required]},
            )
        except jwt.InvalidTokenError as error:
            raise web.HTTPForbidden(text=NOT_VALID) from error
        if not isinstance(claims["exp"], int):
            raise web.HTTPForbidden(text=NOT_VALID)
        if claims["exp"] <= self.runtime.clock.now().timestamp():
            raise web.HTTPForbidden(text=EXPIRED)
        return claims

    def url(self, session_id: str, kind: str, actor: str) -> str:
        token = self.token(session_id, kind, actor)
        return request_origin.get() + EXPORT_PATH.format(token=token)

    def read(self, token: str) -> Grant:
        """The grant a token carries. Raises web.HTTPForbidden when it is forged, tampered
        with or expired."""
        claims = self.verified(token, ["sid", "fmt", "sub"])
        if claims["fmt"] not in DOWNLOADS:
            raise web.HTTPForbidden(text=NOT_VALID)
        return Grant(session_id=str(claims["sid"]), kind=claims["fmt"], actor=str(claims["sub"]))

    async def download(self, request: web.Request) -> web.Response:
        """GET /exports/{token}: the record's file, for the facilitator the link was made for."""
        runtime = self.runtime
        grant = self.read(request.match_info["token"])
        async with runtime.store.transaction() as uow:
            stored = await uow.sessions.get(grant.session_id)
        if stored is None or stored.state.facilitator.user_id != grant.actor:
            raise web.HTTPNotFound(text=GONE)
        try:
            document = record_document(stored.state, runtime.settings.protective_marking)
        except NoRecord as error:
            raise web.HTTPNotFound(text=GONE) from error
        body = await record_file(document, grant.kind)
        async with runtime.store.transaction() as uow:
            await uow.audit.add(
                stored.id, f"exported ({grant.kind})", grant.actor, runtime.clock.now()
            )
        log.info("session %s: record exported as %s", stored.id, grant.kind)
        name = _file_name(stored.state, grant.kind)
        return web.Response(
            body=body,
            content_type=DOWNLOADS[grant.kind][1],
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Cache-Control": "no-store",
            },
        )

    def _key(self) -> bytes:
        key = self.runtime.secret
        assert key, "the runtime always has a secret"
        return key


def links_card(state: SessionState, urls: dict[str, str]) -> Card:
    """The facilitator's private card with one download button per format."""
    body = [
        {
            "type": "TextBlock",
            "text": escape(f"{state.model.record.title}: case {state.case_reference}"),
            "weight": "Bolder",
            "wrap": True,
        },
        {
            "type": "TextBlock",
            "text": "Only you can use these links, for the next 24 hours. Keep the files where "
            "your organisation keeps case records.",
            "wrap": True,
        },
    ]
    buttons = [
        {"type": "Action.OpenUrl", "title": f"Download as {DOWNLOADS[kind][0]}", "url": url}
        for kind, url in urls.items()
    ]
    return adaptive_card(body, buttons)


def _file_name(state: SessionState, kind: str) -> str:
    reference = re.sub(r"[^A-Za-z0-9_-]+", "-", state.case_reference).strip("-") or "record"
    return f"record-{reference}.{kind}"

"""Who is who in a practice room: signed cookies instead of accounts, and form tokens.

A browser that joins a room as a person gets a cookie named for that person, holding an HMAC of
the room and person ids under the runtime's secret; one browser may hold several (a trainer
playing several people in tabs). Every state-changing form carries a second HMAC, the person's
form token, so a page on another site cannot post as them even if SameSite were ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE_PREFIX = "rb_"
COOKIE_MAX_AGE = 30 * 24 * 3600


def new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(8)}"


def new_room_id() -> str:
    # The room id is the join link's secret part: long enough not to be guessed.
    return secrets.token_urlsafe(16)


def cookie_name(person_id: str) -> str:
    return COOKIE_PREFIX + person_id


def cookie_path(room_id: str) -> str:
    # Without a trailing slash the path covers the room's own address and everything under it.
    return f"/r/{room_id}"


class Signer:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, room_id: str, person_id: str) -> str:
        message = f"{purpose}\n{room_id}\n{person_id}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def cookie_value(self, room_id: str, person_id: str) -> str:
        return self._mac("cookie", room_id, person_id)

    def cookie_valid(self, room_id: str, person_id: str, value: str | None) -> bool:
        expected = self.cookie_value(room_id, person_id)
        return value is not None and hmac.compare_digest(expected, value)

    def form_token(self, room_id: str, person_id: str) -> str:
        return self._mac("form", room_id, person_id)

    def token_valid(self, room_id: str, person_id: str, token: str | None) -> bool:
        expected = self.form_token(room_id, person_id)
        return token is not None and hmac.compare_digest(expected, token)

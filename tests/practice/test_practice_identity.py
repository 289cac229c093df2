"""Signed cookies and form tokens: right for one room and person, wrong for anything else."""

from __future__ import annotations

from adapters.practice.identity import Signer

SIGNER = Signer(b"secret")


def test_a_cookie_is_valid_only_for_its_room_and_person() -> None:
    value = SIGNER.cookie_value("room-1", "p-1")
    assert SIGNER.cookie_valid("room-1", "p-1", value)
    assert not SIGNER.cookie_valid("room-2", "p-1", value)
    assert not SIGNER.cookie_valid("room-1", "p-2", value)
    assert not SIGNER.cookie_valid("room-1", "p-1", value[:-1] + ("0" if value[-1] != "0" else "1"))
    assert not SIGNER.cookie_valid("room-1", "p-1", None)
    assert not Signer(b"another secret").cookie_valid("room-1", "p-1", value)


def test_a_form_token_is_not_a_cookie_and_a_cookie_is_not_a_form_token() -> None:
    token = SIGNER.form_token("room-1", "p-1")
    assert SIGNER.token_valid("room-1", "p-1", token)
    assert not SIGNER.cookie_valid("room-1", "p-1", token)
    assert not SIGNER.token_valid("room-1", "p-1", SIGNER.cookie_value("room-1", "p-1"))
    assert not SIGNER.token_valid("room-1", "p-2", token)

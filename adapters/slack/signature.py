"""Is a request signed by Slack? Checked on the raw body, before anything reads it."""

from __future__ import annotations

from collections.abc import Mapping

from slack_sdk.signature import SignatureVerifier

# Slack's timestamps are whole seconds since 1970: ten digits now, eleven in 2286.
_TIMESTAMP_DIGITS = range(1, 12)


class SlackSignature:
    def __init__(self, signing_secret: str) -> None:
        self._verifier = SignatureVerifier(signing_secret)

    def is_signed(self, body: bytes, headers: Mapping[str, str]) -> bool:
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        # A timestamp that is not plain digits (letters, "1e9", "²") is refused before the
        # verifier turns it into a number.
        if not (
            timestamp.isascii() and timestamp.isdigit() and len(timestamp) in _TIMESTAMP_DIGITS
        ):
            return False
        return self._verifier.is_valid(body, timestamp, signature)

"""Slack's text rules: escaping user text, and splitting long text without losing any of it."""

from __future__ import annotations

import re

from dialogs.content import PersonRef

# With "escape channels, users and links" on, Slack sends a mention as <@U123|name>.
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


def escape(text: str) -> str:
    """Slack's three control characters, so user text can ping nobody and break nothing."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(person: PersonRef) -> str:
    return f"<@{escape(person.user_id)}>"


def _safe_hard_cut(text: str, limit: int) -> int:
    """Where to cut a run with no spaces: not inside an escape (&amp;) or a mention (<@U1>)."""
    opener = max(text.rfind("&", 0, limit), text.rfind("<", 0, limit))
    if opener > 0:
        closer = ";" if text[opener] == "&" else ">"
        if text.find(closer, opener, limit) == -1:
            return opener
    return limit


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters, cut at a line break, else between words, else
    anywhere safe. The line break or space a chunk was cut at is dropped."""
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut > 0:
            chunks.append(rest[:cut])
            rest = rest[cut + 1 :]
        else:
            cut = _safe_hard_cut(rest, limit)
            chunks.append(rest[:cut])
            rest = rest[cut:]
    chunks.append(rest)
    return chunks

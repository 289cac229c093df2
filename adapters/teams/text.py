"""Plain text in and out of Teams: escaping for card text, and reading what people typed."""

from __future__ import annotations

import re

from microsoft_agents.activity import Activity

# Characters that Adaptive Card markdown would read as emphasis, code or a link.
_MARKDOWN = re.compile(r"([\\`*_~\[\]])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# A line that starts like a list item or a quote would become one.
_LINE_START = re.compile(r"^(\s*)(\d+)\.(?=\s)|^(\s*)([-+>])(?=\s)", re.MULTILINE)


def escape(text: str) -> str:
    """User text as literal card text: no markdown, no HTML, no `<at>` mentions."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    escaped = _LINE_START.sub(_escape_line_start, escaped)
    return "".join(_HTML.get(char, char) for char in escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(2) is not None:
        return f"{match.group(1)}{match.group(2)}\\."
    return f"{match.group(3)}\\{match.group(4)}"


def spoken_text(activity: Activity) -> str:
    """What someone wrote, without the bot's @mention and with other mentions as plain names."""
    text = activity.remove_recipient_mention()
    for mention in activity.get_mentions():
        if mention.text and mention.mentioned and mention.mentioned.name:
            text = text.replace(mention.text, mention.mentioned.name)
    return text.strip()


def command_text(activity: Activity) -> str:
    """What someone asked the bot, with every @mention taken out."""
    text = activity.remove_recipient_mention()
    for mention in activity.get_mentions():
        if mention.text:
            text = text.replace(mention.text, " ")
    return " ".join(text.split())

"""A record of about 30,000 characters, for the tests that split long records into a platform's
messages: the same record on every platform."""

from __future__ import annotations

from dialogs.content import Block, BlockStyle, Content


def long_record(title: str = "Multi-agency reflective supervision discussion summary") -> Content:
    """Shaped like a record: headings, sections of many lines (list items among them), and one
    paragraph far longer than a Slack section or a Teams text block."""
    sections = []
    for number in range(1, 9):
        lines = [
            f"- Agency {number}.{line}: what we each saw of the plan, week by week." * 2
            for line in range(1, 25)
        ]
        sections += [
            Block(style=BlockStyle.HEADING, text=f"Section {number}"),
            Block(style=BlockStyle.QUOTE, text="\n".join(lines)),
        ]
    unbroken = " ".join(f"word{n}" for n in range(900))  # ~7,000 characters on one line
    sections.append(Block(style=BlockStyle.QUOTE, text=unbroken))
    content = Content(title=title, blocks=tuple(sections), summary="The record")
    assert 29_000 < sum(len(b.text) for b in content.blocks) < 32_000
    return content

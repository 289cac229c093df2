"""Neutral content as terminal text."""

from __future__ import annotations

import textwrap

from dialogs.content import Block, BlockStyle, Content, Form

WIDTH = 88


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(
                paragraph,
                WIDTH,
                initial_indent=first if first is not None and not lines else indent,
                subsequent_indent=indent,
            )
            or [indent]
        )
    return lines


def block_lines(block: Block, indent: str) -> list[str]:
    people = ", ".join(p.name for p in block.people)
    text = f"{block.text} {people}".strip() if people else block.text
    if block.style is BlockStyle.HEADING:
        return ["", *_wrap(text.upper(), indent)]
    if block.style is BlockStyle.BULLETS:
        return [
            line for item in block.items for line in _wrap(item, indent + "    ", indent + "  • ")
        ]
    if block.style is BlockStyle.NUMBERED:
        return [
            line
            for n, item in enumerate(block.items, 1)
            for line in _wrap(item, indent + "     ", f"{indent}  {n}. ")
        ]
    if block.style is BlockStyle.QUOTE:
        return _wrap(text, indent + "  ┃ ")
    if block.style is BlockStyle.NOTE:
        return _wrap(text, indent + "  ")
    return _wrap(text, indent)


def render(content: Content, indent: str = "") -> str:
    lines = [f"{indent}■ {content.title}"] if content.title else []
    for block in content.blocks:
        lines.extend(block_lines(block, indent + "  "))
    if content.actions:
        buttons = "  ".join(f"[{action.label}]" for action in content.actions)
        lines.extend(_wrap(buttons, indent + "  "))
    return "\n".join(lines)


def render_form(form: Form, indent: str = "") -> str:
    lines = [f"{indent}▣ Form: {form.title}"]
    if form.intro:
        lines.extend(_wrap(form.intro, indent + "  "))
    for item in form.fields:
        lines.append(f"{indent}  {item.label}:")
        lines.extend(_wrap(item.initial or "(empty)", indent + "    │ "))
    lines.append(f"{indent}  [{form.submit_label}]")
    return "\n".join(lines)

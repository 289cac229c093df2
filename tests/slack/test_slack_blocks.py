"""Block Kit rendering, text splitting and modal forms within Slack's limits."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack.blocks import (
    BLOCKS_PER_MESSAGE,
    SECTION_LIMIT,
    button_value,
    parse_button,
    render,
)
from adapters.slack.forms import INPUT_LIMIT, FormTooLarge, form_view, read_submission
from adapters.slack.text import escape, split_text
from dialogs.content import (
    Action,
    ActionId,
    ActionStyle,
    Block,
    BlockStyle,
    Content,
    FieldKind,
    Form,
    FormField,
    FormId,
    Option,
    PersonRef,
)
from tests.long_record import long_record


@given(st.text(alphabet=st.sampled_from("ab &<>\n"), max_size=400), st.integers(8, 60))
def test_split_text_loses_only_the_breaks_it_cut_at(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert len("".join(chunks)) >= len(text) - (len(chunks) - 1)
    rejoined = "".join(chunks)
    remaining = iter(text)
    assert all(char in remaining for char in rejoined)  # in order, nothing invented


def test_split_text_does_not_cut_an_escape_or_a_mention_in_two() -> None:
    text = "x" * 8 + "&amp;" + "y" * 8
    assert split_text(text, 10) == ["x" * 8, "&amp;" + "y" * 5, "y" * 3]
    assert split_text("x" * 8 + "<@U123>", 10) == ["x" * 8, "<@U123>"]


def test_escape_turns_slack_control_characters_into_entities() -> None:
    assert escape("<!channel> & <@U1|x>") == "&lt;!channel&gt; &amp; &lt;@U1|x&gt;"


def section_texts(blocks: list[dict]) -> list[str]:
    return [
        b["text"]["text"] if b["type"] == "section" else b["elements"][0]["text"]
        for b in blocks
        if b["type"] in ("section", "context")
    ]


def test_each_style_renders_escaped_and_people_as_mentions() -> None:
    content = Content(
        title="Who <is> here",
        blocks=(
            Block(style=BlockStyle.HEADING, text="Ground & rules"),
            Block(style=BlockStyle.BULLETS, items=("a <b>", "c")),
            Block(style=BlockStyle.NUMBERED, items=("one", "two")),
            Block(style=BlockStyle.QUOTE, text="line 1 <!here>\n\nline 3"),
            Block(
                style=BlockStyle.NOTE,
                text="Waiting for:",
                people=(PersonRef(user_id="U1", name="A"), PersonRef(user_id="U2", name="B")),
            ),
        ),
        summary="Summary & <!channel>",
    )
    (part,) = render(content, "S1")
    assert part.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Who <is> here", "emoji": False},
    }
    assert section_texts(part.blocks) == [
        "*Ground &amp; rules*",
        "• a &lt;b&gt;\n• c",
        "1. one\n2. two",
        "> line 1 &lt;!here&gt;\n>\n> line 3",
        "Waiting for: <@U1>, <@U2>",
    ]
    assert part.text == "Summary &amp; &lt;!channel&gt;"


def test_buttons_carry_the_session_and_have_unique_action_ids() -> None:
    scale = [Action(id=ActionId.SCALE, label=str(n), value=f"confidence:{n}") for n in range(6)]
    actions = (*scale, Action(id=ActionId.END, label="End", style=ActionStyle.DANGER))
    (part,) = render(Content(title="Q", actions=actions), "S1")
    (buttons_block,) = [b for b in part.blocks if b["type"] == "actions"]
    buttons = buttons_block["elements"]
    assert len({b["action_id"] for b in buttons}) == len(buttons)
    assert buttons[-1]["style"] == "danger"
    assert "style" not in buttons[0]
    press = parse_button(buttons[3]["action_id"], buttons[3]["value"])
    assert press is not None
    assert (press.action, press.session_id, press.value) == (ActionId.SCALE, "S1", "confidence:3")


def test_malformed_button_values_are_refused() -> None:
    assert parse_button("reflect:next:0", "no separator") is None
    assert parse_button("reflect:next:0", "|no session") is None
    assert parse_button("reflect:explode:0", button_value("S1", "")) is None
    assert parse_button("other:next:0", button_value("S1", "")) is None


def test_long_content_is_split_across_sections_and_messages_without_loss() -> None:
    paragraph = "Nobody told the school & the plan changed. " * 100  # ~4,300 characters
    content = Content(
        title="Record",
        blocks=tuple(Block(style=BlockStyle.QUOTE, text=paragraph) for _ in range(30)),
        actions=(Action(id=ActionId.APPROVE, label="Approve"),),
    )
    parts = render(content, "S1")
    assert len(parts) > 1
    assert all(len(part.blocks) <= BLOCKS_PER_MESSAGE for part in parts)
    texts = [t for part in parts for t in section_texts(part.blocks)]
    assert max(len(t) for t in texts) <= SECTION_LIMIT
    assert all(t.startswith("> ") for t in texts)
    words = " ".join(t.removeprefix("> ") for t in texts).split()
    assert words == (escape(paragraph) * 30).split()
    # The buttons come last, after all of the text.
    assert parts[-1].blocks[-1]["type"] == "actions"
    assert parts[1].text.endswith("(continued)")


def record_form(initial: str) -> Form:
    return Form(
        id=FormId.RECORD,
        title="Edit the record of this long session",
        intro="Edit each section.",
        fields=(
            FormField(id="themes", label="Themes", initial=initial, max_length=20000),
            FormField(
                id="owner",
                label="Owner",
                kind=FieldKind.PERSON,
                initial="U2",
                options=(Option(value="U1", label="A"), Option(value="U2", label="B")),
            ),
            FormField(id="review", label="Review", kind=FieldKind.DATE, initial="2026-12-01"),
        ),
    )


def test_a_long_field_is_shown_in_parts_and_joined_on_submit() -> None:
    initial = "\n".join(f"Theme {n}: " + "more words " * 30 for n in range(25))
    view = form_view(record_form(initial), "S1")
    assert len(view["title"]["text"]) <= 24
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    themes = [b for b in inputs if b["block_id"].startswith("themes.")]
    assert len(themes) == 4
    assert all(len(b["element"]["initial_value"]) <= INPUT_LIMIT for b in themes)
    assert themes[1]["label"]["text"] == "Themes (part 2 of 4)"
    values = {
        b["block_id"]: {
            "value": {"type": "plain_text_input", "value": b["element"]["initial_value"]}
        }
        for b in themes
    }
    values["owner.0"] = {"value": {"type": "static_select", "selected_option": {"value": "U1"}}}
    values["review.0"] = {"value": {"type": "datepicker", "selected_date": "2026-12-24"}}
    submitted = read_submission(
        {"private_metadata": view["private_metadata"], "state": {"values": values}}
    )
    assert submitted.session_id == "S1"
    assert submitted.form is FormId.RECORD
    assert submitted.fields == {"themes": initial, "owner": "U1", "review": "2026-12-24"}


def test_a_nearly_full_field_gets_an_empty_part_to_grow_into() -> None:
    view = form_view(record_form("word " * 560), "S1")
    themes = [b for b in view["blocks"] if b.get("block_id", "").startswith("themes.")]
    assert len(themes) == 2
    assert "initial_value" not in themes[1]["element"]
    assert themes[1]["optional"] is True
    assert json.loads(view["private_metadata"])["parts"]["themes"] == 2


def test_a_form_slack_cannot_hold_is_refused_rather_than_cut() -> None:
    fields = tuple(
        FormField(id=f"s{n}", label=f"Section {n}", initial="x " * 2000) for n in range(60)
    )
    form = Form(id=FormId.RECORD, title="Edit the record", fields=fields)
    with pytest.raises(FormTooLarge):
        form_view(form, "S1")


def test_a_30000_character_record_is_split_between_lines_and_loses_nothing() -> None:
    content = long_record()
    parts = render(content, "S1")
    assert len(parts) >= 3, "Slack refuses a message of more than about 13,200 characters"
    assert all(len(part.blocks) <= BLOCKS_PER_MESSAGE for part in parts)
    assert all(len(json.dumps(part.blocks)) < 14_000 for part in parts)
    texts = [t for part in parts for t in section_texts(part.blocks)]
    assert max(len(t) for t in texts) <= SECTION_LIMIT
    shown_lines = [line.removeprefix("> ") for t in texts for line in t.split("\n")]
    for block in content.blocks[:-1]:
        for line in block.text.split("\n"):
            # Every line that fits in a section is shown whole, in one piece.
            wanted = f"*{line}*" if block.style is BlockStyle.HEADING else escape(line)
            assert wanted in shown_lines, line
    # The one line longer than a section continues in the next, cut between words only.
    shown_words = " ".join(shown_lines).split()
    original = " ".join(
        f"*{b.text}*" if b.style is BlockStyle.HEADING else escape(b.text) for b in content.blocks
    ).split()
    assert shown_words == [f"*{content.title}*", *original] or shown_words == original
    assert all(part.text.startswith("The record") for part in parts)

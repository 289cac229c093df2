"""Neutral content as Adaptive Cards: escaping, buttons, dialogs and forms."""

from __future__ import annotations

import json

import pytest

from adapters.teams.cards import MAX_CARD_BYTES, form_card, render
from adapters.teams.text import escape
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


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<at>Boss</at>", "&lt;at&gt;Boss&lt;/at&gt;"),
        ("<!channel> & @here", "&lt;!channel&gt; &amp; @here"),
        ("**bold** _it_ `code` ~~gone~~", r"\*\*bold\*\* \_it\_ \`code\` \~\~gone\~\~"),
        ("[click](https://example.org)", r"\[click\](https://example.org)"),
        ("- not a list\n1. not numbered", "\\- not a list\n1\\. not numbered"),
        ("a \\ backslash", "a \\\\ backslash"),
        ("Plain words, 3.5 stars.", "Plain words, 3.5 stars."),
    ],
)
def test_escape_makes_user_text_literal(text: str, shown: str) -> None:
    assert escape(text) == shown


def _texts(card: dict) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card["body"])
    return found


def test_people_are_named_never_mentioned() -> None:
    content = Content(
        title="Q",
        blocks=(
            Block(
                style=BlockStyle.NOTE,
                text="Waiting for:",
                people=(PersonRef(user_id="aad-1", name="<at>Ann</at>"),),
            ),
        ),
    )
    (card,) = render(content, "s1")
    assert _texts(card) == ["Q", "Waiting for: &lt;at&gt;Ann&lt;/at&gt;"]
    assert "msteams" not in card or "entities" not in card["msteams"]


def test_buttons_carry_the_session_and_dialog_buttons_open_a_dialog() -> None:
    content = Content(
        title="Key points",
        actions=(
            Action(id=ActionId.NEXT, label="Next"),
            Action(
                id=ActionId.KEY_POINTS, label="Write", value="stage-1", style=ActionStyle.PRIMARY
            ),
            Action(id=ActionId.END, label="End", style=ActionStyle.DANGER),
        ),
    )
    (card,) = render(content, "s1")
    nxt, write, end = card["actions"]
    assert nxt["data"] == {"action": "next", "value": "", "session": "s1"}
    assert write["data"]["msteams"] == {"type": "task/fetch"} and write["style"] == "positive"
    assert "msteams" not in nxt["data"] and end["style"] == "destructive"


def test_scale_choices_sit_in_rows_inside_the_card() -> None:
    choices = tuple(Action(id=ActionId.SCALE, label=str(v), value=f"q1:{v}") for v in range(0, 11))
    (card,) = render(
        Content(title="Scale", actions=(*choices, Action(id=ActionId.SKIP, label="Skip"))), "s"
    )
    rows = [e for e in card["body"] if e["type"] == "ActionSet"]
    assert [len(row["actions"]) for row in rows] == [6, 5]
    assert [a["title"] for a in card["actions"]] == ["Skip"]


def test_form_fields_become_the_right_inputs() -> None:
    form = Form(
        id=FormId.RECORD,
        title="Edit",
        intro="Check **everything**",
        fields=(
            FormField(id="summary", label="Summary", initial="<b>kept</b> as typed"),
            FormField(id="title", label="Title", kind=FieldKind.LINE, optional=False),
            FormField(
                id="owner",
                label="Owner",
                kind=FieldKind.PERSON,
                options=(Option(value="aad-1", label="Ann"),),
            ),
            FormField(id="review", label="Review", kind=FieldKind.DATE),
        ),
        submit_label="Preview",
    )
    card = form_card(form, "s1")
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert inputs["field:summary"]["isMultiline"] and inputs["field:summary"]["value"] == (
        "<b>kept</b> as typed"
    )
    assert inputs["field:title"]["isRequired"] and not inputs["field:title"]["isMultiline"]
    assert inputs["field:owner"]["type"] == "Input.ChoiceSet"
    assert inputs["field:owner"]["choices"] == [{"title": "Ann", "value": "aad-1"}]
    assert inputs["field:review"]["type"] == "Input.Date"
    assert _texts(card) == [r"Check \*\*everything\*\*"]
    assert card["actions"][0]["data"] == {
        "action": "form",
        "value": "",
        "session": "s1",
        "form": "record",
    }


def test_a_30000_character_record_is_split_into_cards_between_lines_and_loses_nothing() -> None:
    content = long_record("Record")

    cards = render(content, "S1")
    assert len(cards) >= 2
    assert all(
        len(json.dumps(card, ensure_ascii=False).encode()) <= MAX_CARD_BYTES for card in cards
    )
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                texts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(cards)
    for block in content.blocks[:-1]:
        for line in block.text.split("\n"):
            assert escape(line) in texts, line  # each line whole, in one text block
    shown = " ".join(texts).split()
    assert shown == " ".join(["Record", *(escape(b.text) for b in content.blocks)]).split()

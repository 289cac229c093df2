"""Answers given inside a turn: a card in reply, and Teams dialog (task module) responses."""

from __future__ import annotations

from typing import Any

from microsoft_agents.activity import Activity, InvokeResponse

from adapters.teams.cards import attachment, form_card, render
from adapters.teams.deliverer import card_activity
from dialogs.content import Content, Form
from dialogs.events import Person

STALE_BUTTON = "This button no longer works. Nothing has changed."


def reply(content: Content) -> Activity:
    return card_activity(render(content, session_id="")[0], content.summary)


def dialog(value: dict[str, Any]) -> InvokeResponse:
    return InvokeResponse(status=200, body={"task": value})


def close_dialog() -> InvokeResponse:
    """An empty answer to task/submit closes the dialog."""
    return InvokeResponse(status=200)


def not_handled() -> InvokeResponse:
    """An invoke reflectbot does not take (its cards submit messages, not Action.Execute;
    it has no message extensions or sign-in): a plain 400, never the SDK's 501 or a failure."""
    return InvokeResponse(status=400, body={"error": "reflectbot does not handle this request."})


def dialog_message(text: str) -> InvokeResponse:
    """A dialog that only says something (why a form cannot open, or was not accepted)."""
    return dialog({"type": "message", "value": text})


def form_dialog(form: Form, session_id: str, people: tuple[Person, ...] = ()) -> InvokeResponse:
    return dialog(
        {
            "type": "continue",
            "value": {
                "title": form.title,
                "width": "large",
                "height": "large",
                "card": attachment(form_card(form, session_id, people)),
            },
        }
    )

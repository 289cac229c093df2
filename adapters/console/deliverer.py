"""Carries out effects by printing them, as a channel would show them."""

from __future__ import annotations

import itertools
from typing import TextIO

from adapters.console.render import render
from bot.dispatcher import Delivery
from dialogs.content import BlockStyle
from dialogs.effects import DirectMessage, Ephemeral, Post, Update
from storage.repositories import PostedMessage

CHANNEL = "console"


class ConsoleDeliverer:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._ids = itertools.count(1)

    def _name(self, delivery: Delivery, user_id: str) -> str:
        return str(delivery.conversation.data.get("names", {}).get(user_id, user_id))

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def deliver(self, delivery: Delivery) -> list[PostedMessage]:
        effect = delivery.effect
        if isinstance(effect, Post):
            if effect.destination == "learning":
                where = effect.channel or "the learning channel"
                self._print(f"\n── posted in {where} ──")
            indent = "      " if effect.thread else ""
            self._print("\n" + render(effect.content, indent))
            return [PostedMessage(channel=CHANNEL, message_id=f"m{next(self._ids)}")]
        if isinstance(effect, Update):
            notes = [b for b in effect.content.blocks if b.style is BlockStyle.NOTE]
            status = notes[-1] if notes else None
            people = ", ".join(p.name for p in status.people) if status else ""
            first = effect.content.blocks[0].text if effect.content.blocks else ""
            line = f"{status.text} {people}".strip() if status else first
            self._print(f"   ↻ {effect.content.title or 'updated'}: {line}")
            return list(delivery.target)
        if isinstance(effect, Ephemeral):
            who = self._name(delivery, effect.user_id)
            self._print(f"   🔒 only {who} sees:\n" + render(effect.content, "      "))
            return []
        if isinstance(effect, DirectMessage):
            who = self._name(delivery, effect.user_id)
            self._print(f"\n   ✉ direct message to {who}:\n" + render(effect.content, "      "))
            return []
        return []

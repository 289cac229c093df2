"""A whole session in which a participant types identifiers: they are warned privately, the
facilitator sees what was taken out, and the published record holds none of it."""

from __future__ import annotations

from slack_driver import SlackSession
from slack_requests import FACILITATOR, PRESENTER

NHS_NUMBER = "943 476 5919"
POSTCODE = "PO1 2AB"
WATCHED = "Jordan Smith"
IDENTIFIERS = (NHS_NUMBER, NHS_NUMBER.replace(" ", ""), POSTCODE, WATCHED)
ANSWER = f"{WATCHED} (NHS number {NHS_NUMBER}) moved to {POSTCODE}; the school was not told."


def private_texts(session: SlackSession, user: str) -> str:
    private = [c for c in session.fake.called("chat.postEphemeral") if c.args["user"] == user]
    return "\n".join(text for call in private for text in call.texts())


async def test_identifiers_never_reach_the_published_record(session: SlackSession) -> None:
    await session.begin("space-to-think", watchlist=f"{WATCHED}\n")
    await session.answer_everything(said_by={PRESENTER: ANSWER})
    warned = private_texts(session, PRESENTER)
    assert "Your reply seems to contain" in warned
    for kind in ("NHS number", "postcode", "watch-list"):
        assert kind in warned
    assert not any(identifier in warned for identifier in IDENTIFIERS)
    assert "seems to contain" not in private_texts(session, "UPOL")

    await session.review_and_approve()
    preview = private_texts(session, FACILITATOR)
    assert "Taken out of the draft because they looked like identifiers" in preview
    record = session.posted(await session.ts_of("record"))
    published = "\n".join([record.args["text"], *record.texts()])
    assert (
        "[name on the watch-list removed] (NHS number [NHS number removed]) moved "
        "to [postcode removed]; the school was not told." in published
    )
    assert not any(identifier in published for identifier in IDENTIFIERS)

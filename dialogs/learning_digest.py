"""The monthly learning digest: when it is due, and what it says (the month's headline figures
and the learning themes published since the last one), as neutral content for any platform."""

from __future__ import annotations

from datetime import datetime, timedelta

from dialogs.content import Block, BlockStyle, Content
from dialogs.learning_report import LearningReport, Period, Theme, month_words

NO_NEW_THEMES = "No new learning themes were published this month."
REPORT_ATTACHED = "The full report for the month is attached."
DIGEST_HOUR = 9  # in the organisation's time zone, on the digest's day


def due_month(now: datetime, day: int) -> Period | None:
    """The month whose digest is due at `now` (local time): the one before, from 09:00 on its
    `day`-th day (a server that was down then sends it when it is back); None before that,
    or with digests turned off (day 0)."""
    if day < 1 or (now.day, now.hour) < (day, DIGEST_HOUR):
        return None
    today = now.date()
    last = today.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)


def digest_key(channel: str, month: Period) -> str:
    """What records that one channel's digest of one month went out (once, whoever sends it)."""
    assert month.start is not None
    return f"learning-digest:{month.start:%Y-%m}:{channel}"


def digest_content(
    report: LearningReport, audiences: tuple[str, ...], month: Period, themes: list[Theme]
) -> Content:
    """The digest's figures and themes; each platform ends it with where the report is."""
    assert month.start is not None
    when = month_words((month.start.year, month.start.month))
    totals = report.totals
    figures = [
        f"Sessions held: {totals.total} ({totals.published} published, "
        f"{totals.cancelled} cancelled, {totals.in_progress} not finished)",
        "Agencies taking part: "
        + (", ".join(f"{agency} ({n})" for agency, n in report.agencies) or "none"),
        f"Actions agreed: {report.open_actions} open, {report.completed_actions} completed",
        f"Evaluations received: {report.evaluations}",
    ]
    blocks = [
        Block(style=BlockStyle.NOTE, text=f"For {'; '.join(audiences)}. {report.no_identifiers}"),
        Block(style=BlockStyle.BULLETS, items=tuple(figures)),
        Block(style=BlockStyle.HEADING, text="New learning themes"),
    ]
    for theme in themes:
        late = "" if theme.delivered else " (not delivered when it was published)"
        blocks.append(Block(style=BlockStyle.NOTE, text=f"{theme.model}, {theme.month}{late}"))
        blocks.append(Block(style=BlockStyle.QUOTE, text=theme.text))
    if not themes:
        blocks.append(Block(text=NO_NEW_THEMES))
    return Content(
        title=f"Learning digest: {when}",
        blocks=tuple(blocks),
        summary=f"The learning digest for {when}",
    )


def ending_with(content: Content, note: str) -> Content:
    """The digest with what its platform says of the month's report last (attached, linked)."""
    return content.model_copy(
        update={"blocks": (*content.blocks, Block(style=BlockStyle.NOTE, text=note))}
    )

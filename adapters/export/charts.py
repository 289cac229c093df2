"""Bar charts for reports, drawn once as SVG (web pages) or PNG (PDF and Word).

matplotlib's Agg backend draws without a display; figures are made without pyplot, so
nothing is shared between reports drawn at the same time.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context
from matplotlib.figure import Figure

# Colours told apart with common colour blindness (Okabe and Ito), then greys.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
# Scores from low to high: light to dark of one hue, so the order reads without a legend.
SCORES = ("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
# Text as text in the SVG (searchable, sharp at any size); no date or random ids in the file.
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "reflectbot",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
WIDTH_INCHES = 7.0
PNG_DPI = 150


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class BarChart:
    """Bars for each category, one segment per series (stacked)."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = False
    value_label: str = ""
    scores: bool = False  # the series are scores, low to high

    def _colours(self) -> list[str]:
        if self.scores:
            # Spread the scale over the light-to-dark range, whatever its length.
            last = len(SCORES) - 1
            count = len(self.series)
            return [SCORES[round(i * last / max(count - 1, 1))] for i in range(count)]
        return [PALETTE[i % len(PALETTE)] for i in range(len(self.series))]

    def _figure(self) -> Figure:
        rows = len(self.categories)
        height = max(2.4, 0.45 * rows + 1.4) if self.horizontal else 3.2
        figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
        axes = figure.add_subplot()
        labels = [textwrap.fill(c, 40 if self.horizontal else 14) for c in self.categories]
        positions = list(range(rows))
        base = [0.0] * rows
        for series, colour in zip(self.series, self._colours(), strict=True):
            if self.horizontal:
                axes.barh(positions, series.values, left=base, color=colour, label=series.label)
            else:
                axes.bar(positions, series.values, bottom=base, color=colour, label=series.label)
            base = [b + v for b, v in zip(base, series.values, strict=True)]
        if self.horizontal:
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()  # the first category at the top, as in the table
            axes.set_xlabel(self.value_label)
            axes.xaxis.get_major_locator().set_params(integer=True)
        else:
            axes.set_xticks(positions, labels)
            axes.set_ylabel(self.value_label)
            axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_title(self.title, loc="left", fontweight="bold")
        if len(self.series) > 1:
            figure.legend(
                ncols=min(len(self.series), 8),
                loc="outside lower left",
                frameon=False,
                fontsize=8,
                title="Score" if self.scores else None,
                title_fontsize=8,
            )
        return figure

    def _draw(self, format_: str, **options: object) -> bytes:
        with rc_context(STYLE):
            out = io.BytesIO()
            self._figure().savefig(out, format=format_, metadata=_NO_METADATA[format_], **options)
        return out.getvalue()

    def svg(self) -> str:
        """The chart as an <svg> element, for a page to hold inline."""
        text = self._draw("svg").decode()
        return text[text.index("<svg") :]

    def png(self) -> bytes:
        return self._draw("png", dpi=PNG_DPI)


# Files made from the same figures are the same bytes: no creation date or software stamp.
_NO_METADATA: dict[str, dict[str, str | None]] = {
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
}

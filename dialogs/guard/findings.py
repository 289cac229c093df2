"""What the guard reports: the kind of identifier found and where, never the text itself.

A `Finding` deliberately carries no copy of the matched characters, so findings can be
logged, counted or sent to a facilitator ("2 names, 1 date") without leaking what they point at.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    NHS_NUMBER = "nhs_number"
    CHI_NUMBER = "chi_number"
    NI_NUMBER = "ni_number"
    POSTCODE = "postcode"
    DATE = "date"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    NAME = "name"
    WATCHED = "watched"


LABELS: dict[IdentifierKind, str] = {
    IdentifierKind.NHS_NUMBER: "NHS number",
    IdentifierKind.CHI_NUMBER: "CHI number",
    IdentifierKind.NI_NUMBER: "National Insurance number",
    IdentifierKind.POSTCODE: "postcode",
    IdentifierKind.DATE: "date",
    IdentifierKind.PHONE: "phone number",
    IdentifierKind.EMAIL: "e-mail address",
    IdentifierKind.ADDRESS: "street address",
    IdentifierKind.NAME: "name",
    IdentifierKind.WATCHED: "name on the watch-list",
}

# When two findings cover exactly the same characters, the earlier kind here wins: a number that
# passes the NHS check is better described as an NHS number than as a phone number, and a
# watch-list hit says more than the generic name detector.
SPECIFICITY: tuple[IdentifierKind, ...] = (
    IdentifierKind.NHS_NUMBER,
    IdentifierKind.CHI_NUMBER,
    IdentifierKind.NI_NUMBER,
    IdentifierKind.EMAIL,
    IdentifierKind.PHONE,
    IdentifierKind.POSTCODE,
    IdentifierKind.DATE,
    IdentifierKind.ADDRESS,
    IdentifierKind.WATCHED,
    IdentifierKind.NAME,
)
_RANK = {kind: i for i, kind in enumerate(SPECIFICITY)}

STRUCTURED_KINDS: frozenset[IdentifierKind] = frozenset(SPECIFICITY) - {
    IdentifierKind.NAME,
    IdentifierKind.WATCHED,
}
NAME_KINDS: frozenset[IdentifierKind] = frozenset({IdentifierKind.NAME, IdentifierKind.WATCHED})


@dataclass(frozen=True, slots=True)
class Finding:
    """An identifier of `kind` at `text[start:end]`."""

    kind: IdentifierKind
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"a finding needs 0 <= start < end, got {self.start}..{self.end}")

    @property
    def label(self) -> str:
        """The kind in plain words, as a practitioner would say it."""
        return LABELS[self.kind]

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end


def select_non_overlapping(candidates: list[Finding]) -> list[Finding]:
    """Keep a set of non-overlapping findings, sorted by start.

    Longer spans win (they hide more, e.g. "Jayden Smith" over "Jayden"); on equal length the
    more specific kind wins (see SPECIFICITY). Greedy is enough: candidates come from a handful of
    detectors and real overlaps are between two or three spans.
    """
    ordered = sorted(set(candidates), key=lambda f: (f.start - f.end, _RANK[f.kind], f.start))
    kept: list[Finding] = []
    for finding in ordered:
        if not any(finding.overlaps(k) for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)

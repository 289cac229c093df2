"""Loading the guard's test corpus (corpus_positive.txt, corpus_negative.txt) and scoring it."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from dialogs.guard import Finding, IdentifierKind, Watchlist, find_identifiers
from dialogs.guard.findings import NAME_KINDS, STRUCTURED_KINDS

HERE = Path(__file__).parent
MEETING_DATE = datetime.date(2024, 11, 20)
WATCH_SECRET = b"corpus-test-secret"
WATCH_ENTRIES = [
    "Jayden Smith",
    "Kayleigh Brown",
    "14 Elm Road",
    "Tadeusz Nowak",
    "Zephyr",
    "Oluwadarasimi Adeyemi",
    "Hope Baxter",
    "Rhiannon Pryce-Jones",
    "Ksenia Wiśniewska",
    "27 Hawthorn Crescent",
]
GROUPS: dict[str, frozenset[IdentifierKind]] = {
    "structured": STRUCTURED_KINDS,
    "names": NAME_KINDS,
}


@dataclass(frozen=True)
class Expected:
    kind: IdentifierKind
    start: int
    end: int

    @property
    def group(self) -> str:
        return next(g for g, kinds in GROUPS.items() if self.kind in kinds)


@dataclass(frozen=True)
class Example:
    line: int
    text: str
    expected: tuple[Expected, ...]


def _lines(name: str) -> list[tuple[int, str]]:
    raw = (HERE / name).read_text(encoding="utf-8").splitlines()
    return [(n, line) for n, line in enumerate(raw, 1) if line.strip() and not line.startswith("#")]


def load_positive() -> list[Example]:
    examples = []
    for n, line in _lines("corpus_positive.txt"):
        annotations, sep, text = line.partition(" :: ")
        if not sep:
            raise ValueError(f"corpus_positive.txt:{n}: no ' :: ' between annotations and text")
        seen: Counter[str] = Counter()
        expected = []
        for item in annotations.split("; "):
            kind, _, target = item.partition("=")
            # The same text annotated twice means its next occurrence.
            start = -1
            for _ in range(seen[target] + 1):
                start = text.find(target, start + 1)
            if start < 0:
                raise ValueError(f"corpus_positive.txt:{n}: {target!r} not in the text")
            seen[target] += 1
            expected.append(Expected(IdentifierKind(kind), start, start + len(target)))
        examples.append(Example(n, text, tuple(expected)))
    return examples


def load_negative() -> list[Example]:
    return [Example(n, line, ()) for n, line in _lines("corpus_negative.txt")]


def corpus_watchlist() -> Watchlist:
    return Watchlist.from_entries(WATCH_SECRET, WATCH_ENTRIES)


def scan(text: str, watchlist: Watchlist) -> list[Finding]:
    return find_identifiers(text, watchlist, today=MEETING_DATE)


def is_hit(expected: Expected, findings: list[Finding]) -> bool:
    kinds = GROUPS[expected.group] if expected.group == "names" else {expected.kind}
    return any(
        f.kind in kinds and f.start <= expected.start and f.end >= expected.end for f in findings
    )


@dataclass
class Score:
    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)
    negatives: int = 0
    flagged_negatives: list[str] = field(default_factory=list)
    extra_in_positives: list[str] = field(default_factory=list)

    def recall(self, key: str) -> float:
        return self.found[key] / self.total[key] if self.total[key] else 1.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.flagged_negatives) / self.negatives if self.negatives else 0.0

    def report(self) -> str:
        lines = ["identifier guard corpus"]
        for group in GROUPS:
            lines.append(
                f"  {group:<10} recall {self.recall(group):.3f}"
                f"  ({self.found[group]}/{self.total[group]})"
            )
        for kind in IdentifierKind:
            if self.total[kind]:
                lines.append(
                    f"    {kind.value:<11} {self.recall(kind):.3f}"
                    f"  ({self.found[kind]}/{self.total[kind]})"
                )
        lines.append(
            f"  false-positive rate {self.false_positive_rate:.3f}"
            f"  ({len(self.flagged_negatives)}/{self.negatives} negative sentences flagged)"
        )
        for title, items in (
            ("missed", self.misses),
            ("flagged negatives", self.flagged_negatives),
            ("unannotated findings in positives (not scored)", self.extra_in_positives),
        ):
            if items:
                lines.append(f"  {title}:")
                lines.extend(f"    {item}" for item in items)
        return "\n".join(lines)


def _show(text: str, findings: list[Finding]) -> str:
    return ", ".join(f"{f.kind.value}={text[f.start : f.end]!r}" for f in findings)


def score(positives: list[Example], negatives: list[Example], watchlist: Watchlist) -> Score:
    result = Score()
    for example in positives:
        findings = scan(example.text, watchlist)
        for exp in example.expected:
            for key in (exp.group, exp.kind):
                result.total[key] += 1
            if is_hit(exp, findings):
                for key in (exp.group, exp.kind):
                    result.found[key] += 1
            else:
                target = example.text[exp.start : exp.end]
                result.misses.append(
                    f"line {example.line}: {exp.kind.value}={target!r} in {example.text!r}"
                    f" [found: {_show(example.text, findings) or 'nothing'}]"
                )
        extra = [
            f
            for f in findings
            if not any(f.start < e.end and e.start < f.end for e in example.expected)
        ]
        if extra:
            result.extra_in_positives.append(
                f"line {example.line}: {_show(example.text, extra)} in {example.text!r}"
            )
    for example in negatives:
        result.negatives += 1
        findings = scan(example.text, watchlist)
        if findings:
            result.flagged_negatives.append(
                f"line {example.line}: {_show(example.text, findings)} in {example.text!r}"
            )
    return result

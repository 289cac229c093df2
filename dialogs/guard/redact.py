"""Replacing findings with a plain-words placeholder, e.g. "[name removed]"."""

from __future__ import annotations

from .findings import Finding


def placeholder(finding: Finding) -> str:
    return f"[{finding.label} removed]"


def redact(text: str, findings: list[Finding]) -> str:
    """`text` with each finding's span replaced by "[<label> removed]".

    Findings may come in any order; overlapping ones are merged into the first (longest
    reaching) so that no character of an identifier survives.
    """
    pieces: list[str] = []
    cursor = 0
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if finding.end > len(text):
            raise ValueError(f"finding {finding} lies outside the text ({len(text)} characters)")
        if finding.start < cursor:
            cursor = max(cursor, finding.end)  # overlaps the previous one, already hidden
            continue
        pieces.append(text[cursor : finding.start])
        pieces.append(placeholder(finding))
        cursor = finding.end
    pieces.append(text[cursor:])
    return "".join(pieces)

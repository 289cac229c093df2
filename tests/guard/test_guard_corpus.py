"""The whole corpus: recall per group and the false-positive rate, printed and asserted.

Run with `pytest tests/guard -s` to see the table (it is also in any failure message).
"""

from __future__ import annotations

import guard_corpus as corpus

STRUCTURED_RECALL_FLOOR = 0.995
NAMES_RECALL_FLOOR = 0.95
FALSE_POSITIVE_CEILING = 0.02


def test_the_corpus_is_big_enough_to_mean_something() -> None:
    positives, negatives = corpus.load_positive(), corpus.load_negative()
    expected = [e for p in positives for e in p.expected]
    assert len(positives) >= 300
    assert len(negatives) >= 300
    assert sum(e.group == "structured" for e in expected) >= 150
    assert sum(e.group == "names" for e in expected) >= 150
    # Every kind is exercised.
    assert {e.kind for e in expected} == set(corpus.IdentifierKind)


def test_recall_and_false_positive_rate_over_the_corpus() -> None:
    positives, negatives = corpus.load_positive(), corpus.load_negative()
    score = corpus.score(positives, negatives, corpus.corpus_watchlist())
    report = (
        f"{score.report()}\n"
        f"  corpus: {len(positives)} positive sentences, "
        f"{sum(len(p.expected) for p in positives)} identifiers; "
        f"{len(negatives)} negative sentences"
    )
    print("\n" + report)
    assert score.recall("structured") >= STRUCTURED_RECALL_FLOOR, report
    assert score.recall("names") >= NAMES_RECALL_FLOOR, report
    assert score.false_positive_rate <= FALSE_POSITIVE_CEILING, report

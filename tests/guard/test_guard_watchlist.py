"""The watch-list stores only keyed hashes and matches text word by word and phrase by phrase."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import pickle

import pytest

from dialogs.guard import IdentifierKind, Watchlist, find_identifiers

SECRET = b"server-secret-for-tests"
ENTRIES = ["Jayden Smith", "14 Elm Road", "Zéphyr O'Brien-Nowak", "Hope Baxter"]
CLEAR_WORDS = ["jayden", "smith", "elm", "road", "zephyr", "zéphyr", "brien", "nowak", "baxter"]


@pytest.fixture
def watchlist() -> Watchlist:
    return Watchlist.from_entries(SECRET, ENTRIES)


def watched(text: str, watchlist: Watchlist) -> list[str]:
    return [
        text[f.start : f.end]
        for f in find_identifiers(text, watchlist)
        if f.kind is IdentifierKind.WATCHED
    ]


def test_no_clear_text_in_repr_hashes_pickle_or_json(watchlist: Watchlist) -> None:
    persisted = watchlist.hashes
    dumps = [
        repr(watchlist),
        str(watchlist),
        repr(persisted),
        json.dumps(sorted(persisted)),
        pickle.dumps(persisted).decode("latin-1"),
    ]
    for dump in dumps:
        for word in CLEAR_WORDS:
            assert word not in dump.casefold()
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in persisted)  # hex SHA-256 digests


def test_the_watchlist_itself_cannot_be_pickled_with_its_secret(watchlist: Watchlist) -> None:
    with pytest.raises(TypeError):
        pickle.dumps(watchlist)


def test_hashes_are_hmac_sha256_of_the_normalised_word(watchlist: Watchlist) -> None:
    expected = hmac.new(SECRET, b"jayden", hashlib.sha256).hexdigest()
    assert expected in watchlist.hashes
    assert hashlib.sha256(b"jayden").hexdigest() not in watchlist.hashes  # keyed, not plain


def test_a_different_secret_gives_different_hashes() -> None:
    one = Watchlist.from_entries(b"secret-one", ENTRIES).hashes
    two = Watchlist.from_entries(b"secret-two", ENTRIES).hashes
    assert len(one) == len(two)
    assert not one & two
    assert not Watchlist(b"secret-two", one).matches("Jayden")


def test_rebuilt_from_storage_it_matches_the_same(watchlist: Watchlist) -> None:
    stored = json.dumps(sorted(watchlist.hashes))
    rebuilt = Watchlist(SECRET, frozenset(json.loads(stored)))
    assert rebuilt.hashes == watchlist.hashes
    assert rebuilt.matches("Jayden") and rebuilt.matches("smith")


def test_only_digests_can_be_loaded(watchlist: Watchlist) -> None:
    with pytest.raises(ValueError):
        Watchlist(SECRET, frozenset({"Jayden"}))
    assert copy.deepcopy(watchlist) is watchlist


def test_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError):
        Watchlist(b"", frozenset())
    with pytest.raises(ValueError):
        Watchlist.from_entries(b"", ["Jayden"])


def test_entries_contribute_words_parts_and_phrases(watchlist: Watchlist) -> None:
    for token in ["Jayden", "Smith", "Jayden Smith", "Elm", "14 Elm Road", "Elm Road",
                  "Zéphyr", "Zephyr", "O'Brien-Nowak", "Nowak", "Baxter"]:  # fmt: skip
        assert watchlist.matches(token), token
    # Bare numbers, street words and one-letter words are not watched on their own.
    for token in ["14", "Road", "O", "Jayden Elm", ""]:
        assert not watchlist.matches(token), token


def test_matching_ignores_case_accents_punctuation_and_possessives(watchlist: Watchlist) -> None:
    for token in ["JAYDEN", "jayden", "Jayden's", "Jayden’s", "(Jayden)", "Jayden,", "ZEPHYR",
                  "zéphyr's", "Smiths'"]:  # fmt: skip
        assert watchlist.matches(token), token


def test_text_is_checked_word_by_word(watchlist: Watchlist) -> None:
    assert watched("spoke to jayden about school", watchlist) == ["jayden"]
    assert watched("the Nowak household", watchlist) == ["Nowak"]
    assert watched("The Smiths are not engaging", watchlist) == ["Smiths"]
    assert watched("police attended elm road", watchlist) == ["elm road"]
    assert watched("ZEPHYR's weight has dropped", watchlist) == ["ZEPHYR"]
    assert watched("Zephyr-Rose was born", watchlist) == ["Zephyr-Rose"]


def test_phrases_are_found_whole(watchlist: Watchlist) -> None:
    text = "Police attended 14 Elm Road for jayden smith."
    findings = find_identifiers(text, watchlist)
    assert [(f.kind, text[f.start : f.end]) for f in findings] == [
        (IdentifierKind.ADDRESS, "14 Elm Road"),
        (IdentifierKind.WATCHED, "jayden smith"),
    ]


def test_ordinary_words_on_the_list_need_a_capital(watchlist: Watchlist) -> None:
    brown = Watchlist.from_entries(SECRET, ["Kayleigh Brown"])
    assert watched("She has brown hair.", brown) == []
    assert watched("The Brown family moved.", brown) == ["Brown"]
    assert watched("There is hope. We hope so.", watchlist) == []
    assert watched("Hope is what keeps her going.", watchlist) == []
    assert watched("Hope said she was sad.", watchlist) == ["Hope"]


def test_an_empty_watchlist_finds_nothing() -> None:
    empty = Watchlist(SECRET, frozenset())
    assert not empty
    assert watched("Jayden Smith", empty) == []

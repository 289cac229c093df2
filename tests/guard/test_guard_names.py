"""The generic name detector: titles, the given-name list, context, and what is never a name."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.guard.names import GIVEN_NAMES, NAME_WORDS, NOT_NAMES, find_names
from dialogs.guard.tokens import _unaccented, normalise


def names(text: str) -> list[str]:
    return [text[f.start : f.end] for f in find_names(text)]


def test_the_shipped_lists_load() -> None:
    assert len(GIVEN_NAMES) >= 2500
    assert {"jayden", "kayleigh", "mohammed", "oluwaseun", "kacper", "siobhan"} <= GIVEN_NAMES
    assert set(NAME_WORDS) <= GIVEN_NAMES  # every ambiguous word is a listed name
    assert not GIVEN_NAMES & NOT_NAMES  # and no listed name is declared never a name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=20))
def test_a_plain_ascii_word_needs_only_its_case_folded(word: str) -> None:
    """`normalise` takes ASCII words the short way: folding, unaccenting and casefolding them
    would give the same."""
    assert _unaccented(word) == word.lower()


def test_accented_and_folded_letters_compare_as_plain_ones() -> None:
    assert normalise("Zoë's") == normalise("Zoe\u0308") == "zoe"
    assert normalise("Łukasz") == "lukasz"
    assert normalise("JAYDEN’s") == "jayden"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mrs Smith said she would not engage", ["Mrs Smith"]),
        ("Dr Anita Patel examined her", ["Dr Anita Patel"]),
        ("Mr. Wilson, the neighbour, called", ["Mr. Wilson"]),
        ("Master Kai Brown", ["Master Kai Brown"]),
        ("Mx Rivers is the youth worker", ["Mx Rivers"]),
        ("spoke to mrs Thompson", ["mrs Thompson"]),
        ("PC Evans attended", ["PC Evans"]),
        ("Detective Constable Jones said", ["Constable Jones"]),
        ("Mrs O'Neill from next door", ["Mrs O'Neill"]),
    ],
)
def test_titles(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text", ["Miss school again?", "I miss her", "Master Plan", "Mr and Mrs", "Dr Barnardo's"]
)
def test_titles_need_a_name_after_them(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mum said Jayden missed school", ["Jayden"]),
        ("Jayden Smith lives with nan", ["Jayden Smith"]),
        ("Jayden SMITH lives with nan", ["Jayden SMITH"]),
        ("Kayden-Lee O'Brien was not brought", ["Kayden-Lee O'Brien"]),
        ("Jayden's dad shouts", ["Jayden"]),
        ("the Jones' house", []),
        ("mum said jayden missed school", ["jayden"]),
        ("Ruby-Rose and Summer-Rose", ["Ruby-Rose", "Summer-Rose"]),
        ("her brother Tadeusz is 17", ["Tadeusz"]),
        ("a baby called Zephyr", ["Zephyr"]),
        ("and Oluwadarasimi said he was scared", ["Oluwadarasimi"]),
        ("MGM Mikey is known to police", ["Mikey"]),
        ("Jayden Police attended", ["Jayden"]),
    ],
)
def test_given_names_surnames_and_context(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Experience", "Reflection: how did it feel?", "Analysis", "Action points", "Offload",
        "Police attended.", "The Health Visitor visited.", "Social Worker", "School Nurse",
        "The GP said no.", "CAMHS declined.", "Education said yes.", "Barnardo's are helping.",
        "NSPCC", "Women's Aid", "The Core Group met.", "Child Protection Conference",
        "Case Review Committee", "Team Manager", "Facilitator", "Case Presenter",
        "Lead Professional", "Mum said no.", "Nan said yes.", "Staff said she was quiet.",
        "Everyone said it helped.", "Initially attended, then stopped.", "They've moved.",
        "Monday", "in December", "Breakfast Club starts at 8.", "Leeds City Council said",
        "The Named Person knows.",
    ],
)  # fmt: skip
def test_stage_names_roles_and_agencies_are_not_names(text: str) -> None:
    assert names(text) == []


# Names that are also ordinary words: the decision and its documented reasons.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I met Grace at school", ["Grace"]),
        ("Hope said she was sad", ["Hope"]),
        ("Will attended school every day", ["Will"]),
        ("I visited Will at home", ["Will"]),
        ("May said mum hits her", ["May"]),
        ("Nan May is protective", ["May"]),
        ("great-grandmother June still helps", ["June"]),
        ("we spoke to April about it", ["April"]),
        ("Faith's mum is struggling", ["Faith"]),
        ("Rose (5) has head lice", ["Rose"]),
        ("Grace Taylor is the older sister", ["Grace Taylor"]),
        ("Joy has been self-harming", ["Joy"]),
        ("Frank is dad's friend", ["Frank"]),
        ("Dawn, nan, is 52", ["Dawn"]),
        ("Grace and Hope are twins", ["Grace", "Hope"]),
        ("Victoria disclosed to her teacher", ["Victoria"]),
        ("Jordan said he feels safer", ["Jordan"]),
        ("dad's friend Will is staying", ["Will"]),
        ("Poppy is on the plan too", ["Poppy"]),
        ("sienna's mum is in hospital", ["sienna"]),
        ("harry said no", ["harry"]),
    ],
)
def test_ambiguous_words_used_as_names(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We will review it.", "Will you send the minutes?", "Will the family engage?",
        "May I ask?", "It may be that mum is scared.", "There is hope.", "Hope is what keeps her going.",
        "Mark the date.", "Grant funding ends.", "Frank conversations were had.",
        "Faith groups help.", "Joy and sadness coexist.", "in June", "May 2024",
        "By May half-term.", "Since August.", "The Summer holidays.", "The risk is Amber.",
        "RAG rated Amber.", "We met at Victoria Station.", "St Mary's Primary", "the Prince's Trust",
        "Queen Elizabeth Hospital", "They lived in Jordan.", "went to Paris", "Grace Academy",
        "Christmas Eve", "Valentine's Day", "Ruby wedding anniversary", "a grace period",
        "Chelsea FC", "Victoria line", "Holy Trinity school", "the rose garden",
        "daisy is on a CIN plan",
    ],
)  # fmt: skip
def test_ambiguous_words_used_as_words(text: str) -> None:
    assert names(text) == []


def test_all_caps_short_words_are_acronyms() -> None:
    assert names("MIA from school, SAM assessment, ADA") == []
    assert names("JAYDEN has been missing") == ["JAYDEN"]


# Lower case, surnames alone, accents, and what stays an ordinary word.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mum said ruby was upset", ["ruby"]),
        ("her sister grace is 9", ["grace"]),
        ("his son max was crying", ["max"]),
        ("her brother will is 15", ["will"]),
        ("we visited lily at nursery", ["lily"]),
        ("nan said jordan was scared of dad", ["jordan"]),
        ("her brother jo is 17", ["jo"]),
        ("mum said ana was hungry", ["ana"]),
    ],
)
def test_lower_case_names_that_are_also_words_or_short(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "her brother will be there", "mum may come", "his brother drew a picture",
        "mum said hope was all she had", "nan said rose was her favourite flower",
        "there is hope", "the grace period",
    ],
)  # fmt: skip
def test_lower_case_words_stay_words(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the Kowalski family have moved", ["Kowalski"]),
        ("The Dimitrov family arrived last year", ["Dimitrov"]),
        ("the Okafor children were seen", ["Okafor"]),
        ("both Zielinski children were referred", ["Zielinski"]),
        ("the Nuñez household is chaotic", ["Nuñez"]),
        ("the Kowalczyk children's father", ["Kowalczyk"]),
        ("Okafor's social worker is off sick", ["Okafor"]),
        ("Brennan's mum rang", ["Brennan"]),
        ("Fitzgerald's solicitor asked", ["Fitzgerald"]),
        ("the Kowalskis have moved", ["Kowalskis"]),
        ("the Murphys said they had moved on", ["Murphys"]),
        ("We visited the Okafors on Tuesday.", ["Okafors"]),
    ],
)
def test_surnames_standing_alone(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the Syrian family have been rehoused", "Extended family are not able to help",
        "Older children in the household", "Three children were seen", "the Orthodox family",
        "the Asylum-seeking families", "the Phoenix family centre", "Tesco's manager called",
        "Manchester's children's services", "Everyone's children", "The Simpsons were on",
        "a Romanian family", "The Council's solicitor", "The Rainbow children's centre",
        "Liverpool's social workers", "Neurodivergent children", "the Authorities were told",
        "the Phoenix family hub",
    ],
)  # fmt: skip
def test_nationalities_adjectives_and_organisations_are_not_surnames(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jürgen is dad's friend", ["Jürgen"]),
        ("we met Anaïs at nursery", ["Anaïs"]),
        ("we visited Łucja at school", ["Łucja"]),
        ("Søren is the baby's father", ["Søren"]),
        # Accents typed as combining marks, as some phones send them.
        (
            unicodedata.normalize("NFD", "Mrs Nuñez said"),
            [unicodedata.normalize("NFD", "Mrs Nuñez")],
        ),
        (unicodedata.normalize("NFD", "Chloé was seen"), [unicodedata.normalize("NFD", "Chloé")]),
        (
            unicodedata.normalize("NFD", "Siobhán attended"),
            [unicodedata.normalize("NFD", "Siobhán")],
        ),
    ],
)
def test_names_with_accents(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text", ["Café Nero is where they meet", "Pokémon cards", "Crèche staff noticed", "from Kraków"]
)
def test_accented_loanwords_and_places_are_not_names(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Mum asked for a Clare's Law disclosure.", "Sarah's law does not apply.",
        "Jade's Law came in after a case like this.", "The Jay Review found the same.",
        "the Jay report on Rotherham", "Lessons from the Jay inquiry", "The Casey report",
    ],
)  # fmt: skip
def test_laws_and_reviews_named_after_people_are_not_names(text: str) -> None:
    assert names(text) == []


def test_a_possessive_before_a_review_is_still_a_person() -> None:
    assert names("Jayden's review is on Monday") == ["Jayden"]
    assert names("Clare said she did not want a Clare's Law disclosure") == ["Clare"]


@pytest.mark.parametrize(
    "text",
    [
        "They lived near Ashton before the eviction.", "The children go to school in Stanley.",
        "She has moved to Beverley to be near her sister.", "They were rehoused in Bradley Stoke.",
        "Nan lives near Shirley.", "Dad grew up in Keith.",
    ],
)  # fmt: skip
def test_towns_that_are_given_names_after_a_place_word(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Stanley said he was scared", ["Stanley"]),
        ("we spoke to Beverley", ["Beverley"]),
        ("Ashton's mum rang", ["Ashton"]),
        ("we went to Ashton's house", ["Ashton"]),
    ],
)
def test_towns_that_are_given_names_used_as_people(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Rose to the challenge, mum did.", "Holly and ivy decorations were up.",
        "Sue the council? That is what dad threatened.", "Ray of hope: the place came through.",
        "Nick of time, the police said.", "Sunny spells between the arguments.",
        "Jack up the support.",
    ],
)  # fmt: skip
def test_word_like_names_opening_a_sentence_as_the_word(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rose said she was hungry.", ["Rose"]),
        ("Rose (6) has head lice.", ["Rose"]),
        ("Holly and her brother were left alone.", ["Holly"]),
        ("Sunny is 4.", ["Sunny"]),
    ],
)
def test_word_like_names_opening_a_sentence_as_a_name(text: str, expected: list[str]) -> None:
    assert names(text) == expected

"""The generic name detector: titles, the given-name list, context, and what is never a name."""

from __future__ import annotations

import pytest

from dialogs.guard.names import GIVEN_NAMES, NAME_WORDS, NOT_NAMES, find_names


def names(text: str) -> list[str]:
    return [text[f.start : f.end] for f in find_names(text)]


def test_the_shipped_lists_load() -> None:
    assert len(GIVEN_NAMES) >= 2500
    assert {"jayden", "kayleigh", "mohammed", "oluwaseun", "kacper", "siobhan"} <= GIVEN_NAMES
    assert set(NAME_WORDS) <= GIVEN_NAMES  # every ambiguous word is a listed name
    assert not GIVEN_NAMES & NOT_NAMES  # and no listed name is declared never a name


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

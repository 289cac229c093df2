"""The people and words of the scripted demo: professionals from five agencies.

Answers are generic on purpose: no names, dates or places, as a real record must have none.
"""

from __future__ import annotations

from dialogs.events import Participant, Person, Role

FACILITATOR = Person(user_id="U-FAC", name="Morgan Ellis", agency="Children's services (chair)")

PARTICIPANTS = (
    Participant(user_id="U-SW", name="Priya Shah", agency="Social work", role=Role.PRESENTER),
    Participant(user_id="U-POL", name="Dan Okafor", agency="Police"),
    Participant(user_id="U-HV", name="Ruth Campbell", agency="Health visiting"),
    Participant(user_id="U-EDU", name="Tom Reid", agency="Education"),
    Participant(user_id="U-3RD", name="Alex Morgan", agency="Family support charity"),
)

_VOICE = {
    "Social work": [
        "The plan aimed to reduce the impact of parental conflict; I expected more change by now.",
        "I have held most of the visits and I notice I have started to expect the worst.",
        "We agreed the plan quickly and I am not sure we all meant the same thing by it.",
        "The key moment for me was the missed core group in the spring.",
    ],
    "Police": [
        "Our involvement has been call-outs after incidents; we rarely hear what happened next.",
        "I assumed the other agencies knew about each call-out. I am no longer sure they did.",
        "What puzzled me is how calm things looked at home visits compared with the call-outs.",
        "I would like one point of contact so that information reaches the core group the same week.",
    ],
    "Health visiting": [
        "Health appointments were kept, which I read as engagement; I now wonder if that was right.",
        "The child's development is on track, and that may have reassured us too much.",
        "I felt uneasy at the last visit but did not have words for it at the time.",
        "I would look again at who is present at appointments and who is not.",
    ],
    "Education": [
        "School sees the child every day; attendance dips after weekends and school holidays.",
        "Staff have noticed the child is tired and quiet on Mondays.",
        "We share concerns by e-mail but do not know if they change anything in the plan.",
        "We could offer a trusted adult and a weekly check-in at school.",
    ],
    "Family support charity": [
        "Our worker is trusted by the parent, which gives us a view others may not have.",
        "The parent tells us different things from what the plan records.",
        "We were not invited to the core group at first, and it showed.",
        "We can support the parent to attend meetings and to speak for themselves.",
    ],
}


def answer_for(person: Participant, question_number: int) -> str:
    lines = _VOICE.get(person.agency, _VOICE["Social work"])
    return lines[question_number % len(lines)]


def scale_answer_for(person: Participant) -> str:
    return str({"Social work": 2, "Police": 2, "Health visiting": 3}.get(person.agency, 3))


KEY_POINTS = (
    "Agencies held different pictures of the family: calm at home visits, crises at night. "
    "We had different assumptions about who knew what, and different expectations of the plan."
)

EDITOR_NOTE = "Reviewed and edited by the facilitator before approval."
# The name is fictional; the demo shows the guard catching it, as it would a real one.
WATCHLIST = ("Jayden Smith",)
SLIP_AT = 3
SLIP = "At my last visit to PO1 2AB, Jayden seemed withdrawn."
SLIP_EDITED = "At my last home visit the child seemed withdrawn."
# A second slip that nobody edits: the draft record shows it removed.
UNEDITED_SLIP_AT = 7
UNEDITED_SLIP = "The referral under NHS number 943 476 5919 was not followed up."

ACTIONS = (
    ("Share police call-out notifications with the core group within a week.", "U-POL"),
    ("Offer the child a trusted adult and a weekly check-in at school.", "U-EDU"),
)
EVALUATION_COMMENT = "Hearing how the other agencies saw the same events was the most useful part."
COMPLETED = "None identified at this meeting; to be reviewed at the next core group."

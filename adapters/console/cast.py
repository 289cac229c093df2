"""The people and words of the scripted demo: professionals from five agencies.

Answers carry no names, dates or places, as a real record must have none.
"""

from __future__ import annotations

from dialogs.events import Participant, Person, Role

FACILITATOR = Person(user_id="U-FAC", name="Morgan Ellis", agency="Children's services")

PARTICIPANTS = (
    Participant(user_id="U-SW", name="Priya Shah", agency="Social work", role=Role.PRESENTER),
    Participant(user_id="U-POL", name="Dan Okafor", agency="Police"),
    Participant(user_id="U-HV", name="Ruth Campbell", agency="Health visiting"),
    Participant(user_id="U-EDU", name="Tom Reid", agency="Education"),
    Participant(user_id="U-3RD", name="Alex Morgan", agency="Family support charity"),
)

# Each agency's window on the family and its part in the plan: every answer is one question's
# own sentence seen through them, so no two answers in the demo are the same.
_VIEW = {
    "Social work": "the home visits",
    "Police": "the call-outs after incidents",
    "Health visiting": "the health and development checks",
    "Education": "the school day",
    "Family support charity": "the parent's own account of the week",
}
_ROLE = {
    "Social work": "the allocated social worker",
    "Police": "the police officer on the core group",
    "Health visiting": "the health visitor",
    "Education": "the school's safeguarding lead",
    "Family support charity": "the family support worker",
}

# One sentence per question id of the built-in models ({view} and {role} are the agency's).
_ANSWERS = {
    # Morrison 4x4x4 (and Moray): Experience.
    "cp_plan_aim": "I understood the plan was to make the child safe from the conflict at home; {view} were meant to show us whether it eased.",
    "role_expectations": "As {role} I expected to see the arguments settle within six months, and I did not expect to be the one noticing most.",
    "what_happened": "Over the year {view} showed calm weeks broken by sudden crises, and the crises came closer together in the autumn.",
    "change_achieved": "As {role} I kept to the plan's actions and offered extra contact after each incident; the pattern did not change much.",
    "surprised_puzzled": "What puzzled me was how settled things looked in {view}; the evenings were the part none of us could observe.",
    "key_moments": "The key moment for me was the missed core group in the spring; after it, {view} told a different story from the minutes.",
    "hindsight": "One thing went to plan: {view} kept happening. What did not was the joint review we promised after the second incident.",
    "shared_plan": "Working to one plan was harder than it sounds: I agreed the changes, but nobody checked what they meant for {view}.",
    # Reflection.
    "start_of_plan": "At the start I felt hopeful; {view} suggested the family wanted help and would use it.",
    "brought_to_conference": "I brought an assumption to conference that the parents were working together, drawn mostly from {view}.",
    "range_of_feelings": "I have moved from hopeful to frustrated and lately to worried, each time after something in {view}.",
    "patterns": "The pattern I see is quiet weeks, then a crisis at the weekend; my training as {role} made me watch for it late.",
    "other_factors": "My own expectations of what a calm home looks like shaped how I read {view}, and so did my doubts about the conference decision.",
    "family_comfort": "The parent seemed most comfortable when I came as {role} and least when others were present; I wish I had known more before deciding.",
    "thoughts_ideas": "I kept wondering whether {view} were showing us the real week or the week the family wanted us to see.",
    "unfinished": "The joint chronology was left unfinished; as {role} I waited for someone else to start it.",
    # Analysis.
    "assumptions": "Three assumptions: that the other agencies knew about {view}, that calm meant safe, and that the parent shared our goal.",
    "role_experienced": "I saw my role as {role} as supportive, but I experienced it as reporting upwards without hearing back.",
    "aims_achieved": "The aim of fewer incidents was not achieved; I expected the extra support to show in {view} and it did not.",
    "went_well": "What went well was the trust built through {view}; what did not was how slowly concerns travelled between us.",
    "user_view": "Asked about {view}, I think the parent would say we all asked the same questions and never told them what we decided.",
    "child_views": "We wrote down what the child said through {view} but seldom brought it to the core group as their voice.",
    "explanation": "The common theme is information arriving late; {view} kept producing it and it reached the plan weeks later.",
    "hypothesis": "My hypothesis has changed: I thought the conflict was easing, and {view} now suggest it has only moved out of sight.",
    "new_information": "New for me today was how different the evenings look from {view}; I had not heard that before.",
    "strengths_needs_risks": "Strength: the parent keeps in touch with {role}. Need: steadier evenings. Risk: incidents nobody hears about for days.",
    "conclusion": "My conclusion so far is that we each held one piece; as {role} I will share mine the same week from now on.",
    "reduce_risk": "To reduce risk, {view} should reach the core group within a week, with one person to collect them.",
    # Action plans.
    "overall_summary": "Overall: real strengths in the parent's engagement, real needs in the evenings, and a risk that {view} keep missing.",
    "next_phase_aims": "My aim in the next phase is that what I learn through {view} reaches the plan within days, not weeks.",
    "urgent_essential": "Urgent and essential is an agreed way of passing on what {view} show, before the next conference.",
    "desirable": "Desirable would be a joint visit so the parent hears one message instead of five, starting with {role}.",
    "negotiable": "The timing of visits is negotiable; sharing what {view} show within the week is not.",
    "success_own_view": "A successful conference for me would be one where everyone has seen the same chronology, including {view}.",
    "success_user_view": "For the parent, success would be fewer meetings and {role} speaking for all of us, not one more voice.",
    "core_group_strategy": "The core group's strategy could be a single chronology, updated after each of {view}, and reviewed monthly.",
    "user_engagement": "The parent can be engaged through the relationship with {role}; they need us to explain what changes and why.",
    "contingency": "If the evenings do not settle, the bottom line is a strategy discussion; {view} would be the trigger.",
    "alternatives": "An alternative that could work is a weekly check-in built around {view}, shorter than the current meetings.",
    "helpful_now": "What I can do now as {role} is send a short note after each of {view} to the lead professional.",
    "minimise_dangers": "To minimise danger we should agree what in {view} means we act the same day.",
    # Kolb (Argyll & Bute).
    "brought_to_reflect": "What brought me here is that {view} no longer match what the plan says is happening.",
    "reactions_feelings": "In that situation I reacted with alarm and then doubt; as {role} I was not sure anyone would act on it.",
    "worked_failed": "What worked was the relationship built through {view}; what failed was passing it on quickly.",
    "why_arose": "It arose because each of us waited for the meeting to share; as {role} I did what my own system rewards.",
    "feel_now": "I feel uneasy about what is happening and a little isolated as {role}.",
    "others_feeling": "I think the others feel as stretched as {role} does, and the parent probably feels watched rather than helped.",
    "better_differently": "I could have raised what {view} showed by phone the same day instead of waiting for the minutes.",
    "good_or_bad": "Good was the honesty in the room; bad was realising how long some of {view} had sat with one agency.",
    "going_well": "Going well: the child's contact with {role} is steady, because the parent values it.",
    "not_going_well": "Not going well: the evenings, because {view} only reach the others after the next incident.",
    "thinking_differently": "Yes: hearing the others, I now read the calm in {view} as a warning rather than progress.",
    "situation_now": "The situation now is a plan everyone supports on paper and {view} that say it is not yet working.",
    "information_missing": "Missing is what happens in the evenings, and whether the other agencies saw what {view} showed.",
    "find_out": "We can find out by sharing a joint chronology and asking the parent directly, with {role} present.",
    "plan": "My plan is to take back to the core group a weekly summary of {view} and a request for a joint visit.",
    "contingency_plan": "My contingency is to ask the lead professional for an early review if {view} show another crisis.",
    # Space to Think (Tees).
    "overview": "I am bringing a family where {view} look on track but the evenings are not; I want help to see what I am missing.",
    "exploration": "Listening to the presenter, what stands out from {view} is that the calm weeks may be the hardest part for the child.",
    "strengths": "As {role} I appreciated how carefully the presenter has kept the parent on side, and how honestly they named their doubts.",
    "ideas": "One idea from {view}: agree a short weekly exchange so nobody holds a worry alone until the next meeting.",
    "action_plan": "I am taking away that {role} does not have to hold this alone: I will set up a weekly exchange and ask for a joint visit.",
    # Portsmouth RPM.
    "time_scale": "A year is the right time scale for us, since the first referral; {view} only make sense over that span.",
    "going_on": "At each point {view} showed a calm spell before a crisis; the child was probably managing more than we knew.",
    "what_we_did": "We responded to each incident on its own; as {role} I offered support but did not link it to the others.",
    "why_we_did": "We did what our own procedures asked of us, and each of us assumed {view} were already known to the plan.",
    "barriers": "The barrier was how information moved: {view} went into our own systems and reached others weeks later.",
    "outcomes": "Seen through {view}, the outcome for the child is a plan that keeps them safe by day but not yet in the evenings.",
    "differently": "We could have shared what {view} showed the same week and met sooner after the second incident.",
}


def answer_for(person: Participant, question_id: str) -> str:
    agency = person.agency if person.agency in _VIEW else "Social work"
    return _ANSWERS[question_id].format(view=_VIEW[agency], role=_ROLE[agency])


def scale_answer_for(person: Participant) -> str:
    return str({"Social work": 2, "Police": 2, "Health visiting": 3}.get(person.agency, 3))


FACTS_SUMMARY = (
    "I heard a plan that looks on track by day and an evening nobody sees; the presenter wants "
    "help to know what to ask next. The presenter agreed that is the dilemma."
)

# The facilitator's key points, by stage id (the 4x4x4 stages of Morrison and Moray).
KEY_POINTS = {
    "experience": (
        "Agencies held different pictures of the family: calm at home visits, crises at night. "
        "We had different expectations of the plan and heard of incidents at different times."
    ),
    "reflection": (
        "Feelings moved from hope to worry; several of us doubted our own reading and kept it "
        "to ourselves until today."
    ),
    "analysis": (
        "The shared explanation is information arriving late; the calm weeks were read as "
        "progress when they may be the hardest for the child."
    ),
    "action_plans": (
        "The group wants one chronology, a weekly exchange between agencies and a clear "
        "trigger for an early review."
    ),
}

# What the facilitator writes in each captured field of the built-in models, by field id.
FIELDS = {
    "learning_themes": (
        "What one agency knew reached the core group weeks late. Calm periods were "
        "read as progress without checking the evenings."
    ),
    "agreed_actions": (
        "Each agency sends a weekly note to the lead professional; a joint visit within a "
        "month; the chronology is kept by social work."
    ),
    "issues_for_escalation": (
        "Police call-out notifications are not reaching the core group within a week."
    ),
    "escalated_to": "The police and children's services line managers, through their own systems.",
    "take_back": (
        "Ask the core group to review how call-outs reach it, and whether the plan's evening "
        "visits should change."
    ),
    "change_of_hypothesis": (
        "From 'the conflict is easing' to 'the conflict has moved to the evenings, out of sight'."
    ),
    "actions_agreed": (
        "A single chronology kept by social work; call-out notes shared within a week; an early "
        "review if another incident happens."
    ),
    "learning": (
        "Practitioners held worries alone between meetings; a short weekly exchange would let "
        "them test their reading with each other."
    ),
    "issues_and_time_scales": (
        "Repeated incidents in the evenings despite a plan that looked on track; the last year, "
        "since the first referral."
    ),
    "journey_time_line": (
        "First referral after a call-out.\nPlan agreed; calm at home visits.\nMissed core group "
        "in the spring.\nTwo incidents close together in the autumn.\nThis meeting."
    ),
    "learning_points": (
        "Each calm spell came before a crisis; nobody put the call-outs and the visits on one "
        "time line until today."
    ),
    "cross_agency_learning": (
        "Agencies shared what they knew only at meetings; a weekly exchange is needed."
    ),
    "single_agency_learning": (
        "Police: share call-out notes within a week. School: report Monday tiredness to the lead "
        "professional, not only in the pastoral log."
    ),
    "conclusions_outcomes": (
        "The child is safe by day; the evenings need a joint plan and quicker sharing."
    ),
    "actions": (
        "Weekly exchange from next week; joint visit within a month; review at the next core group."
    ),
    "child_age": "7",
    "learning_to_share": (
        "Calm periods in a child protection plan need checking across agencies before they are "
        "read as progress; call-out notifications should reach the core group within a week."
    ),
}

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

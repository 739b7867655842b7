"""Hypothesis strategies the property tests share: reports written in the bundled knowledge's own
vocabulary (zone aliases with filler and side words, red-flag phrases, conditions, screening
answers, exercise feedback), plus noise and free text.

Every strategy here generates at least what the copies it replaced generated.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from tests.support import unscreened

__all__ = [
    "CONDITIONS",
    "CONDITION_WORDS",
    "EXERCISES",
    "FILLER",
    "FLAGS",
    "FLAG_PHRASES",
    "QUESTIONS",
    "SIDES",
    "SIDE_WORDS",
    "ZONE_PHRASES",
    "answers",
    "any_text",
    "any_text_report",
    "feedback",
    "flagged_report",
    "known_location",
    "noise",
    "noisy_report",
    "question",
    "quiet_report",
    "scaled",
    "site",
    "sited_report",
    "unreadable",
    "valid_report",
    "zone_phrase",
]

_K = unscreened().knowledge_base.knowledge

# -- the vocabulary ------------------------------------------------------------------------------
#: every way a zone is named: its id, its name and its aliases
ZONE_PHRASES = sorted({a for z in _K.zones.values() for a in (z.id, z.name, *z.aliases)})
SIDE_WORDS = sorted({w for ws in _K.lexicon.sides.values() for w in ws})
FILLER = sorted(_K.lexicon.filler)
SIDES = ["left", "right", "both"]
QUESTIONS = sorted(_K.questions)
#: the questions that refer when answered yes (a gate has no urgency)
FLAGS = sorted(q for q, v in _K.questions.items() if v.urgency is not None)
#: (phrase, question id) for every phrasing of every red flag
FLAG_PHRASES = sorted({(p, q.id) for q in _K.questions.values() if q.urgency for p in q.phrases})
CONDITIONS = sorted(_K.conditions)
#: every way a condition is named: its id, its name and its phrases
CONDITION_WORDS = sorted({t for c in _K.conditions.values() for t in (c.id, c.name, *c.phrases)})
EXERCISES = sorted(_K.exercises)

# -- words ---------------------------------------------------------------------------------------
zone_phrase = st.sampled_from(ZONE_PHRASES)
"""A zone's id, name or alias, as written in zones.yaml."""

known_location = st.builds(
    lambda pre, phrase, side, post: " ".join(x for x in (pre, side, phrase, post) if x),
    st.sampled_from([*FILLER, ""]),
    zone_phrase,
    st.sampled_from([*SIDE_WORDS, ""]),
    st.sampled_from([*FILLER, ""]),
)
"""A zone phrase, alone or with a side word before it and filler words around it
("my left outer knee pain"): always resolves to a zone."""

noise = st.one_of(
    st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "Zs", "P"]), max_size=15),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=15),
)
"""Short text that names nothing: word-like ASCII (letters, digits, spaces, punctuation) or
any UTF-8 characters."""

any_text = st.text(max_size=80)
"""Any text at all, up to 80 characters."""

unreadable = st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=6, max_size=12).map(
    lambda w: f"zq{w}"
)
"""A word no reader can read (consonants only, starting with "zq")."""

# -- pieces of a report --------------------------------------------------------------------------


def site(location: st.SearchStrategy[str], *, sided: bool = True) -> st.SearchStrategy[Any]:
    """A site at ``location``, maybe with an intensity 0-10 and (when ``sided``) a side field.

    Leave ``sided`` off for locations that may hold a side word: the two could disagree, and a
    report whose side contradicts its words is refused."""
    optional: dict[str, st.SearchStrategy[Any]] = {"intensity": st.integers(0, 10)}
    if sided:
        optional["side"] = st.sampled_from(SIDES)
    return st.fixed_dictionaries({"location": location}, optional=optional)


question = st.sampled_from(QUESTIONS)
"""The id of a screening question (a red flag or a gate)."""


def answers(
    key: st.SearchStrategy[str] = question, max_size: int = 6
) -> st.SearchStrategy[dict[str, bool]]:
    """Screening answers: yes or no to some of the questions ``key`` draws."""
    return st.dictionaries(key, st.booleans(), max_size=max_size)


feedback = st.builds(
    lambda e, p, r: {"exercise_id": e, "pain_during": p, "reps_with_good_form": r},
    st.sampled_from(EXERCISES),
    st.integers(0, 10),
    st.integers(0, 20),
)
"""Feedback on one exercise of the knowledge: pain 0-10, 0-20 reps with good form."""

# -- reports -------------------------------------------------------------------------------------

noisy_report = st.fixed_dictionaries(
    {"sites": st.lists(site(st.one_of(known_location, noise)), min_size=1, max_size=4)},
    optional={
        "answers": answers(st.one_of(question, noise)),
        "symptoms": st.lists(
            st.one_of(st.sampled_from([p for p, _ in FLAG_PHRASES]), noise), max_size=3
        ),
        "conditions": st.lists(st.one_of(st.sampled_from(CONDITION_WORDS), noise), max_size=3),
        "feedback": st.lists(feedback, max_size=2, unique_by=lambda f: f["exercise_id"]),
    },
)
"""Any report the knowledge's words can make, mixed with noise: it may be refused
(a RehabgraphError), refer, or give a plan."""

sited_report = st.fixed_dictionaries(
    {"sites": st.lists(site(known_location, sided=False), min_size=1, max_size=4)}
)
"""Only sites, each at a known location: gives a plan, unless the places together are a red flag
(pain between the shoulder blades with low back pain)."""


@st.composite
def _with_flag(draw: st.DrawFn) -> dict[str, Any]:
    report = draw(noisy_report)
    if draw(st.booleans()):
        answers = dict(report.get("answers", {}))
        flag = draw(st.sampled_from(FLAGS))
        answers[flag] = True
        for gate, value in _K.questions[flag].only_if.items():  # a gate said the other way
            answers.pop(gate, None)  # would rule the flag out: leave it unsaid
            if draw(st.booleans()):
                answers[gate] = value
        report["answers"] = answers
    else:
        phrase, flag = draw(st.sampled_from(FLAG_PHRASES))
        pad = draw(st.sampled_from(["", "I have ", "also ", "and some "]))
        report["symptoms"] = [*report.get("symptoms", []), pad + phrase]
        if _K.questions[flag].counts_only_with_its_zones:  # a flag defined by its company
            report["sites"] = [*report["sites"], {"location": _K.questions[flag].zones[0]}]
        answers = dict(report.get("answers", {}))
        for gate in _K.questions[flag].only_if:
            answers.pop(gate, None)
        answers.pop(flag, None)
        report["answers"] = answers
    return report


flagged_report = _with_flag()
"""A noisy report with one red flag present: answered yes (its gate left unsaid or said the way
that opens it) or named in the symptoms (its answer and its gate left unsaid; with one of its
zones when it counts only with them)."""

valid_report = st.fixed_dictionaries(
    {"sites": st.lists(site(zone_phrase), min_size=1, max_size=3)},
    optional={
        "answers": answers(max_size=4),
        "conditions": st.lists(st.sampled_from(CONDITIONS), max_size=2, unique=True),
        "symptoms": st.lists(
            st.sampled_from(["numb between my legs", "fever", "shin"]), max_size=2
        ),
    },
)
"""A report that always validates: zone phrases with any side, known answers, condition ids and
a few symptoms (a red flag, a flag gated by the zone, a word that names a zone)."""

quiet_report = st.fixed_dictionaries(
    {"sites": st.lists(site(zone_phrase), min_size=1, max_size=3)},
    optional={
        "conditions": st.lists(st.sampled_from(CONDITIONS), max_size=2),
        "age": st.integers(18, 100),
    },
)
"""Sites at zone phrases, maybe conditions by id and an adult age: no answers and no symptoms,
for a test that adds its own."""

any_text_report = st.fixed_dictionaries(
    {"sites": st.lists(st.fixed_dictionaries({"location": any_text}), min_size=1, max_size=2)},
    optional={
        "symptoms": st.lists(any_text, max_size=2),
        "conditions": st.lists(any_text, max_size=2),
    },
)
"""A report with any text in its locations, symptoms and conditions."""


def scaled(examples: int) -> int:
    """``examples`` under the "ci" profile, scaled like the loaded profile's max_examples
    (10 times as many under "thorough"), for a test that sets its own count."""
    ci = settings.get_profile("ci").max_examples
    return max(1, examples * settings.default.max_examples // ci)

"""Properties of reading free text, over the whole input space (hypothesis).

- adding an affirmed red flag to any report refers it;
- adding a denied red flag never raises a report to an emergency;
- appending words nobody can read never yields a plan without explicit screening answers;
- any text, in any field, gives a result or a RehabgraphError, and the same text the same result.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import rehabgraph
from rehabgraph import Recommender, RehabgraphError
from tests.strategies import any_text_report, quiet_report, unreadable
from tests.support import answered_no

_R = Recommender(rehabgraph.load_knowledge())  # safe by default
_OPEN = Recommender(rehabgraph.load_knowledge(), require_screening=False)
_K = _R.knowledge_base.knowledge
_NEGATING = ("not", "no ", "n't", "cant", "cannot", "unable", "without", "never", "lost", "loss")
# every phrasing of every red flag that does not itself hold a negation or a gate
FLAG_PHRASES = sorted(
    (p, q.id)
    for q in _K.questions.values()
    if q.urgency is not None and not q.only_if and not q.counts_only_with_its_zones
    for p in q.phrases
)
# flags defined by their company (thoracic pain *with* low back pain): (phrase, id, a zone of it)
ZONED_FLAG_PHRASES = sorted(
    (p, q.id, q.zones[0])
    for q in _K.questions.values()
    if q.urgency is not None and not q.only_if and q.counts_only_with_its_zones
    for p in q.phrases
)
# "no feeling", "no control" are symptoms (pseudo-triggers), so "no feel a heartbeat" is not a
# denial: phrases whose first word makes one after "no" are left out of the denial property
_fold = _R.reader.fold
_NOT_DENIED = {
    _fold(w.split()[1])[0]
    for w in (_K.context.pseudo if _K.context else [])
    if len(w.split()) > 1 and w.split()[0] in ("no", "not")
}
PLAIN_FLAG_PHRASES = [
    (p, q)
    for p, q in FLAG_PHRASES
    if not any(n in f" {p.lower()} " for n in _NEGATING)
    and _fold(p.split()[0].lower())[0] not in _NOT_DENIED
]
DENIALS = ["I don't have {}", "I do not have any {}", "I have not had {}"]


def _answered_no(report: dict[str, Any]) -> dict[str, Any]:
    return answered_no(_R, report)


@given(quiet_report, st.sampled_from(FLAG_PHRASES), st.sampled_from(["symptoms", "conditions"]))
def test_adding_an_affirmed_flag_refers(
    report: dict[str, Any], flag: tuple[str, str], field: str
) -> None:
    phrase, qid = flag
    rule = _K.questions[qid].age
    if rule is not None and rule.rules_out and "age" in report:  # an age the flag cannot have
        report = {**report, "age": rule.at_least or 0}
    report = _answered_no(report)
    report[field] = [*report.get(field, []), phrase]
    rec = _R.recommend(report)
    assert rec.status == "refer", (phrase, rec.readings)
    assert rec.exercises == []


@given(
    quiet_report, st.sampled_from(ZONED_FLAG_PHRASES), st.sampled_from(["symptoms", "conditions"])
)
def test_a_flag_defined_by_its_zones_refers_with_them_and_only_with_them(
    report: dict[str, Any], flag: tuple[str, str, str], field: str
) -> None:
    phrase, qid, zone = flag
    with_zone = _answered_no({**report, "sites": [*report["sites"], {"location": zone}]})
    with_zone[field] = [*with_zone.get(field, []), phrase]
    rec = _R.recommend(with_zone)
    assert rec.status == "refer", (phrase, rec.readings)
    assert qid in rec.referral.flags  # type: ignore[union-attr]
    zones = {z.id for s in _R.recommend(_answered_no(report)).sites for z in s.zones}
    if not zones & set(_K.questions[qid].zones):
        alone = _answered_no(report)
        alone[field] = [*alone.get(field, []), phrase]
        after = _R.recommend(alone)
        assert after.referral is None or qid not in after.referral.flags, after.readings


@given(quiet_report, st.sampled_from(PLAIN_FLAG_PHRASES), st.sampled_from(DENIALS))
def test_adding_a_denied_flag_never_raises_a_report_to_an_emergency(
    report: dict[str, Any], flag: tuple[str, str], denial: str
) -> None:
    phrase, qid = flag
    report = _answered_no(report)
    before = _R.recommend(report)
    after = _R.recommend({**report, "symptoms": [denial.format(phrase)]})
    was = before.referral.urgency if before.referral else None
    now = after.referral.urgency if after.referral else None
    assert now != "emergency" or was == "emergency", (denial.format(phrase), after.readings)
    assert (
        after.referral is None
        or qid not in after.referral.flags
        or qid in (before.referral.flags if before.referral else [])
    )


@given(quiet_report, st.lists(unreadable, min_size=1, max_size=3))
def test_unread_words_never_give_a_plan_without_explicit_answers(
    report: dict[str, Any], words: list[str]
) -> None:
    said = {**report, "symptoms": [" ".join(words)]}
    for recommender in (_R, _OPEN):
        rec = recommender.recommend(said)
        if rec.status == "exercise":  # only when nothing was left to ask
            assert not recommender.screening(report)
        assert any(w in r.unread for r in rec.readings for w in words)


@given(any_text_report)
def test_any_text_gives_a_result_or_a_rehabgraph_error(report: dict[str, Any]) -> None:
    try:
        first = _R.recommend(report)
    except RehabgraphError as exc:
        again: Any = None
        try:
            _R.recommend(report)
        except RehabgraphError as second:
            again = second
        assert type(again) is type(exc) and str(again) == str(exc)
    else:
        assert _R.recommend(report).model_dump_json() == first.model_dump_json()

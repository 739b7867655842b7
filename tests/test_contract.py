"""The data contract: versioned, JSON Schemas on the command line, JSON round trips, and one
shared recommender answering many threads exactly as it answers one."""

from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehabgraph import PainReport, Recommendation, Recommender, UnknownLocationError
from rehabgraph.cli import main
from tests.strategies import CONDITIONS, QUESTIONS, scaled, valid_report
from tests.support import unscreened

_R = unscreened()
_K = _R.knowledge_base.knowledge
# built once: jsonschema.validate checks the schema and builds a validator at every call
_RECOMMENDATION_SCHEMA = Recommendation.model_json_schema()
jsonschema.Draft202012Validator.check_schema(_RECOMMENDATION_SCHEMA)
_RECOMMENDATION_VALIDATOR = jsonschema.Draft202012Validator(_RECOMMENDATION_SCHEMA)


def _schema(model: str) -> dict[str, Any]:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["schema", model]) == 0
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("model", "cls"), [("report", PainReport), ("recommendation", Recommendation)]
)
def test_schema_command_prints_the_models_json_schema(model: str, cls: Any) -> None:
    schema = _schema(model)
    assert schema == cls.model_json_schema()
    assert "schema_version" in schema["properties"]
    jsonschema.Draft202012Validator.check_schema(schema)


@given(valid_report)
def test_report_and_recommendation_round_trip_through_json(rep: dict[str, Any]) -> None:
    report = PainReport.model_validate(rep)
    assert PainReport.model_validate_json(report.model_dump_json()) == report
    rec = _R.recommend(report)
    text = rec.model_dump_json()
    again = Recommendation.model_validate_json(text)
    assert again == rec
    assert again.model_dump_json() == text
    assert again.explain() == rec.explain()
    data = json.loads(text)
    assert data["schema_version"] == "1"
    _RECOMMENDATION_VALIDATOR.validate(data)


def test_a_newer_schema_version_is_refused_clearly() -> None:
    with pytest.raises(ValueError, match="schema_version"):
        PainReport.model_validate({"schema_version": "2", "sites": [{"location": "knee"}]})


def _many_reports() -> list[dict[str, Any]]:
    zones = list(_K.zones)
    out: list[dict[str, Any]] = []
    for i, zone in enumerate(zones):
        out.append({"sites": [{"location": zone, "side": ["left", "right", "both"][i % 3]}]})
        out.append(
            {
                "sites": [{"location": zone}, {"location": zones[(i * 7) % len(zones)]}],
                "conditions": [CONDITIONS[i % len(CONDITIONS)]],
            }
        )
        out.append(
            {"sites": [{"location": zone}], "answers": {QUESTIONS[i % len(QUESTIONS)]: True}}
        )
    out.append({"sites": [{"location": "outer kne"}]})
    return out


def _answer(rep: dict[str, Any]) -> str:
    try:
        return _R.recommend(rep).model_dump_json()
    except UnknownLocationError as exc:
        return f"error: {exc}"


def test_one_recommender_serves_many_threads_as_it_serves_one() -> None:
    work = _many_reports() * 4
    serial = [_answer(r) for r in work]
    with ThreadPoolExecutor(max_workers=16) as pool:
        threaded = list(pool.map(_answer, work))
    assert threaded == serial
    assert any(a.startswith("error") for a in serial)
    assert len(set(serial)) > len(_K.zones)


def test_the_default_recommender_is_built_once_under_a_race() -> None:
    from rehabgraph.api import recommender as module

    saved = list(module._DEFAULT)
    module._DEFAULT.clear()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            built = list(pool.map(lambda _: Recommender.default(), range(16)))
        assert len({id(r) for r in built}) == 1
    finally:
        module._DEFAULT[:] = saved


SCT = "http://snomed.info/sct"
LEFT = {"system": SCT, "code": _K.lexicon.side_codes["left"]}


def _coded_zones() -> list[tuple[str, str]]:
    return [(z.id, c.code) for z in _K.zones.values() for c in z.codes if c.system == "SNOMED-CT"]


def test_bundled_zones_carry_confirmed_snomed_codes() -> None:
    coded = _coded_zones()
    assert len(coded) >= 6
    for zone, _ in coded:
        for code in _K.zones[zone].codes:
            assert all(_K.sources[s].url for s in code.sources)


@pytest.mark.parametrize(("zone", "code"), _coded_zones())
def test_a_site_given_only_as_a_snomed_code_resolves_to_its_zone(zone: str, code: str) -> None:
    """An exact code names its zone; a region code ("Shoulder region structure") names every
    zone that carries it, and the plan covers each, as the same zones said in words do."""
    rec = _R.recommend({"sites": [{"code": {"system": SCT, "code": code}, "laterality": LEFT}]})
    (site,) = rec.sites
    carriers = [z.id for z in _K.zones.values() if any(c.code == code for c in z.codes)]
    assert [z.id for z in site.zones] == carriers
    assert zone in carriers
    if _K.zones[zone].sided:
        assert site.side == "left"
    words = _R.recommend({"sites": [{"location": z, "side": "left"} for z in carriers]})
    # the same exercises are reached (a plan of six may choose among them by site)
    assert _reached(rec) == _reached(words)


def _reached(rec: Recommendation) -> set[str]:
    return {e.exercise_id for e in rec.exercises} | {a.exercise_id for a in rec.also_possible}


def test_an_unknown_code_falls_back_to_its_display_text() -> None:
    site = {"code": {"system": SCT, "code": "999999999", "display": "outer knee"}}
    rec = _R.recommend({"sites": [site]})
    assert [z.id for z in rec.sites[0].zones] == ["knee-lateral"]
    with pytest.raises(UnknownLocationError, match="no zone carries the code"):
        _R.recommend({"sites": [{"code": {"system": SCT, "code": "999999999"}}]})


@pytest.mark.parametrize(
    ("site", "says"),
    [
        ({"code": {"system": SCT, "code": "76853006"}, "location": "outer knee"}, "names heel"),
        ({"location": "heel", "side": "right", "laterality": LEFT}, "laterality code"),
        ({"location": "heel", "laterality": {"system": SCT, "code": "123456"}}, "unknown lat"),
    ],
)
def test_codes_that_contradict_the_words_are_refused(site: dict[str, Any], says: str) -> None:
    from rehabgraph import InvalidReportError

    with pytest.raises(InvalidReportError, match=says):
        _R.recommend({"sites": [site]})


def test_free_text_beside_a_code_is_kept_and_the_code_decides() -> None:
    site = {"code": {"system": SCT, "code": "76853006"}, "location": "Heel, left"}
    (resolved,) = _R.recommend({"sites": [site]}).sites
    assert ([z.id for z in resolved.zones], resolved.side) == (["heel"], "left")


def test_recommend_many_keeps_order_and_reports_bad_items_in_place() -> None:
    from rehabgraph import InvalidReportError

    good = {"sites": [{"location": "outer knee", "side": "right"}]}
    batch = [good, {"sites": [{"location": "elbow"}]}, "not a report", {"sites": []}, good]
    out = list(_R.recommend_many(iter(batch)))
    assert len(out) == len(batch)
    assert isinstance(out[1], UnknownLocationError)
    assert out[1].suggestions
    assert isinstance(out[2], InvalidReportError)
    assert isinstance(out[3], InvalidReportError)
    assert out[0] == out[4] == _R.recommend(good)


# each example is a batch of up to six reports, each answered twice: a fraction of the profile's
# count covers as many reports as the one-report tests do
@given(st.lists(valid_report, max_size=6))
@settings(max_examples=scaled(40))
def test_recommend_many_equals_recommend_one_by_one(batch: list[dict[str, Any]]) -> None:
    def one(report: dict[str, Any]) -> str:
        try:
            return _R.recommend(report).model_dump_json()
        except UnknownLocationError as exc:
            return f"error: {exc}"

    many = [
        r.model_dump_json() if isinstance(r, Recommendation) else f"error: {r}"
        for r in _R.recommend_many(batch)
    ]
    assert many == [one(r) for r in batch]

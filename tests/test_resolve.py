"""Resolving lay phrases to zones and sides."""

from __future__ import annotations

import pytest

from rehabgraph import Recommender, UnknownLocationError


@pytest.mark.parametrize(
    ("phrase", "zones", "sides"),
    [
        ("pain on the outside of my right knee", ("knee-lateral",), {"right"}),
        ("outer knee", ("knee-lateral",), set()),
        ("Lateral Knee", ("knee-lateral",), set()),
        ("knee-lateral", ("knee-lateral",), set()),
        ("my left inner knee hurts", ("knee-medial",), {"left"}),
        ("inside of my knee", ("knee-medial",), set()),
        ("lower back", ("low-back",), set()),
        ("low back", ("low-back",), set()),
        ("ache in the small of my back", ("low-back",), set()),
        ("LOWER-BACK!!", ("low-back",), set()),
        ("lumbar, both sides", ("low-back",), {"both"}),
        ("outside of both knees", ("knee-lateral",), {"both"}),
        ("low back and outer knee", ("low-back", "knee-lateral"), set()),
        ("outer side of the knee, right side", ("knee-lateral",), {"right"}),
    ],
)
def test_phrase_resolves(
    recommender: Recommender, phrase: str, zones: tuple[str, ...], sides: set[str]
) -> None:
    resolution = recommender.resolver.resolve(phrase)
    assert resolution.zones == zones
    assert set(resolution.sides) == sides


def test_a_typo_of_five_letters_or_more_is_read_and_the_correction_reported(
    recommender: Recommender,
) -> None:
    resolution = recommender.resolver.resolve("inner kneee")
    assert resolution.zones == ("knee-medial",)
    assert resolution.reading is not None
    assert [(c.said, c.read_as) for c in resolution.reading.corrections] == [("kneee", "knee")]
    rec = recommender.recommend({"sites": [{"location": "inner kneee"}]})
    assert rec.readings[0].corrections[0].read_as == "knee"


def test_words_that_name_no_zone_are_kept(recommender: Recommender) -> None:
    resolution = recommender.resolver.resolve("outer knee after running downhill")
    assert resolution.zones == ("knee-lateral",)
    assert resolution.unmatched == ("running", "downhill")  # "after" is read: a plain word


@pytest.mark.parametrize(
    ("phrase", "suggestion"),
    [
        ("outer kne", "outer knee"),
        ("lowr back", "lower back"),
    ],
)
def test_typo_gets_close_matches_not_a_guess(
    recommender: Recommender, phrase: str, suggestion: str
) -> None:
    with pytest.raises(UnknownLocationError) as info:
        recommender.resolver.resolve(phrase)
    assert suggestion in info.value.suggestions
    assert suggestion in str(info.value)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("knee", {"outer knee", "inner knee", "front of the knee", "back of the knee"}),
        ("my back hurts", {"low back"}),
    ],
)
def test_too_broad_asks_which_part(
    recommender: Recommender, phrase: str, expected: set[str]
) -> None:
    with pytest.raises(UnknownLocationError) as info:
        recommender.resolver.resolve(phrase)
    assert "too broad" in str(info.value)
    assert set(info.value.suggestions) == expected


@pytest.mark.parametrize("phrase", ["elbow", "asdfgh", "", "   ", "my left", "pain"])
def test_unknown_gets_suggestions(recommender: Recommender, phrase: str) -> None:
    with pytest.raises(UnknownLocationError) as info:
        recommender.resolver.resolve(phrase)
    assert info.value.suggestions
    assert info.value.location == phrase
    assert isinstance(info.value, ValueError)


def test_every_region_word_alone_is_too_broad(recommender: Recommender) -> None:
    # "hip" must ask which part, never pick the zone whose alias is "side of the hip"
    knowledge = recommender.knowledge_base.knowledge
    zones_of: dict[str, set[str]] = {}
    for zone in knowledge.zones.values():
        for word in zone.regions:
            zones_of.setdefault(word, set()).add(zone.id)
    # a region of one zone (the chest wall) is that zone; "arm" spans upper arm, elbow, forearm
    for region in (r for r, zones in zones_of.items() if len(zones) > 1):
        for said in (region, f"my {region}", f"pain in my left {region}"):
            with pytest.raises(UnknownLocationError, match="too broad"):
                recommender.resolver.resolve(said)

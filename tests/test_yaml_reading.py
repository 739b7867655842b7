"""Knowledge files are built from the YAML parser's events in one pass: the objects are the ones
PyYAML's safe loader gives, for any data a knowledge file can hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rehabgraph.knowledge import yaml_io

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(),
    st.dates(),
    st.sampled_from(["yes", "no", "on", "off", "~", "null", "1e3", "0x1f", "0o17", "1_000"]),
    st.sampled_from(
        [
            "12:30",
            "2019-02-30",
            ".inf",
            "-.inf",
            "3.",
            "+1",
            "0b101",
            "2001-12-14t21:59:43.10-05:00",
        ]
    ),
)
_keys = st.one_of(st.text(max_size=12), st.integers(), st.booleans())
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=20,
)


def _same(a: Any, b: Any) -> bool:
    return a == b and repr(a) == repr(b)


@given(_data, st.sampled_from([None, "'", '"', "|", ">"]), st.booleans())
def test_any_data_reads_as_the_safe_loader_reads_it(
    data: Any, style: str | None, flow: bool
) -> None:
    text = yaml.safe_dump({"k": data}, default_style=style, default_flow_style=flow)
    if "!!" in text:  # quoting a number or a date by force tags it: tags are refused
        with pytest.raises(yaml_io._RefusedError, match="tags"):
            yaml_io._build(text)
    else:
        assert _same(yaml_io._build(text), yaml.safe_load(text))


@given(st.sampled_from(["yes", "No", "TRUE", "~", "", "null", "12", "1.5", "2026-11-30", "x: y"]))
def test_plain_words_resolve_as_yaml_1_1_says(word: str) -> None:
    text = f"a: {word}\nb: [{word}]\n" if ":" not in word else "a: 'x: y'\n"
    assert _same(yaml_io._build(text), yaml.safe_load(text))


def test_a_date_is_a_date_and_a_quoted_date_is_text() -> None:
    got = yaml_io._build("a: 2026-11-30\nb: '2026-11-30'\n")
    assert got == {"a": dt.date(2026, 11, 30), "b": "2026-11-30"}


def test_every_bundled_and_test_file_reads_as_before() -> None:
    root = Path(__file__).resolve().parents[1]
    files = [*root.glob("knowledge/*.yaml"), *root.glob("tests/**/*.yaml")]
    files += root.glob("examples/packs/**/*.yaml")
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _same(yaml_io._build(text), yaml.safe_load(text)), path


def test_the_pure_python_parser_reads_the_same(monkeypatch: Any) -> None:
    text = (Path(__file__).resolve().parents[1] / "knowledge" / "exercises.yaml").read_text()
    expected = yaml_io._build(text)
    monkeypatch.setattr(yaml_io, "_Loader", yaml.SafeLoader)
    assert _same(yaml_io._build(text), expected)

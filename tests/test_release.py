"""Release hygiene: one version, the project's addresses, a changelog, a README that renders on
PyPI and says the true counts, an API reference that covers the public names."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest

import rehabgraph
from rehabgraph.graph.stats import knowledge_stats

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
REPOSITORY = re.compile(
    r"^https://(?:github\.com/rehabgraph/rehabgraph/(?:blob|tree)/main"
    r"|raw\.githubusercontent\.com/rehabgraph/rehabgraph/main)/(?P<path>[^#?]*)"
)


def test_the_version_is_written_once() -> None:
    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/rehabgraph/_version.py"
    assert rehabgraph.__version__ == importlib.metadata.version("rehabgraph")
    # and nowhere else in the package
    version = re.escape(rehabgraph.__version__)
    for path in (ROOT / "src").rglob("*.py"):
        if path.name != "_version.py":
            assert not re.search(rf"['\"]{version}['\"]", path.read_text()), path


def test_the_project_says_where_it_lives() -> None:
    urls = PYPROJECT["project"]["urls"]
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    assert all(url.startswith("https://") for url in urls.values())


def test_the_changelog_has_unreleased_and_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog
    heading = rf"^## \[{re.escape(rehabgraph.__version__)}\] - \d{{4}}-\d\d-\d\d$"
    assert re.search(heading, changelog, re.MULTILINE)
    assert f"[{rehabgraph.__version__}]: https://" in changelog


def _links(markdown: str) -> list[str]:
    """Every link and image target of a Markdown text, code blocks left out."""
    prose = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    prose = re.sub(r"`[^`\n]*`", "``", prose)
    return re.findall(r"\]\(([^)\s]+)\)", prose)


def test_the_readme_renders_on_pypi() -> None:
    """PyPI shows the README away from the repository: every link and image is absolute, and
    every one into the repository names a file or folder that exists."""
    links = _links(README)
    assert any("docs/images/" in link for link in links)
    for link in links:
        assert link.startswith(("https://", "http://", "#")), link
        inside = REPOSITORY.match(link)
        if inside:
            assert (ROOT / inside["path"]).exists(), link


def test_the_readme_counts_are_the_knowledge_counts() -> None:
    """The README's numbers about the bundled knowledge, each written once, are true."""
    kb = rehabgraph.load_knowledge()
    k, stats = kb.knowledge, knowledge_stats(kb)
    text = " ".join(README.split())
    expected = {
        r"(\d+) pain zones": len(k.zones),
        r"(\d+) muscles with": len(k.muscles),
        r"(\d+) published trigger-point referrals": len(k.referrals),
        r"(\d+) imbalances,": len(k.imbalances),
        r"(\d+) exercises in loosen-then-strengthen": len(k.exercises),
        r"(\d+) screening questions, \d+ of them red flags": len(k.questions),
        r"\d+ screening questions, (\d+) of them red flags": stats["red_flags"],
        r"(\d+) conditions, read in people's words": len(k.conditions),
        r"ConText lexicon of (\d+) triggers": len(k.context.triggers),
        r"(\d+) guidelines with \d+ recommendations": len(k.guidelines),
        r"\d+ guidelines with (\d+) recommendations": len(k.recommendations),
        r"from (\d+) sources": len(k.sources),
        r"(\d+) muscles carry UBERON and FMA codes": stats["coded"]["muscles"],
        r"(\d+) zones SNOMED CT body-site codes": stats["coded"]["zones"],
        r"maps (\d+) SNOMED CT and ICD-10-CM problem-list codes": len(k.problems),
    }
    for pattern, value in expected.items():
        found = re.findall(pattern, text)
        assert found == [str(value)], (pattern, found, value)
    # the number of sources is said once, where the knowledge is counted
    assert len(re.findall(r"\b\d+ sources\b|\ball \d+\b", text)) == 1


def test_the_sources_count_is_the_sources_file() -> None:
    entries = (ROOT / "knowledge" / "sources.yaml").read_text().count("\n  - id: ")
    assert entries == len(rehabgraph.load_knowledge().knowledge.sources)
    assert f"from {entries} sources" in " ".join(README.split())


@pytest.mark.parametrize("name", rehabgraph.__all__)
def test_the_api_reference_names_every_public_name(name: str) -> None:
    assert f"`{name}`" in (ROOT / "docs" / "api" / "index.md").read_text()

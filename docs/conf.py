"""The documentation site (Sphinx): README.md, the guides in docs/, the API reference from the
docstrings, the example notebook and CHANGELOG.md.

    python -m pip install ".[docs]" && sphinx-build -W --keep-going -b html docs site

It builds offline: no extension fetches anything (no intersphinx), the notebook is shown as
committed and not run (the tests run it), and the theme (Furo) uses the system's fonts. A warning
fails the build (``-W``). README.md and CHANGELOG.md are included by docs/index.md and
docs/changelog.md, not copied; their links to files of the repository, absolute so that they work
on PyPI, become links inside the site where the site has the file. The notebook is copied into
docs/_generated/ on each build, since Sphinx reads pages from docs/ only.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import sys
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "src"))  # the API reference is this tree's, installed or not

from rehabgraph import __version__  # noqa: E402

project = "rehabgraph"
author = "rehabgraph contributors"
project_copyright = "rehabgraph contributors, MIT licence"
version = release = __version__

extensions = ["myst_nb", "sphinx.ext.autodoc"]
exclude_patterns = ["_build"]
root_doc = "index"

# --- Markdown and the notebook ----------------------------------------------------------------
myst_heading_anchors = 3
nb_execution_mode = "off"  # the notebook as committed, with its outputs
nb_merge_streams = True

# --- the API reference --------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_class_signature = "separated"
autodoc_default_options = {"members": True}
# the optional extras, imported at module level by some subpackages: not needed to read them
autodoc_mock_imports = [
    "dask",
    "distributed",
    "pandas",
    "pyarrow",
    "fastapi",
    "fastapi_offline",
    "starlette",
    "uvicorn",
    "jwt",
    "fhir",
    "matplotlib",
]

# --- HTML ------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"rehabgraph {version}"
html_show_sourcelink = False
html_theme_options = {
    "source_repository": "https://github.com/rehabgraph/rehabgraph/",
    "source_branch": "main",
    "source_directory": "docs/",
}

REPOSITORY = re.compile(
    r"\]\((?:https://github\.com/rehabgraph/rehabgraph/(?:blob|tree)/main/"
    r"|https://raw\.githubusercontent\.com/rehabgraph/rehabgraph/main/)([^)#\s]*)(#[^)\s]*)?\)"
)
# a file of the repository outside docs/ -> where the site has it
ON_SITE = {
    "README.md": "index.md",
    "CHANGELOG.md": "changelog.md",
    "examples/quickstart.ipynb": "_generated/quickstart.ipynb",
}


def _copy_notebook() -> None:
    source = ROOT / "examples" / "quickstart.ipynb"
    target = DOCS / "_generated" / "quickstart.ipynb"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)


def _local_links(_app: Any, _path: Path, parent: str, content: list[str]) -> None:
    """In an included file (README.md, CHANGELOG.md), a link to a file of the repository that
    the site has becomes a link to its page; any other stays a link to the repository."""

    def local(match: re.Match[str]) -> str:
        path, anchor = match[1].rstrip("/"), match[2] or ""
        if path in ON_SITE:
            target = ON_SITE[path]
        elif path.startswith("docs/") and (ROOT / path).is_file():
            target = path.removeprefix("docs/")
        else:
            return match[0]
        return f"]({posixpath.relpath(target, posixpath.dirname(parent) or '.')}{anchor})"

    content[0] = REPOSITORY.sub(local, content[0])


def _type(annotation: Any) -> str:  # noqa: PLR0911 - one return per kind of type
    """A field's type as its reader writes it: ``list[Site] | None``, with no constraints
    (``Annotated``) and no module paths."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _type(args[0])
    if origin in (Union, UnionType):
        return " | ".join(_type(a) for a in args)
    if origin is Literal:
        return f"Literal[{', '.join(repr(a) for a in args)}]"
    if origin is not None:
        return f"{getattr(origin, '__name__', origin)}[{', '.join(_type(a) for a in args)}]"
    if annotation is type(None):
        return "None"
    if isinstance(annotation, type):
        return annotation.__name__
    return re.sub(r"\b(?:[A-Za-z_][A-Za-z0-9_]*\.)+(?=[A-Za-z_])", "", str(annotation))


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+\.|[a-z]\.|\(\d+\))\s")


def _literal_blocks(
    _app: Any, _what: str, _name: str, _obj: Any, _options: Any, lines: list[str]
) -> None:
    """An indented block after a paragraph is code or a drawing (the error tree), as in
    Markdown and as the docstrings are written: shown as is, not as a quotation."""
    out: list[str] = []
    for i, line in enumerate(lines):
        before = next((x for x in reversed(lines[:i]) if x.strip()), "")
        if (
            line.startswith(" ")
            and line.strip()
            and i > 0
            and not lines[i - 1].strip()
            and before
            and not before.startswith(" ")
            and not before.rstrip().endswith("::")
            and not _LIST_ITEM.match(before)
            and not line.lstrip().startswith(">>>")
        ):
            out += ["::", ""]
        out.append(line)
    lines[:] = out


def _fields(_app: Any, what: str, _name: str, obj: Any, _options: Any, lines: list[str]) -> None:
    """A pydantic model's docstring, then its fields: name, type, whether it must be given, and
    its description (the same as in its JSON Schema)."""
    fields = getattr(obj, "model_fields", None) if what == "class" else None
    if not isinstance(fields, dict) or not fields:
        return
    lines += ["", ".. rubric:: Fields", ""]
    for name, field in fields.items():
        need = "" if field.is_required() else ", optional"
        about = f": {' '.join(field.description.split())}" if field.description else ""
        lines.append(f"- ``{name}`` (``{_type(field.annotation)}``{need}){about}")
    lines.append("")


def _skip(_app: Any, _what: str, name: str, _obj: Any, skip: bool, _options: Any) -> bool:  # noqa: FBT001
    """Leave pydantic's own attributes to pydantic's documentation."""
    return skip or name in {"model_config", "model_fields", "model_computed_fields"}


def _notebook_outputs_in_the_build(app: Any) -> None:
    """myst-nb writes a notebook's pictures to jupyter_execute/ beside the output folder, here
    the repository's root: keep them with the build's other working files instead."""
    folder = Path(app.doctreedir) / "jupyter_execute"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


def setup(app: Any) -> dict[str, Any]:
    _copy_notebook()
    app.connect("builder-inited", _notebook_outputs_in_the_build, priority=900)  # after myst-nb
    app.connect("include-read", _local_links)
    app.connect("autodoc-process-docstring", _literal_blocks)
    app.connect("autodoc-process-docstring", _fields)
    app.connect("autodoc-skip-member", _skip)
    return {"parallel_read_safe": True}

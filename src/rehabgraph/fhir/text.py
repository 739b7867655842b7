"""What every FHIR resource rehabgraph writes shares: the canonical base of its URLs, its
narrative (``text``, as XHTML), and sentences joined without doubled punctuation."""

from __future__ import annotations

import html
import os
from collections.abc import Iterable

__all__ = ["DEFAULT_BASE", "canonical", "fhir_base", "narrative", "sentences"]

# The canonical base when none is set: an example address (RFC 2606), to be replaced by the
# integrator's own with ``base=`` or REHABGRAPH_FHIR_BASE.
DEFAULT_BASE = "http://example.org/fhir/rehabgraph"


def fhir_base(base: str | None = None) -> str:
    """The canonical base: ``base``, else $REHABGRAPH_FHIR_BASE, else the example base."""
    return (base or os.environ.get("REHABGRAPH_FHIR_BASE") or DEFAULT_BASE).rstrip("/")


def canonical(kind: str, name: str, base: str | None = None) -> str:
    """A canonical URL: ``{base}/{kind}/{name}``.

    >>> canonical("ActivityDefinition", "vmo-step-down", "https://fhir.example.com")
    'https://fhir.example.com/ActivityDefinition/vmo-step-down'
    """
    return f"{fhir_base(base)}/{kind}/{name}"


def sentences(*parts: str) -> str:
    """Sentences joined by a space, each ending with one full stop (never "..").

    >>> sentences("Dosage: 10 reps.", "Stop if: it hurts")
    'Dosage: 10 reps. Stop if: it hurts.'
    """
    out = []
    for part in parts:
        text = " ".join(part.split()).rstrip()
        if not text:
            continue
        out.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(out)


def narrative(title: str, lines: Iterable[str] = ()) -> dict[str, str]:
    """A generated narrative: the title, then the lines as a list, escaped as XHTML."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines if line)
    body = f"<p><b>{html.escape(title)}</b></p>" + (f"<ul>{items}</ul>" if items else "")
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>',
    }

"""An independent FHIR validator for tests: HL7's JSON Schema plus the core invariants.

`load(folder)` reads a folder holding HL7's `fhir.schema.json` and the base
`StructureDefinition-*.json` files of one FHIR release (install.sh lays it out). Two engines,
neither of them fhir.resources: `jsonschema` checks the schema (the draft the file declares),
`fhirpathpy` evaluates each `constraint.expression` of the StructureDefinitions, walking the
instance: the resource's own elements, every datatype it uses (Timing, Period, Reference,
Narrative, Extension, ...) and the resources inside it (Bundle.entry.resource, contained).

    v = load("build/fhir-r4b")
    v.errors(resource)            # schema errors + failed error-severity invariants
    v.check(resource).warnings    # failed warning-severity invariants (dom-6, ...)
    v.check(resource).skipped     # invariants not evaluated, each with its reason

An invariant fails when its expression gives false; an empty result (FHIRPath's "unknown",
e.g. ref-1 on a Reference with only a display) passes. Required bindings of `code` elements
are checked against the ValueSet/CodeSystem files too (HL7's R4B schema has no enums).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from fhirpathpy import compile as fp_compile
from fhirpathpy.engine.nodes import ResourceNode
from fhirpathpy.models import models

# FHIRPath functions that fhirpathpy 2.2.4 lacks: hasValue() and htmlChecks() are supplied
# below; a constraint that calls one of these is skipped and listed in Report.skipped.
UNSUPPORTED = {
    "resolve": "resolve() needs a reference resolver, which fhirpathpy does not have",
    "conformsTo": "conformsTo() needs profile validation",
    "memberOf": "memberOf() needs a terminology server",
}
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
# Narrative rules (R4B narrative.html#xhtml): no head/body, scripts, forms, base/link,
# frames, objects or event attributes; some non-whitespace content.
FORBIDDEN_TAGS = {
    "html",
    "head",
    "body",
    "script",
    "style",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "base",
    "link",
    "meta",
    "frame",
    "frameset",
    "iframe",
    "object",
    "embed",
    "applet",
}


def _has_value(inputs: list[Any]) -> list[bool]:
    return [len(inputs) == 1 and inputs[0] is not None and not isinstance(inputs[0], (dict, list))]


def _html_checks(inputs: list[Any]) -> list[bool]:
    """txt-1 and txt-2 (both read `htmlChecks()`): a local approximation, see notes.md."""
    if len(inputs) != 1 or not isinstance(inputs[0], str):
        return [False]
    try:
        root = ET.fromstring(inputs[0])
    except ET.ParseError:
        return [False]
    if root.tag != XHTML_NS + "div":
        return [False]
    for el in root.iter():
        if el.tag.removeprefix(XHTML_NS).lower() in FORBIDDEN_TAGS:
            return [False]
        if any(a.lower().startswith("on") for a in el.attrib):
            return [False]
    content = "".join(root.itertext()).strip() or root.find(f".//{XHTML_NS}img") is not None
    return [bool(content)]


USER_FUNCTIONS = {"hasValue": {"fn": _has_value}, "htmlChecks": {"fn": _html_checks}}
# HL7's own later technical correction of dom-3 (as in later builds of the core package):
# `as()` on a collection is an error in FHIRPath, `ofType()` is what was meant.
CORRECTIONS = {"dom-3": ("descendants().as(", "descendants().ofType(")}


def _fp_node(value: Any, path: str | None = None, under: Any = None) -> Any:
    return ResourceNode.create_node(value, path, under)  # type: ignore[no-untyped-call]


def _expression(key: str, expression: str) -> str:
    old, new = CORRECTIONS.get(key, ("", ""))
    return expression.replace(old, new) if old else expression


@dataclass(frozen=True)
class Constraint:
    key: str
    severity: str  # "error" | "warning"
    human: str
    expression: str


@dataclass(frozen=True)
class Elem:
    path: str  # its path in its StructureDefinition (a contentReference resolved)
    constraints: tuple[Constraint, ...]
    binding: str | None = None  # the required ValueSet of a `code` element


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class _Type:
    """One StructureDefinition, indexed for the walk."""

    kind: str  # resource | complex-type | primitive-type
    elems: dict[str, Elem]
    # (parent path, JSON property) -> (child Elem, child type code)
    children: dict[tuple[str, str], tuple[Elem, str]]
    nested: set[str]  # element paths with children of their own in this StructureDefinition
    # parent path -> (child path, its JSON names) for required (min >= 1) primitive children,
    # which the JSON Schema cannot require (a value may come as `_prop` alone)
    required: dict[str, list[tuple[str, tuple[str, ...]]]]


def _index(sd: dict[str, Any]) -> _Type:
    raw = {e["path"]: e for e in sd["snapshot"]["element"]}
    elems = {
        p: Elem(
            p,
            tuple(
                Constraint(
                    c["key"],
                    c["severity"],
                    c.get("human", ""),
                    _expression(c["key"], c["expression"]),
                )
                for c in e.get("constraint", [])
                if c.get("expression")
            ),
        )
        for p, e in raw.items()
    }
    children: dict[tuple[str, str], tuple[Elem, str]] = {}
    required: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for p, e in raw.items():
        if "." not in p:
            continue
        parent, name = p.rsplit(".", 1)
        target = e["contentReference"].split("#", 1)[1] if "contentReference" in e else p
        codes = [t["code"] for t in raw[target].get("type", [])] or ["Element"]
        bind = raw[target].get("binding", {})
        vs = bind["valueSet"].split("|")[0] if bind.get("strength") == "required" else None
        elem = Elem(target, elems[p].constraints, vs if codes == ["code"] else None)
        names = (
            [name[:-3] + c[0].upper() + c[1:] for c in codes] if name.endswith("[x]") else [name]
        )
        for n, code in zip(names, codes if len(names) > 1 else codes[:1], strict=True):
            children[(parent, n)] = (elem, code)
        # primitive: a lower-case type code, or a System type URL (http://hl7.org/fhirpath/...)
        if e.get("min", 0) >= 1 and all(c[0].islower() and c != "xhtml" for c in codes):
            required.setdefault(parent, []).append((p, tuple(names + [f"_{n}" for n in names])))
    nested = {p.rsplit(".", 1)[0] for p in raw if "." in p}
    return _Type(sd["kind"], elems, children, nested, required)


Finder = Callable[[str, str], "dict[str, Any] | None"]  # (resourceType, url) -> resource


class Validator:
    def __init__(
        self, schema: dict[str, Any], sds: list[dict[str, Any]], find: Finder = lambda _t, _u: None
    ) -> None:
        self.schema_id: str = schema.get("id") or schema.get("$id", "?")
        self.fhir_version: str = sds[0].get("fhirVersion", "?") if sds else "?"
        cls = jsonschema.validators.validator_for(schema)
        # ResourceList (Bundle.entry.resource, contained, ...) is a oneOf over every resource:
        # slow, and its errors say only "no branch matched". The walk below checks each inner
        # resource against its own definition instead, so here it need only be an object.
        defs = {**schema["definitions"], "ResourceList": {"type": "object"}}
        self._schema_for: Callable[[str], Any] = lambda rt: cls(
            {"$ref": f"#/definitions/{rt}", "definitions": defs}
        )
        self._schemas: dict[str, Any] = {}
        self._defs: set[str] = set(schema["definitions"])
        self.types: dict[str, _Type] = {sd["type"]: _index(sd) for sd in sds}
        self._model = models["r4"]  # fhirpathpy has r4 and r5 models; R4B is R4 here
        self._compiled: dict[str, Callable[..., list[Any]]] = {}
        self.unsupported: dict[str, str] = {}  # constraint key -> why it is skipped
        self._find = find
        self._valuesets: dict[str, frozenset[str] | str] = {}  # url -> codes, or why not
        for t in self.types.values():
            for e in t.elems.values():
                for c in e.constraints:
                    self._compile(c)

    def _compile(self, c: Constraint) -> None:
        if c.expression in self._compiled or c.key in self.unsupported:
            return
        missing = [f for f in UNSUPPORTED if re.search(rf"\b{f}\(", c.expression)]
        if missing:
            self.unsupported[c.key] = UNSUPPORTED[missing[0]]
            return
        try:
            self._compiled[c.expression] = fp_compile(
                c.expression,
                self._model,
                {"userInvocationTable": USER_FUNCTIONS, "traceFn": lambda *_: None},
            )
        except Exception as exc:  # noqa: BLE001 - an unparseable expression is reported
            self.unsupported[c.key] = f"fhirpathpy cannot parse it: {exc}"

    # -- public ------------------------------------------------------------------------
    def errors(self, resource: dict[str, Any]) -> list[str]:
        return self.check(resource).errors

    def check(self, resource: dict[str, Any]) -> Report:
        report = Report()
        self._resource(resource, str(resource.get("resourceType")), resource, report)
        return report

    def schema_errors(self, resource: dict[str, Any], loc: str = "") -> list[str]:
        """Errors against the JSON Schema; inner resources are not looked into here."""
        rt = resource.get("resourceType")
        loc = loc or str(rt)
        if rt not in self._defs:
            return [f"{loc}: schema: resourceType {rt!r} is not in the schema"]
        if rt not in self._schemas:
            self._schemas[rt] = self._schema_for(rt)
        return [
            f"{loc}{e.json_path[1:]}: schema: {_short(e.message)}"
            for e in self._schemas[rt].iter_errors(resource)
        ]

    # -- the invariant walk ------------------------------------------------------------
    def _resource(
        self, res: dict[str, Any], loc: str, root: dict[str, Any], report: Report
    ) -> None:
        report.errors += self.schema_errors(res, loc)
        rt = res.get("resourceType", "")
        if rt not in self.types:
            report.errors.append(f"{loc}: no StructureDefinition for {rt!r}")
            return
        ctx = {"resource": _fp_node(res), "rootResource": _fp_node(root)}
        self._node(res, None, rt, rt, loc, ctx, report, set())

    def _node(
        self,
        value: Any,
        under: Any,
        tname: str,
        path: str,
        loc: str,
        ctx: dict[str, Any],
        report: Report,
        done: set[str],
    ) -> None:
        """Checks one node: `value` (and `under`, its `_prop` twin for primitives) at
        element `path` of type `tname`'s StructureDefinition."""
        t = self.types[tname]
        node_base = path if "." in path else tname
        for c in t.elems[path].constraints if path in t.elems else ():
            if c.key not in done:
                done.add(c.key)
                self._eval(c, value, under, node_base, loc, ctx, report)
        if t.kind == "primitive-type" and path == tname:
            value = under  # its id and extension live in the `_prop` twin
        if not isinstance(value, dict):
            return
        for p, names in t.required.get(path, ()):
            if not any(n in value for n in names):
                report.errors.append(f"{loc}: cardinality: {p} is required (min 1)")
        chosen: dict[str, str] = {}
        for prop in value:
            name = prop.removeprefix("_")
            if prop == "resourceType" or (prop != name and name in value):
                continue  # `_x` is visited with `x`
            hit = t.children.get((path, name))
            if hit is None:
                continue  # unknown property: the schema reports it
            elem, code = hit
            if elem.path.endswith("[x]"):  # JSON format rule: one type of a choice at most
                if elem.path in chosen:
                    report.errors.append(
                        f"{loc}: json: both {chosen[elem.path]} and {name} given for {elem.path}"
                    )
                chosen[elem.path] = name
            vals, unders = value.get(name), value.get("_" + name)
            n = max(
                len(vals) if isinstance(vals, list) else 1,
                len(unders) if isinstance(unders, list) else 1,
            )
            for i in range(n):
                v = (
                    vals[i]
                    if isinstance(vals, list) and i < len(vals)
                    else (None if isinstance(vals, list) else vals)
                )
                u = (
                    unders[i]
                    if isinstance(unders, list) and i < len(unders)
                    else (None if isinstance(unders, list) else unders)
                )
                here = f"{loc}.{name}" + (f"[{i}]" if isinstance(vals or unders, list) else "")
                self._child(v, u, elem, code, tname, here, ctx, report)

    def _child(
        self,
        v: Any,
        u: Any,
        elem: Elem,
        code: str,
        tname: str,
        loc: str,
        ctx: dict[str, Any],
        report: Report,
    ) -> None:
        t = self.types[tname]
        if code == "Resource" or (code in self.types and self.types[code].kind == "resource"):
            if isinstance(v, dict):  # %rootResource: the container, but a Bundle's entries
                root = ctx["rootResource"].data if tname != "Bundle" else v
                self._resource(v, loc, root, report)
            return
        if elem.binding and isinstance(v, str):
            codes = self._codes(elem.binding)
            if isinstance(codes, str):
                report.skipped.append(f"{loc}: binding: {codes}")
            elif v not in codes:
                report.errors.append(
                    f"{loc}: binding: {v!r} is not in the required ValueSet {elem.binding}"
                )
        done: set[str] = set()
        if elem.path in t.nested:  # a backbone element: same StructureDefinition
            self._node(v, u, tname, elem.path, loc, ctx, report, done)
            return
        # the element's own constraints (ele-1, txt-1, ...) first, then its type's
        for c in elem.constraints:
            done.add(c.key)
            self._eval(c, v, u, code if code in self.types else elem.path, loc, ctx, report)
        if code in self.types:
            self._node(v, u, code, code, loc, ctx, report, done)

    def _codes(self, url: str) -> frozenset[str] | str:
        """The codes of a ValueSet (from its compose: listed concepts, or whole complete
        CodeSystems), or why they cannot be had offline."""
        if url not in self._valuesets:
            self._valuesets[url] = "a cyclic ValueSet"
            vs = self._find("ValueSet", url)
            out: set[str] = set()
            why = None if vs else f"ValueSet {url} is not in the files"
            for inc in (vs or {}).get("compose", {}).get("include", []):
                if "filter" in inc or "valueSet" in inc or why:
                    why = why or f"ValueSet {url} uses a filter or another ValueSet"
                elif "concept" in inc:
                    out |= {c["code"] for c in inc["concept"]}
                else:
                    cs = self._find("CodeSystem", inc.get("system", ""))
                    if not cs or cs.get("content") != "complete":
                        why = f"CodeSystem {inc.get('system')} is not in the files"
                    else:
                        out |= set(_all_codes(cs.get("concept", [])))
            if (vs or {}).get("compose", {}).get("exclude"):
                why = why or f"ValueSet {url} excludes codes"
            self._valuesets[url] = why or frozenset(out)
        return self._valuesets[url]

    def _eval(
        self,
        c: Constraint,
        value: Any,
        under: Any,
        base: str,
        loc: str,
        ctx: dict[str, Any],
        report: Report,
    ) -> None:
        fn = self._compiled.get(c.expression)
        if fn is None:
            report.skipped.append(f"{loc}: {c.key}: {self.unsupported.get(c.key, '?')}")
            return
        if value is None and isinstance(under, dict):
            value, under = under, None  # a primitive with only id/extension: fhirpathpy's
            # children() reads the node's own data, not its `_prop` twin
        try:
            out = fn(_fp_node(value, base, under), ctx)
        except Exception as exc:  # noqa: BLE001 - reported, not hidden
            report.skipped.append(f"{loc}: {c.key}: fhirpathpy raised {_short(repr(exc))}")
            return
        if False not in out:  # true, or empty: FHIRPath's "unknown" is not a failure here
            return
        msg = f"{loc}: {c.key}: {c.human}" + ("" if out == [False] else f" (result {out!r})")
        (report.errors if c.severity == "error" else report.warnings).append(msg)


def _all_codes(concepts: list[dict[str, Any]]) -> Iterator[str]:
    for c in concepts:
        yield c["code"]
        yield from _all_codes(c.get("concept", []))


def _short(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def load(folder: str | Path) -> Validator:
    """The Validator for the files in `folder`: `fhir.schema.json` (searched for below the
    folder too), the `StructureDefinition-*.json` of the base types and, if there, the
    `ValueSet-*.json` and `CodeSystem-*.json` that required bindings of codes name."""
    root = Path(folder)
    schema_path = next(iter(sorted(root.rglob("fhir.schema.json"))), None)
    if schema_path is None:
        raise FileNotFoundError(f"no fhir.schema.json under {root}")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    sds = []
    sd_paths = sorted(root.rglob("StructureDefinition-*.json"))
    sds_dir = sd_paths[0].parent if sd_paths else root
    for p in sd_paths:
        sd = json.loads(p.read_text(encoding="utf-8"))
        base = sd.get("derivation") == "specialization" or "baseDefinition" not in sd
        if sd.get("resourceType") == "StructureDefinition" and base and sd["kind"] != "logical":
            sds.append(sd)
    if not sds:
        raise FileNotFoundError(f"no base StructureDefinition-*.json under {root}")

    def find(rtype: str, url: str) -> dict[str, Any] | None:
        p = sds_dir / f"{rtype}-{url.rstrip('/').rsplit('/', 1)[-1]}.json"
        found = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else None
        return found if found and found.get("url") == url else None

    return Validator(schema, sds, find)

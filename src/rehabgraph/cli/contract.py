"""``rehabgraph schema report|recommendation``: the JSON Schema of the data contract."""

from __future__ import annotations

import argparse
from typing import TextIO

from rehabgraph.cli._shared import EXIT_OK

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    contract = sub.add_parser(
        "schema",
        help="print the JSON Schema of the data contract",
        description="Print the JSON Schema of a PainReport (what goes in) or a Recommendation "
        "(what comes out). Both carry a schema_version.",
    )
    contract.add_argument("model", choices=["report", "recommendation"])


def run(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from rehabgraph.api.recommendation import Recommendation
    from rehabgraph.api.report import PainReport

    cls = PainReport if args.model == "report" else Recommendation
    out.write(json.dumps(cls.model_json_schema(), indent=2) + "\n")
    return EXIT_OK

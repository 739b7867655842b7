"""``rehabgraph serve``: the HTTP and CDS Hooks service (needs rehabgraph[server])."""

from __future__ import annotations

import argparse
from typing import TextIO

from rehabgraph.cli._shared import (
    EXIT_OK,
    EXIT_USAGE,
    fail,
    knowledge_failure,
    knowledge_options,
    recommender_for,
)

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the HTTP and CDS Hooks service (needs rehabgraph[server])",
        description="Serve POST /recommend, GET /zones, /screening, /health, CDS Hooks at "
        "/cds-services and OpenAPI docs at /docs.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    knowledge_options(serve)


def run(args: argparse.Namespace, _out: TextIO) -> int:
    from rehabgraph.errors import KnowledgeError, MissingDependencyError

    try:
        from rehabgraph.server import create_app
    except MissingDependencyError as exc:
        return fail(str(exc), EXIT_USAGE)
    try:
        import uvicorn
    except ImportError:
        return fail('uvicorn is needed to serve: pip install "rehabgraph[server]"', EXIT_USAGE)
    try:
        recommender = recommender_for(args)
    except KnowledgeError as exc:
        return knowledge_failure(exc)
    uvicorn.run(create_app(recommender), host=args.host, port=args.port)
    return EXIT_OK

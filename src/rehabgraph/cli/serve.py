"""``rehabgraph serve``: the HTTP and CDS Hooks service (needs rehabgraph[server])."""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any, TextIO

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
        description="Serve a page to try it and browse the knowledge at /, POST /recommend, "
        "GET /zones, /screening, /health, /knowledge, the pictures at /pictures, CDS Hooks at "
        "/cds-services and OpenAPI docs at /docs.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes, each with the knowledge (1)"
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="what is logged: one line per request at info (info)",
    )
    serve.add_argument(
        "--root-path", default="", help="the path prefix a proxy serves the service under"
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser origin allowed to call the service (repeatable; default: any)",
    )
    serve.add_argument(
        "--fhir-base", metavar="URL", help="the base of the canonical URLs in FHIR output"
    )
    serve.add_argument(
        "--jwt-issuer",
        action="append",
        default=[],
        metavar="ISS=JWKS",
        help="require CDS Hooks JWTs from this issuer, checked with its JWK Set file "
        "(repeatable; default: no check)",
    )
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
    from rehabgraph.server import ServeSettings

    if args.workers < 1:
        return fail("--workers must be at least 1", EXIT_USAGE)
    issuers: dict[str, str] = {}
    for item in args.jwt_issuer:
        issuer, sep, path = item.partition("=")
        if not sep or not issuer or not path:
            return fail(f"--jwt-issuer wants ISS=JWKS-FILE, got {item!r}", EXIT_USAGE)
        issuers[issuer] = path
    settings = ServeSettings(
        base=args.base,
        packs=tuple(args.knowledge),
        cors_origins=tuple(args.cors_origin) or ("*",),
        fhir_base=args.fhir_base,
        jwt_issuers=issuers,
    )
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "root_path": args.root_path,
        "access_log": False,  # the service logs one line per request itself
    }
    try:
        if args.workers == 1:
            uvicorn.run(create_app(recommender_for(args), settings), **options)
        else:  # each worker builds the app from the same settings, from the environment
            recommender_for(args)  # a broken knowledge folder fails here, once, clearly
            os.environ.update(settings.to_env())
            uvicorn.run(
                "rehabgraph.server:app_from_env", factory=True, workers=args.workers, **options
            )
    except KnowledgeError as exc:
        return knowledge_failure(exc)
    return EXIT_OK

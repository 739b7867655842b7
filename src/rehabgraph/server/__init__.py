"""An HTTP service for apps that are not written in Python (extra ``rehabgraph[server]``).

``create_app()`` returns a FastAPI application; ``rehabgraph serve`` runs it with uvicorn.
"""

from rehabgraph.server.app import MAX_BODY_BYTES, create_app

__all__ = ["MAX_BODY_BYTES", "create_app"]

"""An HTTP service for apps that are not written in Python (extra ``rehabgraph[server]``).

``create_app()`` returns a FastAPI application; ``rehabgraph serve`` runs it with uvicorn.
"""

from rehabgraph.server.app import MAX_BODY_BYTES, app_from_env, create_app
from rehabgraph.server.settings import ServeSettings

__all__ = ["MAX_BODY_BYTES", "ServeSettings", "app_from_env", "create_app"]

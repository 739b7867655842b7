"""rehabgraph's loggers, library style: ``logging.getLogger(__name__)`` under the ``rehabgraph``
logger, which carries a ``NullHandler`` and no other handler, level or format. Nothing is shown
until the application configures logging (``logging.basicConfig(level=logging.INFO)``, or
``rehabgraph -v`` on the command line); WARNING records are then shown as usual.

What is logged: INFO when knowledge is loaded (the folder, packs, counts, load cache hit or miss,
the time), DEBUG for the load cache and for every answer (zones, status), WARNING for knowledge
lint warnings, and one INFO line per HTTP request on ``rehabgraph.server``.

The handler is added here, where every module that logs takes its logger, and not in the
package's ``__init__``: ``import rehabgraph`` does not import ``logging`` (half again its import
time), and the handler is still in place before the first record.
"""

from __future__ import annotations

import logging

__all__ = ["get_logger"]

logging.getLogger("rehabgraph").addHandler(logging.NullHandler())


def get_logger(name: str) -> logging.Logger:
    """The logger of the module ``name`` (pass ``__name__``), under the ``rehabgraph`` logger."""
    return logging.getLogger(name)

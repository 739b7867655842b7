"""``python -m rehabgraph`` runs the command line."""

from rehabgraph.cli import main

raise SystemExit(main())

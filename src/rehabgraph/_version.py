"""The version of rehabgraph, in one place: the package, the build and the load cache read it."""

__version__ = "0.1.0"

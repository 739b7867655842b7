"""One error hierarchy, so callers can catch everything rehabgraph raises with one class.

    RehabgraphError
    ├── ReportError            bad input from a person or an app (HTTP 422, CLI exit 2)
    │   ├── InvalidReportError     a report that does not validate
    │   ├── UnknownLocationError   a location that names no zone (with close matches)
    │   └── UnknownExerciseError   feedback on an exercise the knowledge does not hold
    ├── KnowledgeError         a knowledge folder that cannot be loaded (every problem listed)
    └── MissingDependencyError an optional part used without its extra installed

Anything else escaping rehabgraph is a bug: the HTTP service logs it and answers 500.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "InvalidReportError",
    "KnowledgeError",
    "KnowledgeProblem",
    "MissingDependencyError",
    "RehabgraphError",
    "ReportError",
    "UnknownExerciseError",
    "UnknownLocationError",
]


class RehabgraphError(Exception):
    """Base class of every error rehabgraph raises on purpose."""


@dataclass(frozen=True, slots=True)
class KnowledgeProblem:
    """One thing wrong in a knowledge folder: which file, which entry, what is wrong."""

    file: str
    entry: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.problem}"


class KnowledgeError(RehabgraphError):
    """A knowledge folder that cannot be loaded; lists every problem found, not just the first.

    ``file``, ``entry`` and ``problem`` describe the first problem; ``problems`` holds them all.
    """

    def __init__(self, problems: Sequence[KnowledgeProblem]) -> None:
        if not problems:
            raise ValueError("KnowledgeError needs at least one problem")
        self.problems: tuple[KnowledgeProblem, ...] = tuple(problems)
        first = self.problems[0]
        self.file = first.file
        self.entry = first.entry
        self.problem = first.problem
        more = len(self.problems) - 1
        suffix = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        super().__init__(f"{first}{suffix}")

    @classmethod
    def single(cls, file: str, entry: str, problem: str) -> KnowledgeError:
        return cls([KnowledgeProblem(file, entry, problem)])


class ReportError(RehabgraphError, ValueError):
    """Bad input: the report (or a part of it) cannot be answered as given."""


class UnknownLocationError(ReportError):
    """A reported location that matches no pain zone; carries the close matches it found."""

    def __init__(
        self,
        location: str,
        suggestions: Sequence[str],
        reason: str = "",
        hint: str = "did you mean",
    ) -> None:
        self.location = location
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        self.reason = reason or f"no pain zone matches {location!r}"
        end = "?" if hint == "did you mean" else ""
        shown = f"; {hint}: {', '.join(self.suggestions)}{end}" if self.suggestions else ""
        super().__init__(f"{self.reason}{shown}")


class UnknownExerciseError(ReportError, KeyError):
    """An exercise id that the knowledge base does not hold."""

    def __init__(self, exercise_id: str, suggestions: Sequence[str]) -> None:
        self.exercise_id = exercise_id
        self.suggestions: tuple[str, ...] = tuple(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown exercise {exercise_id!r}{hint}")

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class InvalidReportError(ReportError):
    """A pain report that does not validate (wrong types, intensity out of range, no sites).

    ``problems`` lists every field that is wrong, each as "field: what is wrong".
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        self.problems: tuple[str, ...] = tuple(problems) or (message,)
        super().__init__(message)


class MissingDependencyError(RehabgraphError, ImportError):
    """An optional part of rehabgraph was used without its extra installed."""

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f'{package} is needed for this; install it with: pip install "rehabgraph[{extra}]"'
        )

"""A layered (Sugiyama-style) layout in plain Python: boxes in columns, edges left to right.

A picture of reasons has to stay readable at its largest: an edge that skips a column would run
behind the boxes of that column, and boxes in the order they were met cross many edges. So each
long edge gets a "dummy" slot in every column it passes (it runs through a gap, never a box),
the columns are ordered by the barycentre heuristic (a few sweeps, keeping the best), and the
heights are fitted so that edges run as level as the order allows. Everything is deterministic:
ties keep the order they came in. Units are whatever the caller measures in (inches here).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Chain", "Layered", "crossings"]

_SWEEPS = 6  # barycentre sweeps (each one down and one up); the best order seen is kept
_ROUNDS = 12  # height-fitting rounds


@dataclass(frozen=True)
class Chain:
    """One drawn edge from ``source`` to ``target`` (a later column), through ``dummies``, one
    per column between them, in order."""

    source: str
    target: str
    dummies: tuple[str, ...]

    @property
    def stops(self) -> tuple[str, ...]:
        return (self.source, *self.dummies, self.target)


@dataclass
class Layered:
    """Boxes (id -> column, height) and edges; ``solve`` orders the columns and places heights.

    ``fixed`` columns keep their given order (the plan's steps read 1, 2, 3 down the page).
    """

    columns: list[list[str]]
    heights: dict[str, float]
    edges: Sequence[tuple[str, str]]
    fixed: frozenset[int] = frozenset()
    gap: float = 0.2  # between two boxes
    lane: float = 0.08  # between an edge passing a column and its neighbours
    chains: list[Chain] = field(default_factory=list)
    y: dict[str, float] = field(default_factory=dict)  # the centre of each box and dummy

    def solve(self) -> None:
        self._split()
        self._order()
        self._fit()

    def column_of(self) -> dict[str, int]:
        return {n: i for i, col in enumerate(self.columns) for n in col}

    def is_dummy(self, node: str) -> bool:
        return node not in self.heights

    def _split(self) -> None:
        """One chain per edge, with a dummy in each column it passes (at the column's end, for a
        start: the ordering moves it between the boxes it should run between)."""
        where = self.column_of()
        for a, b in self.edges:
            ca, cb = where[a], where[b]
            if cb <= ca:
                raise ValueError(f"edge {a} -> {b} does not go right")
            dummies = tuple(f"\0{a}\0{b}\0{c}" for c in range(ca + 1, cb))
            for c, d in zip(range(ca + 1, cb), dummies, strict=True):
                self.columns[c].append(d)
            self.chains.append(Chain(a, b, dummies))

    def links(self) -> list[tuple[str, str]]:
        """The chains cut into pieces between neighbouring columns."""
        return [pair for c in self.chains for pair in itertools.pairwise(c.stops)]

    def _order(self) -> None:
        links = self.links()
        left: dict[str, list[str]] = {}
        right: dict[str, list[str]] = {}
        for u, v in links:
            right.setdefault(u, []).append(v)
            left.setdefault(v, []).append(u)
        best = [list(col) for col in self.columns]
        fewest = crossings(self.columns, links)
        for _ in range(_SWEEPS):
            for i in range(1, len(self.columns)):
                self._sort(i, self.columns[i - 1], left)
            for i in range(len(self.columns) - 2, -1, -1):
                self._sort(i, self.columns[i + 1], right)
            self._transpose(left, right)
            count = crossings(self.columns, links)
            if count < fewest:
                fewest, best = count, [list(col) for col in self.columns]
        self.columns = best

    def _sort(self, i: int, beside: list[str], neighbours: dict[str, list[str]]) -> None:
        if i in self.fixed:
            return
        place = {n: k for k, n in enumerate(beside)}
        col = self.columns[i]

        def key(k_node: tuple[int, str]) -> tuple[float, int]:
            k, node = k_node
            seen = [place[m] for m in neighbours.get(node, ()) if m in place]
            # a box with no neighbour on this side keeps its place among the others
            return (sum(seen) / len(seen) if seen else k * len(beside) / max(len(col), 1), k)

        self.columns[i] = [n for _, n in sorted(enumerate(col), key=key)]

    def _transpose(self, left: dict[str, list[str]], right: dict[str, list[str]]) -> None:
        """Swap neighbours in a column while that alone removes crossings (the barycentre
        leaves some that one swap undoes)."""
        better = True
        rounds = 0
        while better and rounds < 2 * len(self.columns) + 4:  # each round makes fewer crossings
            better, rounds = False, rounds + 1
            place = {n: k for col in self.columns for k, n in enumerate(col)}
            for i, col in enumerate(self.columns):
                if i in self.fixed:
                    continue
                for k in range(len(col) - 1):
                    u, v = col[k], col[k + 1]
                    now = _pair(u, v, left, right, place)
                    if _pair(v, u, left, right, place) < now:
                        col[k], col[k + 1] = v, u
                        place[u], place[v] = k + 1, k
                        better = True

    def _size(self, node: str) -> float:
        return self.heights.get(node, 0.0)

    def _space(self, a: str, b: str) -> float:
        """The least distance between the centres of two neighbours in a column."""
        both = not self.is_dummy(a) and not self.is_dummy(b)
        return (self._size(a) + self._size(b)) / 2 + (self.gap if both else self.lane)

    def _fit(self) -> None:
        """Heights: each column stacked, then moved towards its neighbours' mean height, again
        and again, never closer than the gaps; finally the top at 0."""
        self._stack()
        near: dict[str, list[str]] = {}
        for u, v in self.links():
            near.setdefault(u, []).append(v)
            near.setdefault(v, []).append(u)
        for _ in range(_ROUNDS):
            for col in (*self.columns, *reversed(self.columns)):
                wanted = [
                    sum(self.y[m] for m in near[n]) / len(near[n]) if n in near else self.y[n]
                    for n in col
                ]
                spaces = [self._space(a, b) for a, b in itertools.pairwise(col)]
                self.y.update(zip(col, _fit_in_order(wanted, spaces), strict=True))
        top = min((self.y[n] - self._size(n) / 2 for col in self.columns for n in col), default=0)
        for n in self.y:
            self.y[n] -= top

    def _stack(self) -> None:
        """Each column stacked from the top, then centred on the tallest: a start."""
        for col in self.columns:
            y = 0.0
            for k, n in enumerate(col):
                y += self._space(col[k - 1], n) if k else self._size(n) / 2
                self.y[n] = y
        tallest = max((self.y[c[-1]] for c in self.columns if c), default=0.0)
        for col in self.columns:
            shift = (tallest - self.y[col[-1]]) / 2 if col else 0.0
            for n in col:
                self.y[n] += shift

    def height(self) -> float:
        return max((self.y[n] + self._size(n) / 2 for n in self.y), default=0.0)


def _pair(
    upper: str,
    lower: str,
    left: dict[str, list[str]],
    right: dict[str, list[str]],
    place: dict[str, int],
) -> int:
    """The crossings between the links of two neighbours of a column, ``upper`` above."""
    count = 0
    for side in (left, right):
        for a in side.get(upper, ()):
            count += sum(1 for b in side.get(lower, ()) if place[b] < place[a])
    return count


def _fit_in_order(wanted: list[float], spaces: list[float]) -> list[float]:
    """The heights nearest ``wanted`` (least squares) that keep the order and at least
    ``spaces[k]`` between item k and k+1: isotonic regression (pool adjacent violators) on the
    heights less the spaces before them."""
    offsets = [0.0]
    for s in spaces:
        offsets.append(offsets[-1] + s)
    blocks: list[list[float]] = []  # [sum, count]
    for w, o in zip(wanted, offsets, strict=True):
        blocks.append([w - o, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    out: list[float] = []
    for total, count in blocks:
        out.extend([total / count] * int(count))
    return [z + o for z, o in zip(out, offsets, strict=True)]


def crossings(columns: Sequence[Sequence[str]], links: Iterable[tuple[str, str]]) -> int:
    """How many pairs of links between neighbouring columns cross."""
    place = {n: k for col in columns for k, n in enumerate(col)}
    where = {n: i for i, col in enumerate(columns) for n in col}
    by_gap: dict[int, list[tuple[int, int]]] = {}
    for u, v in links:
        by_gap.setdefault(where[u], []).append((place[u], place[v]))
    count = 0
    for pairs in by_gap.values():
        for i, (a1, b1) in enumerate(pairs):
            for a2, b2 in pairs[i + 1 :]:
                if (a1 - a2) * (b1 - b2) < 0:
                    count += 1
    return count

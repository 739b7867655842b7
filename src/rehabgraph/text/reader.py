"""The one place free text is read: a location, a symptom, a condition, a FHIR code's text.

A :class:`Reader` is compiled once from the knowledge: every zone alias, red-flag phrasing and
pattern, condition phrasing, side word, ConText trigger and number word is folded the same way
the person's text will be. Reading a text then costs time in its length: fold each word (Unicode,
case, contractions, spelling, word endings; a typo corrected against the knowledge's own words),
find the quantities, find the phrases, set each mention's ConText modifiers, and return what was
read, what was corrected and what could not be read.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from rehabgraph.knowledge.base import Knowledge
from rehabgraph.knowledge.fold import Folder
from rehabgraph.knowledge.normalize import BREAKS, RawToken, raw_tokens
from rehabgraph.text.context import ContextRules, Fold, Modifier, Terminator
from rehabgraph.text.match import Hit, PhraseTable, Token, longest_first
from rehabgraph.text.quantities import Quantity, QuantityGrammar
from rehabgraph.text.reading import Correction, Kind, Mention, Reading

__all__ = ["Correction", "Mention", "Reader", "Reading"]

# (kind, id) for a phrase; (kind, id, pattern index, group index) for a pattern's group
Label = tuple[Kind, str] | tuple[Kind, str, int, int]

_ALL_CATEGORIES = ("negated", "historical", "family", "hypothetical", "uncertain")
TYPO_MIN_LENGTH = 5  # shorter words are never corrected: "hip" is not a typo of "lip"
TYPO_TWO_EDITS_LENGTH = 8  # from this length a typo may be two edits from the word
VOCABULARY_MIN_LENGTH = 4  # the knowledge's shorter words are not typo targets
_PHRASE_LABEL_LENGTH: Final = 2  # (kind, id): a phrase's label; a pattern group's is longer


@dataclass(frozen=True, slots=True)
class Reader:
    """Reads texts into mentions of the knowledge's concepts. Build once; read-only after."""

    folder: Folder
    zones: PhraseTable[Label]
    concepts: PhraseTable[Label]
    # exact phrases: ConText triggers, pseudo-triggers and terminators, side words, body parts
    exact: PhraseTable[tuple[str, Any]]
    context: ContextRules
    grammar: QuantityGrammar
    patterns: Mapping[tuple[Kind, str, int], int]  # pattern -> how many groups it has
    temperature_flags: tuple[tuple[float, str], ...]
    function_words: frozenset[str]  # stems that are read without naming anything
    filler: frozenset[str]
    stops: frozenset[str]
    known: frozenset[str]
    vocabulary: Mapping[str, tuple[tuple[str, str], ...]]  # first letter -> (word, stem)
    _analysed: dict[str, tuple[tuple[tuple[tuple[str, ...], str | None], ...], bool]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _fixed: dict[str, tuple[str, str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    _read: dict[tuple[str, date], Reading] = field(default_factory=dict, compare=False, repr=False)

    MEMO_SIZE = 4096
    WORD_MEMO_SIZE = 65536

    @classmethod
    def from_knowledge(cls, knowledge: Knowledge) -> Reader:
        lex = knowledge.lexicon
        folder = Folder.from_lexicon(lex)  # the knowledge's phrases, folded as texts will be
        fold = folder.phrase
        glue = frozenset(s for p in lex.glue for s in fold(p))
        filler = frozenset(s for p in lex.filler for s in fold(p))
        side_pairs = [(fold(p), side) for side, phrases in lex.sides.items() for p in phrases]
        side_words = frozenset(s for stems, _ in side_pairs for s in stems)
        place_skip = folder.place_skip(lex)
        context = ContextRules.build(knowledge.context, fold)
        concept_pairs, patterns = _concept_pairs(knowledge, fold)
        numbers = {k.lower(): v for k, v in lex.number_words.items()}
        function_words = (
            glue
            | filler
            | context.words
            | frozenset(s for w in numbers for s in fold(w))
            | frozenset(s for w in lex.plain_words for s in fold(w))
        )
        stops = (context.words - glue) | frozenset({"not", "no", "never"})
        words = _vocabulary(knowledge, folder)
        known = frozenset(words.values()) | function_words | side_words
        by_letter: dict[str, list[tuple[str, str]]] = {}
        for w, s in sorted(words.items()):
            by_letter.setdefault(w[0], []).append((w, s))
        return cls(
            folder=folder,
            zones=PhraseTable.build(_zone_pairs(knowledge, fold), skip=place_skip),
            concepts=PhraseTable.build(concept_pairs, skip=glue, max_gap=2),
            exact=PhraseTable.build(
                [
                    *context.phrases,
                    *((stems, ("side", side)) for stems, side in side_pairs),
                    *((fold(p), ("body", p)) for p in lex.body_regions),
                ]
            ),
            context=context,
            grammar=QuantityGrammar.build(numbers),
            patterns=patterns,
            temperature_flags=tuple(
                sorted(
                    (q.temperature_at_least, q.id)
                    for q in knowledge.questions.values()
                    if q.temperature_at_least is not None
                )
            ),
            function_words=function_words,
            filler=place_skip,
            stops=stops,
            known=known,
            vocabulary={k: tuple(v) for k, v in by_letter.items()},
        )

    # --- folding words ------------------------------------------------------------------

    def fold(self, token: str) -> tuple[str, ...]:
        """A token's stems, folded as the knowledge's phrases were."""
        return self.folder.fold(token)

    def fold_phrase(self, text: str) -> tuple[str, ...]:
        return self.folder.phrase(text)

    def _analyse(self, surface: str) -> tuple[tuple[tuple[tuple[str, ...], str | None], ...], bool]:
        """A token's words, each as its stems (its own, then a correction's) and the word it
        was corrected to; and whether the token is read without naming anything. Remembered."""
        done = self._analysed.get(surface)
        if done is not None:
            return done
        words: list[tuple[tuple[str, ...], str | None]] = []
        for stem in self.fold(surface):
            fixed = self._typo(surface, stem)
            if fixed is not None and fixed[1] != stem:
                words.append(((stem, fixed[1]), fixed[0]))
            else:
                words.append(((stem,), None))
        done = (tuple(words), all(s in self.function_words for s in self.fold(surface)))
        if len(self._analysed) < self.WORD_MEMO_SIZE:
            self._analysed[surface] = done
        return done

    def _typo(self, surface: str, stem: str) -> tuple[str, str] | None:
        """The knowledge's word a misspelt word stands for, if one is close enough: words of 5
        or more letters, same first letter, one edit (two from 8 letters)."""
        if stem in self.known or len(surface) < TYPO_MIN_LENGTH or not surface.isalpha():
            return None
        if surface in self._fixed:
            return self._fixed[surface]
        # rapidfuzz loads its C backends on import (about 20 ms): paid by the first word that
        # may be a typo, not by every process that starts
        from rapidfuzz.distance import OSA
        from rapidfuzz.process import extractOne

        candidates = self.vocabulary.get(surface[0], ())
        limit = 1 if len(surface) < TYPO_TWO_EDITS_LENGTH else 2
        best = extractOne(
            surface, [w for w, _ in candidates], scorer=OSA.distance, score_cutoff=limit
        )
        fixed = None if best is None else candidates[best[2]]
        if len(self._fixed) < self.WORD_MEMO_SIZE:
            self._fixed[surface] = fixed
        return fixed

    # --- reading ---------------------------------------------------------------------------

    def read(self, text: str, today: date | None = None) -> Reading:
        """Read one text; ``today`` dates "6 weeks ago" (default: the machine's date).

        >>> from rehabgraph import Recommender
        >>> reading = Recommender.default().reader.read("no fever, but I did wet myself")
        >>> [(m.id, sorted(m.modifiers)) for m in reading.of("flag")]
        [('fever-or-unwell', ['negated']), ('bladder-bowel', [])]
        """
        day = today or datetime.now().astimezone().date()  # the machine's local date
        known = self._read.get((text, day))
        if known is not None:
            return known
        reading = self._read_text(text, day)
        if len(self._read) < self.MEMO_SIZE:
            self._read[(text, day)] = reading
        return reading

    def _read_text(self, text: str, today: date) -> Reading:
        norm, raws = raw_tokens(text)
        tokens, fixes, plain = self._tokens(text, raws)
        quantities = self.grammar.find(norm, today)
        spans = _quantity_spans(quantities, tokens, raws)
        exact = self.exact.find(tokens)
        modifiers, terminators = self.context.modifiers(exact)
        found = _Found(
            text=text,
            tokens=tokens,
            fixes=fixes,
            context=self.context,
            modifiers=modifiers,
            terminators=terminators,
            quantities=quantities,
            spans=spans,
            clause=_clauses(tokens, terminators),
        )
        for hit in longest_first(self.zones.find(tokens)):
            for label in hit.labels:
                found.mention(label[0], label[1], hit.tokens)
        self._find_concepts(found)
        self._find_temperatures(found)
        sides, body = _sides_and_body(exact, found)
        covered = found.covered
        unread = tuple(
            text[raw.start : raw.end]
            for r, raw in enumerate(raws)
            if r not in covered and r not in plain and raw.text not in BREAKS
        )
        content = tuple(t.stems[0] for t in tokens if not t.brk and t.stems[0] not in self.filler)
        return Reading(
            text=text,
            mentions=_dedupe(found.mentions),
            sides=frozenset(sides),
            quantities=quantities,
            unread=unread,
            content=content,
            body_parts=tuple(body),
        )

    def _tokens(
        self, text: str, raws: Sequence[RawToken]
    ) -> tuple[list[Token], dict[int, Correction], set[int]]:
        """The text's tokens, folded; the corrections made, by token; and the raw tokens that
        are read without naming anything."""
        tokens: list[Token] = []
        fixes: dict[int, Correction] = {}
        plain: set[int] = set()
        for r, raw in enumerate(raws):
            if raw.text in BREAKS:
                tokens.append(Token((raw.text,), raw.start, raw.end, r, brk=True))
                continue
            words, is_plain = self._analyse(raw.text)
            if is_plain:
                plain.add(r)
            for stems, read_as in words:
                if read_as is not None:
                    fixes[len(tokens)] = Correction(text[raw.start : raw.end], read_as)
                tokens.append(Token(stems, raw.start, raw.end, r))
        return tokens, fixes, plain

    def _find_concepts(self, found: _Found) -> None:
        """Flags and conditions: a phrase is a mention where it stands; a pattern is one where
        all its groups are found in one clause."""
        groups: dict[tuple[Kind, str, int], dict[int, dict[int, Hit[Label]]]] = {}
        clause = found.clause
        for hit in self.concepts.find(found.tokens, self.stops):
            for label in hit.labels:
                if len(label) == _PHRASE_LABEL_LENGTH:
                    found.mention(label[0], label[1], hit.tokens)
                else:
                    kind, cid, p, g = label
                    by_clause = groups.setdefault((kind, cid, p), {})
                    by_clause.setdefault(clause[hit.first], {}).setdefault(g, hit)
        for (kind, cid, p), by_clause in groups.items():
            for in_clause in by_clause.values():
                if len(in_clause) == self.patterns[(kind, cid, p)]:
                    found.mention(kind, cid, [i for h in in_clause.values() for i in h.tokens])

    def _find_temperatures(self, found: _Found) -> None:
        """Quantities cover their words; a temperature at a flag's threshold raises the flag."""
        tokens = found.tokens
        for q, span in zip(found.quantities, found.spans, strict=True):
            if not span:
                continue
            found.covered.update(tokens[i].raw for i in span)
            if q.kind == "temperature":
                for threshold, flag in self.temperature_flags:
                    if q.value >= threshold:
                        found.mention("flag", flag, span)


@dataclass(slots=True)
class _Found:
    """What reading one text has found so far: its mentions, and the raw tokens they cover."""

    text: str
    tokens: list[Token]
    fixes: dict[int, Correction]
    context: ContextRules
    modifiers: list[Modifier]
    terminators: list[Terminator]
    quantities: tuple[Quantity, ...]
    spans: list[list[int]]
    clause: list[int]
    mentions: list[Mention] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)

    def mention(self, kind: Kind, cid: str, used: Iterable[int]) -> None:
        tokens = self.tokens
        idx = sorted(set(used))
        first, last = idx[0], idx[-1]
        self.covered.update(tokens[i].raw for i in idx)
        self.mentions.append(
            Mention(
                kind=kind,
                id=cid,
                said=self.text[tokens[first].start : tokens[last].end],
                start=tokens[first].start,
                end=tokens[last].end,
                modifiers=self.context.apply(
                    tokens, (first, last), self.modifiers, self.terminators, frozenset(idx)
                ),
                when=_when(self.quantities, self.spans, first, last, self.clause),
                corrections=tuple(self.fixes[i] for i in idx if i in self.fixes),
            )
        )


def _zone_pairs(knowledge: Knowledge, fold: Fold) -> list[tuple[tuple[str, ...], Label]]:
    """Every way a zone is named: its id as words, its name and its aliases."""
    return [
        (fold(text), ("zone", zone.id))
        for zone in knowledge.zones.values()
        for text in (zone.id.replace("-", " "), zone.name, *zone.aliases)
    ]


def _concept_pairs(
    knowledge: Knowledge, fold: Fold
) -> tuple[list[tuple[tuple[str, ...], Label]], dict[tuple[Kind, str, int], int]]:
    """Every phrase of a flag or condition, and every alternative of each group of its
    patterns; and how many groups each pattern has."""
    concept_pairs: list[tuple[tuple[str, ...], Label]] = []
    patterns: dict[tuple[Kind, str, int], int] = {}
    entries: list[tuple[Kind, str, Iterable[str], list[list[list[str]]]]] = [
        ("flag", q.id, q.phrases, [[list(g) for g in p] for p in q.patterns])
        for q in knowledge.questions.values()
    ]
    entries += [
        (
            "condition",
            c.id,
            (c.id.replace("-", " "), c.name, *c.phrases),
            [[list(g) for g in p] for p in c.patterns],
        )
        for c in knowledge.conditions.values()
    ]
    for kind, cid, phrases, pats in entries:
        concept_pairs.extend((fold(text), (kind, cid)) for text in phrases)
        for p, groups in enumerate(pats):
            patterns[(kind, cid, p)] = len(groups)
            concept_pairs.extend(
                (fold(text), (kind, cid, p, g))
                for g, alternatives in enumerate(groups)
                for text in alternatives
            )
    return concept_pairs, patterns


def _vocabulary(knowledge: Knowledge, folder: Folder) -> dict[str, str]:
    """The knowledge's own words a typo may be corrected to, each with its stem: as written
    ("legs") and as folded ("leg"), since a typo is nearer one of them."""
    words: dict[str, str] = {}
    for text in [
        *(t for q in knowledge.questions.values() for t in (*q.phrases, *_flat(q.patterns))),
        *(t for c in knowledge.conditions.values() for t in (*c.phrases, *_flat(c.patterns))),
        *(t for z in knowledge.zones.values() for t in (z.name, *z.aliases)),
    ]:
        for raw in raw_tokens(text)[1]:
            surface = raw.text.replace("'", "")
            folded = folder.fold(raw.text)
            if surface.isalpha() and len(surface) >= VOCABULARY_MIN_LENGTH and len(folded) == 1:
                words.setdefault(surface, folded[0])
            for w in folder.words(raw.text):
                if w.isalpha() and len(w) >= VOCABULARY_MIN_LENGTH:
                    words.setdefault(w, folder.stem(w))
    return words


def _quantity_spans(
    quantities: tuple[Quantity, ...], tokens: list[Token], raws: Sequence[RawToken]
) -> list[list[int]]:
    """The tokens each quantity covers."""
    starts = [raws[t.raw].norm_start for t in tokens]
    return [
        [
            i
            for i in range(bisect_left(starts, q.start), bisect_right(starts, q.end - 1))
            if raws[tokens[i].raw].norm_end <= q.end
        ]
        for q in quantities
    ]


def _sides_and_body(
    exact: list[Hit[tuple[str, Any]]], found: _Found
) -> tuple[set[str], dict[str, None]]:
    """The sides and body parts named (a body part is read even where no zone covers it); every
    exact phrase but a pseudo-trigger covers its words."""
    sides: set[str] = set()
    body: dict[str, None] = {}
    tokens = found.tokens
    for h in exact:
        for what, value in h.labels:
            if what == "side":
                sides.add(value)
            elif what == "body":
                body[value] = None
        if any(what != "pseudo" for what, _ in h.labels):
            found.covered.update(tokens[i].raw for i in h.tokens)
    return sides, body


def _flat(patterns: Iterable[Iterable[Iterable[str]]]) -> list[str]:
    return [text for pattern in patterns for group in pattern for text in group]


def _clauses(tokens: list[Token], terminators: list[Terminator]) -> list[int]:
    """The clause each token is in: sentences, split again at every terminator that ends all
    reaches ("but"), not at one that ends only some ("ago" ends a hypothetical's)."""
    cuts = {first for first, _, cats in terminators if len(cats) == len(_ALL_CATEGORIES)}
    out: list[int] = []
    n = 0
    for i, t in enumerate(tokens):
        if t.brk or i in cuts:
            n += 1
        out.append(n)
    return out


def _when(
    quantities: tuple[Quantity, ...],
    spans: list[list[int]],
    first: int,
    last: int,
    clause: list[int],
) -> tuple[float, float] | None:
    """The time given in the mention's clause, the nearest one when there are several."""
    best: tuple[int, Quantity] | None = None
    for q, at in zip(quantities, spans, strict=True):
        if q.kind != "when":
            continue
        if not at or clause[at[0]] != clause[first]:
            continue
        distance = min(abs(at[0] - last), abs(at[-1] - first))
        if best is None or distance < best[0]:
            best = (distance, q)
    if best is None:
        return None
    q = best[1]
    return (q.value, q.upto if q.upto is not None else q.value)


def _dedupe(mentions: list[Mention]) -> tuple[Mention, ...]:
    """One mention per concept and span; a shorter span inside a longer one of the same concept
    is dropped."""
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if any(
            o.kind == m.kind
            and o.id == m.id
            and o.start <= m.start
            and m.end <= o.end
            and o.modifiers == m.modifiers
            for o in out
        ):
            continue
        out.append(m)
    return tuple(out)

"""Folding words: one token to the stems a phrase and a text are compared by.

Contractions with or without the apostrophe ("can't", "cant" -> can not), possessives, irregular
word forms ("fell" -> fall), British and American spellings (anaesthesia -> anesthesia), then
the Snowball English stemmer (PyStemmer, in C: buckled, buckles, buckling -> buckl). The
knowledge's phrases are folded by the same object as the person's words, so both sides of a match
are always folded alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import Stemmer  # PyStemmer: the Snowball stemmers in C

from rehabgraph.knowledge.models import Lexicon
from rehabgraph.knowledge.normalize import BREAKS, raw_tokens

__all__ = ["Folder"]


@dataclass(frozen=True, slots=True)
class Folder:
    contractions: Mapping[str, tuple[str, ...]]
    spellings: Mapping[str, str]
    word_forms: Mapping[str, tuple[str, ...]]
    stemmer: Stemmer.Stemmer = field(compare=False, repr=False)
    # token -> its stems: the words people use are few, so each is folded once
    memo: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    MEMO_SIZE = 65536

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon) -> Folder:
        return cls(
            contractions={
                k.lower(): tuple(v.lower().split()) for k, v in lexicon.contractions.items()
            },
            spellings={k.lower(): v.lower() for k, v in lexicon.spellings.items()},
            word_forms={k.lower(): tuple(v.lower().split()) for k, v in lexicon.word_forms.items()},
            stemmer=Stemmer.Stemmer("english"),
        )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Picklable (for the load cache): the C stemmer is made again, the memo left out."""
        return _folder, (dict(self.contractions), dict(self.spellings), dict(self.word_forms))

    def words(self, token: str) -> tuple[str, ...]:
        """A token's words after contractions, possessives, word forms and spellings."""
        parts = self.contractions.get(token)
        if parts is None:
            word = token[:-2] if token.endswith("'s") else token.replace("'", "")
            parts = (word,)
        return tuple(
            self.spellings.get(w, w) for part in parts for w in self.word_forms.get(part, (part,))
        )

    def stem(self, word: str) -> str:
        return str(self.stemmer.stemWord(word)) if word.isalpha() else word

    def fold(self, token: str) -> tuple[str, ...]:
        """A token's stems: "buckling" -> ("buckl",), "can't" -> ("can", "not")."""
        done = self.memo.get(token)
        if done is None:
            done = tuple(self.stem(w) for w in self.words(token))
            if len(self.memo) < self.MEMO_SIZE:
                self.memo[token] = done
        return done

    def phrase(self, text: str) -> tuple[str, ...]:
        """A whole phrase's stems, sentence breaks left out."""
        return tuple(
            s for t in raw_tokens(text)[1] if t.text not in BREAKS for s in self.fold(t.text)
        )

    def place_skip(self, lexicon: Lexicon) -> frozenset[str]:
        """The words a place is named without: filler ("pain on the ... of my") and one-word
        sides ("left", "both"). "side" itself is kept: "side of the hip" is a place, "hip" a
        region. The reader matches zone aliases, and the loader checks them, with these."""
        filler = {s for phrase in lexicon.filler for s in self.phrase(phrase)}
        sides = (self.phrase(p) for phrases in lexicon.sides.values() for p in phrases)
        return frozenset(filler | {stems[0] for stems in sides if len(stems) == 1})


def _folder(
    contractions: dict[str, tuple[str, ...]],
    spellings: dict[str, str],
    word_forms: dict[str, tuple[str, ...]],
) -> Folder:
    return Folder(contractions, spellings, word_forms, Stemmer.Stemmer("english"))

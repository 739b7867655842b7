"""Models of the word files: lexicon.yaml (how people say things) and context.yaml (ConText)."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from rehabgraph.knowledge.fields import Cited, Id, Model, Phrase, Ref

__all__ = [
    "ContextCategory",
    "ContextLexicon",
    "ContextTerminator",
    "ContextTrigger",
    "Lexicon",
    "Side",
]

Side = Literal["left", "right", "both"]
ContextCategory = Literal["negated", "historical", "family", "hypothetical", "uncertain"]


class ContextTrigger(Model):
    """A ConText trigger term: the words, what they say of a mention, and which way they reach."""

    phrase: Phrase
    category: ContextCategory
    direction: Literal["forward", "backward", "both"]


class ContextTerminator(Model):
    """Words that end a trigger's reach ("but"), for every category or for the ones listed."""

    phrase: Phrase
    categories: list[ContextCategory] = Field(default_factory=list)


class ContextLexicon(Cited):
    """The ConText lexicon (Harkema et al. 2009): how a mention is negated, in the past, about
    someone else, hypothetical or uncertain."""

    triggers: list[ContextTrigger] = Field(min_length=1)
    pseudo: list[Phrase] = Field(
        default_factory=list, description="Phrases holding a trigger that do not trigger."
    )
    terminators: list[ContextTerminator] = Field(default_factory=list)
    max_scope: int = Field(default=8, ge=1, le=50, description="Words a trigger reaches at most.")


class Lexicon(Model):
    sides: dict[Side, list[Phrase]] = Field(default_factory=dict)
    filler: list[Phrase] = Field(default_factory=list)
    glue: list[Phrase] = Field(
        default_factory=list,
        description="Words dropped from symptoms and conditions before matching (a, the, my).",
    )
    side_codes: dict[Side, Annotated[str, StringConstraints(pattern=r"^\d{6,18}$")]] = Field(
        default_factory=dict, description="SNOMED CT laterality qualifier value per side."
    )
    side_codes_sources: Annotated[list[Id], Ref("source", entry="side_codes")] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _codes_cited(self) -> "Lexicon":
        if self.side_codes and not self.side_codes_sources:
            raise ValueError("side_codes need side_codes_sources")
        return self

    word_forms: dict[str, Phrase] = Field(default_factory=dict)
    spellings: dict[str, Phrase] = Field(
        default_factory=dict,
        description="Spelling variants folded to one form (anaesthesia: anesthesia).",
    )
    contractions: dict[str, Phrase] = Field(
        default_factory=dict,
        description="Contractions, with and without the apostrophe (cant: can not).",
    )
    number_words: dict[str, int] = Field(
        default_factory=dict, description="Numbers in words (a: 1, couple: 2, ten: 10)."
    )
    plain_words: list[Phrase] = Field(
        default_factory=list,
        description="Everyday words that say nothing on their own (did, still, quite): read, "
        "so a sentence of them is not held back as unread; unlike glue, never skipped inside "
        "a phrase.",
    )
    body_regions: list[Phrase] = Field(
        default_factory=list,
        description="Words for body parts, so a part the zones do not cover is named as such.",
    )
    record_words: list[Phrase] = Field(
        default_factory=list,
        description="Words a health record adds to a body part's name ('Knee region "
        "structure', 'Pain in joints of right hand'): a recorded site named by a broad word "
        "and only these (and filler) means every zone of that region.",
    )
    record_words_sources: Annotated[list[Id], Ref("source", entry="record_words")] = Field(
        default_factory=list
    )

    @model_validator(mode="after")
    def _record_words_cited(self) -> "Lexicon":
        if self.record_words and not self.record_words_sources:
            raise ValueError("record_words need record_words_sources")
        return self

"""Models of problems.yaml: the codes a hospital's problem list uses for musculoskeletal pain
(SNOMED CT and ICD-10-CM), each mapped to the pain zones it means and its side, so a Condition
coded "Pain in right knee" with no bodySite is read as the right knee."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from rehabgraph.knowledge.fields import Cited, Id, Model, Phrase, Ref, well_formed
from rehabgraph.knowledge.lexicon_models import Side

__all__ = ["ProblemCode", "ProblemsFile"]


class ProblemCode(Cited):
    """One problem-list code: the zones it means (a region-level code means every zone of the
    region) and the side it names, if any."""

    system: Literal["SNOMED-CT", "ICD-10-CM"]
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
    display: Phrase = Field(description="The code system's own display, as read.")
    zones: Annotated[list[Id], Ref("zone")] = Field(min_length=1)
    side: Side | None = None

    @model_validator(mode="after")
    def _well_formed(self) -> "ProblemCode":
        well_formed(self.system, self.code)
        return self


class ProblemsFile(Model):
    problems: list[ProblemCode] = Field(default_factory=list)

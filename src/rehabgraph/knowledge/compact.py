"""Making loaded knowledge smaller in memory, without changing a value.

A validated pydantic model keeps the names of the fields it was given in a set of its own
(``model_fields_set``): a few hundred bytes on every entry and fact, often more than the entry's
own values. Entries of one kind given the same fields can share one such set: the models are
frozen, and pydantic copies the set before changing it (``model_copy``). The shared sets
travel shared through the load cache (pickle keeps one copy of an object met twice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

__all__ = ["share_field_sets"]


def share_field_sets(roots: Iterable[Any]) -> int:
    """Give every frozen model reachable from ``roots`` (through models, lists, tuples and
    mappings) the one shared set of its field names; returns how many sets were let go.

    >>> from rehabgraph.knowledge.models import Referral
    >>> a = Referral(muscle="soleus", zone="heel", sources=["s"], evidence="textbook")
    >>> b = Referral(muscle="piriformis", zone="buttock", sources=["s"], evidence="textbook")
    >>> share_field_sets([a, b]), a.model_fields_set is b.model_fields_set
    (1, True)
    """
    pool: dict[frozenset[str], set[str]] = {}
    frozen: dict[type, bool] = {}
    let_go = 0
    stack = list(roots)
    pop, push = stack.pop, stack.extend
    while stack:
        obj = pop()
        kind = type(obj)
        if kind in _LEAVES:
            continue
        if kind is list or kind is tuple:
            push(obj)
        elif kind is dict or kind is MappingProxyType:
            push(obj.values())
        elif isinstance(obj, BaseModel):  # met twice: looked into twice, shared once
            is_frozen = frozen.get(kind)
            if is_frozen is None:
                is_frozen = frozen[kind] = bool(kind.model_config.get("frozen"))
            if is_frozen:
                own = obj.__pydantic_fields_set__
                shared = pool.setdefault(frozenset(own), own)
                if shared is not own:
                    object.__setattr__(obj, "__pydantic_fields_set__", shared)
                    let_go += 1
            push(obj.__dict__.values())
        elif isinstance(obj, Mapping):
            push(obj.values())
    return let_go


# values that hold no model: not looked into
_LEAVES = frozenset({str, int, float, bool, type(None)})

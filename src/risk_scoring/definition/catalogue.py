"""The catalogue of protective measures that instruments' measure rules recommend."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Literal

from pydantic import Field

from .model import Model, Text, Verifiable


class Measure(Verifiable):
    """A protective measure: what it is, its legal basis and who decides on it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: Text
    jurisdiction: Literal["NO", "UK"]
    legal_basis: Text | None = None
    decided_by: Text
    description: Text


class Catalogue(Model):
    """All measures, in the order reports list them."""

    version: str = Field(min_length=1)
    measures: tuple[Measure, ...] = Field(min_length=1)

    @cached_property
    def by_id(self) -> Mapping[str, Measure]:
        return {m.id: m for m in self.measures}

    @cached_property
    def order(self) -> Mapping[str, int]:
        return {m.id: i for i, m in enumerate(self.measures)}

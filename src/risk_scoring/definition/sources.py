"""The bibliography's models: a reference, and the list of them (see `bibliography`).

They live apart from `bibliography` (which finds and checks the files) so that the
definition models that may carry references of their own (an overlay's `references:`)
can use them without importing the loader.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Literal

from pydantic import Field

from .model import Model

__all__ = ["GRADES", "KEY", "KEY_PATTERN", "Bibliography", "Grade", "Reference"]

Grade = Literal["primary", "secondary", "weak"]
GRADES: tuple[Grade, ...] = ("primary", "secondary", "weak")

KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""A reference key: lowercase letters and digits in words joined by ``-``."""
KEY = re.compile(rf"\[({KEY_PATTERN})\]")
"""A citation inside a `source:` text: a key in square brackets, ``[hilton-2021]``."""


class Reference(Model):
    """One public reference: who, when, what, where, and how strong a source it is."""

    id: str = Field(pattern=rf"^{KEY_PATTERN}$")
    author: str = Field(min_length=1)
    year: int | None = None
    title: str = Field(min_length=1)
    where: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    grade: Grade
    note: str | None = None


class Bibliography(Model):
    """Every reference, each once, in the order the file gives them."""

    version: str = Field(min_length=1)
    references: tuple[Reference, ...] = Field(min_length=1)

    @cached_property
    def by_id(self) -> Mapping[str, Reference]:
        return {r.id: r for r in self.references}

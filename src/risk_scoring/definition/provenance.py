"""What produced a result: the instrument's id, version and digest, the library version,
and the district overlay, if any."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import (
    GetCoreSchemaHandler,
)
from pydantic_core import core_schema

from .bounds import (
    Digest,
    InstrumentId,
)

if TYPE_CHECKING:
    from .instrument import Instrument


@dataclass(frozen=True, slots=True)
class OverlayProvenance:
    """The district overlay a result was computed with: its id, version and digest."""

    id: str
    version: str
    digest: str


def _without_no_overlay(value: Any, serialize: Any) -> Any:
    data = serialize(value)
    if isinstance(data, dict) and data.get("overlay", True) is None:
        del data["overlay"]  # results without an overlay keep the JSON they always had
    return data


@dataclass(frozen=True, slots=True)
class Provenance:
    """What produced the result: the exact instrument content and library version.

    `digest` is the content digest of the instrument (for a result computed with a
    district overlay, of the built-in base it extends); `overlay` names the overlay with
    its own digest, or is None (and absent from the JSON) without one.
    """

    instrument: InstrumentId
    version: str
    digest: Digest
    library: str
    overlay: OverlayProvenance | None = None

    @classmethod
    def of(cls, inst: Instrument, library: str) -> Provenance:
        """The provenance of results computed with `inst` by library version `library`."""
        applied = inst.overlay
        if applied is None:
            return cls(inst.id, inst.version, inst.digest, library)
        overlay = OverlayProvenance(applied.id, applied.version, applied.digest)
        return cls(inst.id, inst.version, applied.base.digest, library, overlay)

    def matches(self, inst: Instrument) -> bool:
        """Whether `inst` is the definition this provenance names: the same instrument id
        and content, and the same overlay (or none)."""
        applied = inst.overlay
        if inst.id != self.instrument:
            return False
        if applied is None:
            return self.overlay is None and inst.digest == self.digest
        return (
            self.overlay is not None
            and applied.base.digest == self.digest
            and (applied.id, applied.digest) == (self.overlay.id, self.overlay.digest)
        )

    def describe(self) -> str:
        """``sara-v3 2015.2 (digest 3f9c…)``, and the overlay's the same way, for messages."""
        text = f"{self.instrument} {self.version} (digest {self.digest[:12]})"
        if self.overlay is not None:
            text += (
                f" with the overlay {self.overlay.id} {self.overlay.version} "
                f"(digest {self.overlay.digest[:12]})"
            )
        return text

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> Any:
        inner = handler(source)
        schema = dict(inner)
        schema["serialization"] = core_schema.wrap_serializer_function_ser_schema(
            _without_no_overlay, schema=inner
        )
        return schema

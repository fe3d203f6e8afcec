"""Find the definition a stored Result was computed with, checked by its digest.

Reports, comparisons, frames and notebook cards all read scales, levels and rules from
the definition behind a result. A result names its instrument's id, version and content
digest (its provenance); `instrument_of` is the one place that turns that into a loaded
definition, and refuses a definition whose content differs from the one the result came
from, so a stored result is never read through the wrong scales.
"""

from __future__ import annotations

import os
import re

from ..errors import InstrumentError, Problem, RiskScoringError, _ProblemsError
from .fit import misfits
from .instrument import Instrument
from .loading import load_instrument
from .result import Provenance, Result

_BUILTIN_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def instrument_of(
    result: Result,
    instrument: Instrument | str | os.PathLike[str] | None = None,
    *,
    error: type[RiskScoringError] = InstrumentError,
) -> Instrument:
    """The definition `result` was computed with.

    `instrument` is the definition the caller says it was computed with (a loaded
    Instrument, a built-in id or a path, such as a district overlay's file); without it,
    the built-in instrument with the result's id. Raises `error` (one of our exception
    types, taking a message) when the definition cannot be found or differs from the
    result's provenance: another id or digest, or another overlay or none (a result
    computed with an overlay is read only through that overlay, never its base alone).
    """
    provenance = result.provenance
    if instrument is None:  # loading is cached: a second look-up is a dictionary access
        if provenance.overlay is not None:
            raise _error(
                error,
                f"the result was computed with {provenance.describe()}: a result of an "
                "overlay is read only through that overlay, never its base alone; pass the "
                "overlay's file as the instrument (instrument= in Python, --instrument on "
                "the command line)",
            )
        inst = _load(result.instrument, error, builtin=True)
        if not provenance.matches(inst):
            raise _error(
                error,
                f"the result was computed with {provenance.describe()}, which is not the "
                f"built-in definition (digest {inst.digest[:12]}); pass instrument= the "
                "definition it was computed with",
            )
        return _fitting(result, inst, error)
    inst = instrument if isinstance(instrument, Instrument) else _load(instrument, error)
    if not provenance.matches(inst):
        raise _error(
            error,
            f"instrument= is {_described(inst)}, but the result was computed with "
            f"{provenance.describe()}",
        )
    return _fitting(result, inst, error)


def _fitting(result: Result, inst: Instrument, error: type[RiskScoringError]) -> Instrument:
    """`inst`, if every value of `result` is one it allows (`fit.misfits`); else `error`
    listing them (a stored result may have been edited after its digest was taken)."""
    found = misfits(result, inst)
    if not found:
        return inst
    raise fit_error(error, inst, found)


def fit_error(
    error: type[RiskScoringError], inst: Instrument, found: list[Problem]
) -> RiskScoringError:
    """`error` saying the result does not fit `inst`, with every problem `misfits` found."""
    head = f"the result does not fit {inst.id} {inst.version}"
    if issubclass(error, _ProblemsError):
        problems = [Problem(p.path, f"{head}: {p.message}", code=p.code) for p in found]
        return error(problems)  # type: ignore[call-arg]
    return error(f"{head}: " + "; ".join(str(p) for p in found[:10]))


def _described(inst: Instrument) -> str:
    """`inst` as `Provenance.describe` shows a result's definition."""
    return Provenance.of(inst, "").describe()


def _load(
    ref: str | os.PathLike[str], error: type[RiskScoringError], *, builtin: bool = False
) -> Instrument:
    # A stored result names its instrument; only a built-in id is looked up from it, so a
    # tampered `instrument: ../../x.yaml` never makes the library read a file.
    if builtin and not (isinstance(ref, str) and _BUILTIN_ID.fullmatch(ref)):
        raise _error(error, "the result's instrument is not a built-in instrument id")
    try:
        return load_instrument(ref)
    except InstrumentError as exc:
        if error is InstrumentError or isinstance(exc, error):
            raise
        what = "is not a built-in instrument" if builtin else "cannot be loaded"
        hint = ": pass instrument= the definition the result was computed with" if builtin else ""
        raise _error(error, f"{_shown(ref)} {what}{hint}") from None


def _shown(ref: str | os.PathLike[str]) -> str:
    text = os.fspath(ref)
    return repr(text) if len(text) <= 80 else f"{text[:77]!r}…"


def _error(error: type[RiskScoringError], message: str) -> RiskScoringError:
    if issubclass(error, _ProblemsError):  # errors that carry Problems take a list of them
        return error([Problem("instrument", message)])  # type: ignore[call-arg]
    return error(message)

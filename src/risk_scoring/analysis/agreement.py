"""Agreement between two raters who assessed the same cases (the tospann pair).

`agreement(results_a, results_b)` pairs the two raters' results by `case_ref` and
reports, for the level, each level-type summary judgement and each item's primary
rating: the number of pairs rated by both, the percent (exact) agreement, and Cohen's
weighted kappa. `agreement(results)` does the same within each result, between the two
raters whose own ratings the case record keeps (`result.raters`, the tospann model):
there, a rater's ratings may be partial, and only what both rated is paired.

Kappa weights. The categories are ordered (levels lowest first; a scale's values in
their order, with unknown/omitted values left out of that item's pairs), so a
disagreement of two steps should count more than one of one step. The default is
**linear** weights, ``w = |i - j| / (k - 1)`` (Cohen 1968), which keep the meaning of
"one step apart" the same everywhere on the scale; ``weights="quadratic"`` uses
``((i - j) / (k - 1))**2``, which makes kappa close to an intraclass correlation and is
what many reliability studies report. With two categories both equal Cohen's plain
kappa. Kappa is None where it is undefined: no pairs, or both raters always gave one
and the same category (no chance disagreement to compare against).

>>> import risk_scoring as rs
>>> def case(ref, first):
...     no = {str(n): "no" for n in range(1, 25)}
...     return rs.assess("dash", {"items": {**no, "1": first}, "case_ref": ref})
>>> a = [case("c1", "yes"), case("c2", "no"), case("c3", "yes")]
>>> b = [case("c1", "yes"), case("c2", "yes"), case("c3", "yes")]
>>> found = rs.agreement(a, b)
>>> found.pairs, found.items["1"].n, round(found.items["1"].percent_agreement, 3)
(3, 3, 0.667)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ..definition.instrument import Instrument
from ..definition.record import RaterRatings
from ..definition.result import Result
from .compare import ComparisonError, check_versions, resolve_instrument

__all__ = ["Agreement", "Kappa", "agreement", "weighted_kappa"]

Weights = Literal["linear", "quadratic"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Kappa(_Frozen):
    """Agreement on one rating: pairs rated by both, exact agreement, weighted kappa."""

    n: int
    percent_agreement: float | None
    kappa: float | None
    categories: list[str]
    matrix: list[list[int]]


class Agreement(_Frozen):
    """Agreement between rater A and rater B over the cases both assessed."""

    instrument: str
    weights: Weights
    pairs: int
    only_a: int
    only_b: int
    skipped: int = 0  # one batch of records: results without two raters' own ratings
    level: Kappa
    judgements: dict[str, Kappa]
    items: dict[str, Kappa]

    def _repr_html_(self) -> str:
        from ..report.cards import agreement_html

        return agreement_html(self)


def weighted_kappa(
    pairs: Iterable[tuple[int, int]], categories: int, weights: Weights = "linear"
) -> float | None:
    """Cohen's weighted kappa for pairs of category indices ``0 .. categories - 1``.

    ``kappa = 1 - sum(w * observed) / sum(w * expected)`` with disagreement weights
    `w` as in the module docstring; None when undefined.
    """
    if weights not in ("linear", "quadratic"):
        raise ComparisonError(f"weights must be 'linear' or 'quadratic', not {weights!r}")
    k = categories
    counts = [[0] * k for _ in range(k)]
    n = 0
    for i, j in pairs:
        counts[i][j] += 1
        n += 1
    if n == 0 or k < 2:
        return None
    rows = [sum(r) for r in counts]
    cols = [sum(counts[i][j] for i in range(k)) for j in range(k)]
    observed = expected = 0.0
    for i in range(k):
        for j in range(k):
            step = abs(i - j) / (k - 1)
            w = step if weights == "linear" else step * step
            observed += w * counts[i][j] / n
            expected += w * rows[i] * cols[j] / (n * n)
    if expected == 0:
        return None
    return 1.0 - observed / expected


def _kappa(pairs: Sequence[tuple[int, int]], categories: list[str], weights: Weights) -> Kappa:
    k = len(categories)
    matrix = [[0] * k for _ in range(k)]
    for i, j in pairs:
        matrix[i][j] += 1
    n = len(pairs)
    agree = sum(matrix[i][i] for i in range(k))
    return Kappa(
        n=n,
        percent_agreement=agree / n if n else None,
        kappa=weighted_kappa(pairs, k, weights),
        categories=categories,
        matrix=matrix,
    )


def _kind(value: object) -> str:
    return type(value).__name__


def _by_case(results: Iterable[Result], side: str) -> dict[str, Result]:
    out: dict[str, Result] = {}
    unnamed = 0
    if isinstance(results, (str, bytes, Result)) or not isinstance(results, Iterable):
        raise ComparisonError(f"results_{side} must be a list of Results, not a {_kind(results)}")
    for result in results:
        if not isinstance(result, Result):
            raise ComparisonError(f"results_{side} must hold Results, not {type(result).__name__}")
        if not result.case_ref:
            unnamed += 1
        elif result.case_ref in out:
            raise ComparisonError(
                f"results_{side} has two results with one case reference: pairs are "
                "matched by case_ref, so each case may appear once per rater"
            )
        else:
            out[result.case_ref] = result
    if unnamed:
        raise ComparisonError(
            f"{unnamed} of results_{side} have no case_ref: pairs are matched by case_ref"
        )
    return out


@dataclass(frozen=True, slots=True)
class _Side:
    """What one rater said about one case: a level, level judgements, item ratings."""

    level: str | None
    judgements: Mapping[str, str]
    ratings: Mapping[str, Mapping[str, str]]


def agreement(
    results_a: Iterable[Result],
    results_b: Iterable[Result] | None = None,
    *,
    weights: Weights = "linear",
    instrument: Instrument | str | None = None,
) -> Agreement:
    """Agreement between the two raters of a pair.

    Given two batches, `results_a` from rater A and `results_b` from rater B, the
    results are paired by `case_ref`. Given one batch (`results_b` left out), each
    result is one case that carries both raters' own ratings in `raters` (the tospann
    record, docs/record.md): rater A is the one whose role comes first in `assessors`,
    and a result without two raters counts in `skipped`. A rater's level is the one the
    instrument's `scoring.level_from` gives from that rater's judgements (spj), when the
    rater judged all of them.

    Raises `ComparisonError` when results come from different instruments, lack a
    case reference, repeat one within a rater, or no case was assessed by both. Warns
    (`InstrumentVersionWarning`) when versions differ.
    """
    if weights not in ("linear", "quadratic"):
        raise ComparisonError(f"weights must be 'linear' or 'quadratic', not {weights!r}")
    if results_b is None:
        return _within(results_a, weights, instrument)
    a = _by_case(results_a, "a")
    b = _by_case(results_b, "b")
    both = [ref for ref in a if ref in b]
    if not both:
        raise ComparisonError("no case_ref appears in both results_a and results_b")
    check_versions([*a.values(), *b.values()])
    inst = resolve_instrument(a[both[0]], instrument)
    pairs = [(a[ref], b[ref]) for ref in both]
    return _agreement(inst, weights, pairs, only_a=len(a) - len(both), only_b=len(b) - len(both))


def _within(
    results: Iterable[Result], weights: Weights, instrument: Instrument | str | None
) -> Agreement:
    """Agreement between the two raters recorded inside each result."""
    found = []
    for result in results:
        if not isinstance(result, Result):
            raise ComparisonError(f"results_a must hold Results, not {type(result).__name__}")
        found.append(result)
    if not found:
        raise ComparisonError("no results to compare")
    check_versions(found)
    inst = resolve_instrument(found[0], instrument)
    pairs = []
    skipped = 0
    for result in found:
        roles = [a.role for a in result.assessors if a.role in result.raters]
        if len(roles) < 2:
            skipped += 1
            continue
        first, second = (result.raters[role] for role in roles[:2])
        pairs.append((_side(inst, first), _side(inst, second)))
    if not pairs:
        raise ComparisonError(
            "no result carries two raters' own ratings (raters keyed by the assessors' roles)"
        )
    return _agreement(inst, weights, pairs, skipped=skipped)


def _side(inst: Instrument, rater: RaterRatings) -> _Side:
    levels = inst.levels
    names = inst.scoring.level_from
    level = None
    if names and all(rater.judgements.get(name) in levels for name in names):
        level = levels[max(levels.index(rater.judgements[name]) for name in names)]
    return _Side(level, rater.judgements, rater.items)


def _agreement(
    inst: Instrument,
    weights: Weights,
    pairs: Sequence[tuple[Result | _Side, Result | _Side]],
    *,
    only_a: int = 0,
    only_b: int = 0,
    skipped: int = 0,
) -> Agreement:
    levels = inst.levels

    def ranks(values: list[str], x: str | None, y: str | None) -> tuple[int, int] | None:
        if x in values and y in values:
            return values.index(x), values.index(y)
        return None

    def kappa_of(values: list[str], found: Iterable[tuple[str | None, str | None]]) -> Kappa:
        ranked = [r for x, y in found if (r := ranks(values, x, y)) is not None]
        return _kappa(ranked, values, weights)

    judgements = {
        j.id: kappa_of(levels, ((x.judgements.get(j.id), y.judgements.get(j.id)) for x, y in pairs))
        for j in inst.judgements
        if j.type == "level"
    }
    primary = inst.primary
    items = {}
    for item in inst.items:
        order = [v.id for v in inst.scale_for(item, primary).values if not v.unknown]
        found = (
            (x.ratings.get(item.id, {}).get(primary.id), y.ratings.get(item.id, {}).get(primary.id))
            for x, y in pairs
        )
        items[item.id] = kappa_of(order, found)
    return Agreement(
        instrument=inst.id,
        weights=weights,
        pairs=len(pairs),
        only_a=only_a,
        only_b=only_b,
        skipped=skipped,
        level=kappa_of(levels, ((x.level, y.level) for x, y in pairs)),
        judgements=judgements,
        items=items,
    )

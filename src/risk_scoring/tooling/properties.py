"""`check`'s property stage: Hypothesis properties every valid definition must hold."""

from __future__ import annotations

import copy
import json
from typing import Any

from ..definition import reader as _yaml
from ..definition.instrument import Instrument
from ..errors import AnswerError
from .findings import (
    Finding,
    _document,
    _root,
)

DEFAULT_EXAMPLES = 40
"""Hypothesis examples per property unless `check --examples` says otherwise."""


class _PropertyFailed(AssertionError):
    """A property failed; the message names it and shows the (shrunk) answers."""

    def __init__(self, message: str, item: str | None = None) -> None:
        super().__init__(message)
        self.item = item


def _shown(raw: Any) -> str:
    return json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def check_properties(
    inst: Instrument,
    *,
    max_examples: int = DEFAULT_EXAMPLES,
    seed: int = 0,
    document: _yaml.Document | None = None,
) -> list[Finding]:
    """Run the Hypothesis properties on `inst` with a fixed seed; one finding per failure.

    Totality (every valid answer set from `risk_scoring.testing.answers` is assessed
    without error, to a level of the instrument, or to no level only when incomplete);
    determinism (the same answers give byte-identical JSON); for actuarial and
    checklist instruments, monotonicity (raising one item's answer never lowers the
    level; items with a negative weight are left out); and equivalence (`score_frame`
    of a frame of answers equals assessing its rows one by one). Needs Hypothesis;
    without it one note says the properties were skipped. Equivalence needs pandas;
    without it one note says so.
    """
    source = inst.origin or inst.id
    if document is None and inst.origin:
        document = _document(inst.origin)
    root = _root(document) if document is not None else (None, None)
    try:
        from hypothesis import (
            HealthCheck,
            Verbosity,
            given,
            seed as fixed_seed,
            settings,
            strategies as st,
        )
    except ImportError:  # pragma: no cover - hypothesis is in the testing and dev extras
        return [
            Finding(
                "",
                "properties were not checked: install the testing extra (Hypothesis)",
                source,
                *root,
                severity="note",
                stage="property",
            )
        ]
    from ..testing import answers, higher_answer

    quiet_checks = [
        getattr(HealthCheck, name)
        for name in ("too_slow", "filter_too_much", "data_too_large", "large_base_example")
        if hasattr(HealthCheck, name)
    ]

    def decorate(test: Any, examples: int = max_examples) -> Any:
        configured = settings(
            max_examples=examples,
            database=None,
            deadline=None,
            derandomize=False,
            print_blob=False,
            verbosity=Verbosity.quiet,
            suppress_health_check=quiet_checks,
        )(given(st.data())(test))
        return fixed_seed(seed)(configured)

    def assess(raw: Any) -> Any:
        try:
            return inst.assess(raw)
        except AnswerError as exc:
            raise _PropertyFailed(
                f"valid answers were refused ({exc.problems[0]}): {_shown(raw)}"
            ) from None
        except Exception as exc:
            raise _PropertyFailed(
                f"assessing raised {type(exc).__name__}: {exc}: {_shown(raw)}"
            ) from None

    @decorate
    def totality(data: Any) -> None:
        raw = data.draw(answers(inst, complete=data.draw(st.booleans())))
        result = assess(raw)
        if result.level is None and result.complete:
            raise _PropertyFailed(f"a complete result has no level: {_shown(raw)}")
        if result.level is not None and result.level not in inst.levels:
            raise _PropertyFailed(f"unknown level {result.level!r}: {_shown(raw)}")

    @decorate
    def determinism(data: Any) -> None:
        raw = data.draw(answers(inst, record=True))  # with the SPJ case record
        first = assess(raw).model_dump_json()
        if assess(copy.deepcopy(raw)).model_dump_json() != first:
            raise _PropertyFailed(f"two assessments of the same answers differ: {_shown(raw)}")

    @decorate
    def monotone(data: Any) -> None:
        raw = data.draw(answers(inst, unknowns=False))
        raised = data.draw(higher_answer(inst, raw))
        if raised is None:
            return
        item_id, higher = raised
        before = assess(raw)
        after = assess({**raw, "items": {**raw["items"], item_id: higher}})
        if before.level is None or after.level is None:
            return
        if inst.levels.index(after.level) < inst.levels.index(before.level):
            raise _PropertyFailed(
                f"raising item {item_id!r} to {higher!r} lowers the level from "
                f"{before.level!r} to {after.level!r}: {_shown(raw)}",
                item_id,
            )

    def equivalence(data: Any) -> None:
        # Each example scores a small frame: a quarter of the examples (of up to 8 rows).
        from ..analysis.equivalence import difference

        complete = data.draw(st.booleans())
        rows = data.draw(st.lists(answers(inst, complete=complete), min_size=1, max_size=8))
        try:
            found = difference(inst, rows)
        except Exception as exc:
            raise _PropertyFailed(
                f"comparing score_frame with assess raised {type(exc).__name__}: {exc}: "
                f"{_shown(rows)}"
            ) from None
        if found is not None:
            first = found.splitlines()[0]
            raise _PropertyFailed(f"score_frame differs from assess ({first}): {_shown(rows)}")

    runs = [("totality", totality), ("determinism", determinism)]
    if inst.kind != "spj":
        runs.append(("monotonicity", monotone))
    findings = []
    try:
        import pandas  # noqa: F401
    except ImportError:  # pragma: no cover - pandas is in the frames and dev extras
        message = "equivalence of score_frame and assess was not checked: install pandas"
        findings.append(Finding("", message, source, *root, severity="note", stage="property"))
    else:
        runs.append(("equivalence", decorate(equivalence, max(1, max_examples // 4))))
    for name, run in runs:
        try:
            run()
        except Exception as exc:
            for failure in _leaves(exc):
                line, column = root
                path = ""
                item = getattr(failure, "item", None)
                if document is not None and isinstance(item, str) and item in inst.item_by_id:
                    index = inst.items.index(inst.item_by_id[item])
                    line, column, path = document.locate(("items", index))
                findings.append(
                    Finding(
                        path,
                        f"property {name} fails: {failure}",
                        source,
                        line,
                        column,
                        severity="error",
                        stage="property",
                    )
                )
    return findings


def _leaves(exc: BaseException) -> list[BaseException]:
    group = getattr(exc, "exceptions", None)
    if isinstance(group, tuple):
        return [leaf for inner in group for leaf in _leaves(inner)]
    return [exc]

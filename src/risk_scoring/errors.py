"""The exceptions risk_scoring raises, and the `Problem` records they carry.

Every error the public API raises derives from one base::

    RiskScoringError                  catch this to catch everything we raise
    ├── InstrumentError               a definition is invalid (YAML, schema, cross-reference)
    │   └── InstrumentNotFoundError   unknown built-in id or missing file (also a LookupError)
    ├── AnswerError                   answers do not fit the instrument (also a ValueError)
    ├── ResultError                   stored result JSON is not a valid Result (also a ValueError)
    ├── ReportError                   unknown format or language, or a template failed
    └── ExtraNotInstalledError        an optional extra is missing (also an ImportError)

Errors about input carry `problems`, one per thing wrong, so callers see everything at
once. Messages never contain free text from answers (notes, justification, case
references): those hold personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "PROBLEM_CODES",
    "AnswerError",
    "ExtraNotInstalledError",
    "InstrumentError",
    "InstrumentNotFoundError",
    "Problem",
    "ReportError",
    "ResultError",
    "RiskScoringError",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, and where it is.

    `path` is a dotted path into the document (`items.N3.recent`, `levels.2.min_score`);
    `source`, `line` and `column` (1-based) point into a YAML file when there is one;
    `code` names the kind of problem (``unknown_item``, ``value_not_allowed``) for
    programs, as the message does for people: it never changes when a message is
    reworded. `PROBLEM_CODES` lists the codes of answers (the case record's included),
    frames and arguments.
    """

    path: str
    message: str
    source: str | None = None
    line: int | None = None
    column: int | None = None
    code: str = field(default="invalid", kw_only=True)

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source
            if self.line is not None:
                where += f":{self.line}:{self.column or 1}"
            where += ": "
        path = f"{self.path}: " if self.path else ""
        return f"{where}{path}{self.message}"


PROBLEM_CODES = {
    "invalid": "a problem without a more precise code (definitions, for now)",
    "not_mapping": "answers, items, context, judgements, an item rating or a part of the "
    "case record is not a mapping",
    "unknown_key": "a key that is not known: at the top of the answers, in an assessor or a "
    "part of the case record, or in a stored result",
    "unknown_item": "an item id the instrument does not have (in items or a rater's items)",
    "unknown_dimension": "a dimension the instrument does not rate",
    "unknown_field": "a context field the instrument does not have",
    "unknown_judgement": "a judgement the instrument does not have (or a text judgement "
    "in a rater's judgements)",
    "duplicate_key": "an item given twice, once as text and once as a number (1 and '1')",
    "value_not_allowed": "a value outside the item's scale, the field's type or bounds, "
    "or the instrument's levels",
    "missing": "a required item, dimension or context field is not given, or a required "
    "part of a case record entry (a measure, strategy, decision, scenario type, title)",
    "not_text": "free text that is not a string",
    "too_long": "free text over the length limit",
    "not_unicode": "free text holding a lone surrogate",
    "bad_date": "a date not written YYYY-MM-DD, or not a real date",
    "bad_assessor": "an assessor entry that is not a mapping with a role",
    "too_many_assessors": "more assessors than a pair",
    "not_one_line": "a single-line text (an assessor's role, id or name, the case reference) "
    "holds a line break, another control character or a bidirectional-text control",
    "not_list": "a part of the case record that must be a list is not one",
    "too_many": "a list of the case record over its limit, or more raters than a pair",
    "unknown_measure": "a management entry names a measure outside the catalogue",
    "duplicate_measure": "a measure decided twice in management",
    "reason_required": "a recommended measure rejected or deferred without a reason",
    "unknown_rater": "raters keyed by a role no assessor has",
    "duplicate_role": "raters keyed by a role that two assessors share",
    "unknown_column": "a frame column that is not an answer column",
    "duplicate_column": "a frame column that appears twice",
    "missing_column": "a frame lacks a column every row needs",
    "golden_case": "a golden case (answers under 'answers:', with 'expect:') given as answers",
    "bad_argument": "an argument of the library's own functions is wrong",
}
"""The stable `Problem.code` values for answers, frames and arguments, with what each means.
Problems in stored results carry pydantic's error type (``missing``, ``string_type``, ...)."""


class RiskScoringError(Exception):
    """Base of every error risk_scoring raises."""


class _ProblemsError(RiskScoringError):
    """An error that lists every problem found, not only the first."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem], headline: str) -> None:
        self.problems = tuple(problems)
        lines = [headline, *(f"  {p}" for p in self.problems)]
        super().__init__("\n".join(lines))


class InstrumentError(_ProblemsError):
    """An instrument definition (or the measures catalogue) is invalid.

    `path`, `line` and `column` locate the first problem; `problems` lists them all.
    """

    def __init__(self, problems: Iterable[Problem], source: str | None = None) -> None:
        problems = tuple(problems)
        first = problems[0] if problems else Problem("", "invalid definition", source)
        self.path: str | None = first.source or source
        self.line: int | None = first.line
        self.column: int | None = first.column
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(problems, f"{source or 'instrument'}: {count} {noun} in the definition")


class InstrumentNotFoundError(InstrumentError, LookupError):
    """No built-in instrument has that id, or the file does not exist."""

    def __init__(self, ref: str, message: str) -> None:
        super().__init__([Problem("", message, ref)], source=ref)


class AnswerError(_ProblemsError, ValueError):
    """Answers do not fit the instrument; `problems` names each item or field."""

    def __init__(self, problems: Iterable[Problem], instrument: str = "") -> None:
        problems = tuple(problems)
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        target = f" for {instrument}" if instrument else ""
        super().__init__(problems, f"{count} {noun} in the answers{target}")


class ResultError(_ProblemsError, ValueError):
    """Data read back with `Result.model_validate_json` is not a valid Result."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        problems = tuple(problems)
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(problems, f"{len(problems)} {noun} in the result data")


class ReportError(RiskScoringError):
    """A report could not be rendered: unknown format or language, or a template error."""


class ExtraNotInstalledError(RiskScoringError, ImportError):
    """A function needs an optional extra that is not installed; the message names the
    extra and how to install it (also an ImportError, so ``except ImportError`` works)."""

    def __init__(self, extra: str, needs: str) -> None:
        self.extra = extra
        self.needs = needs
        super().__init__(
            f"{needs}: install the {extra} extra, pip install '.[{extra}]' from a checkout "
            "(docs/installation.md)"
        )

    def __reduce__(self) -> tuple[type[ExtraNotInstalledError], tuple[str, str]]:
        return (type(self), (self.extra, self.needs))  # Dask workers send errors back pickled

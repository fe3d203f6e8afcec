"""Structured risk assessment of violence in close relationships.

Instruments are versioned YAML definitions; answers are validated with precise
errors; levels are computed as each instrument prescribes; measures are recommended
by declared rules with their reasons; reports are rendered from templates.

>>> import risk_scoring as rs
>>> rs.assess("odara", {"items": {str(n): "no" for n in range(1, 14)}}).level
'category-1'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

# Public names are imported on first use, so `import risk_scoring` stays cheap: a
# system that only validates answers never pays for reports, frames or checks.
_EXPORTS = {
    "Agreement": ".rater_agreement",
    "AnswerError": ".errors",
    "Catalogue": ".catalogue",
    "Comparison": ".reassessment",
    "ComparisonError": ".reassessment",
    "DomainSummary": ".result",
    "Finding": ".check",
    "Instrument": ".instrument",
    "InstrumentError": ".errors",
    "InstrumentNotFoundError": ".errors",
    "InstrumentVersionWarning": ".reassessment",
    "Measure": ".catalogue",
    "Problem": ".errors",
    "Provenance": ".result",
    "Reason": ".result",
    "RecommendedMeasure": ".result",
    "ReportError": ".errors",
    "Result": ".result",
    "ResultError": ".errors",
    "RiskScoringError": ".errors",
    "RowError": ".batch",
    "Step": ".result",
    "Unverified": ".check",
    "agreement": ".rater_agreement",
    "answers_schema": ".schema",
    "assess": ".assessment",
    "assess_many": ".batch",
    "check_definitions": ".check",
    "compare": ".reassessment",
    "list_instruments": ".loading",
    "load_catalogue": ".loading",
    "load_instrument": ".loading",
    "render_pdf": ".pdf",
    "render_report": ".report",
    "result_schema": ".schema",
    "score_frame": ".frames",
    "to_frame": ".frames",
    "unverified": ".check",
}

if TYPE_CHECKING:
    from .assessment import assess as assess
    from .batch import (
        RowError as RowError,
        assess_many as assess_many,
    )
    from .catalogue import (
        Catalogue as Catalogue,
        Measure as Measure,
    )
    from .check import (
        Finding as Finding,
        Unverified as Unverified,
        check_definitions as check_definitions,
        unverified as unverified,
    )
    from .errors import (
        AnswerError as AnswerError,
        InstrumentError as InstrumentError,
        InstrumentNotFoundError as InstrumentNotFoundError,
        Problem as Problem,
        ReportError as ReportError,
        ResultError as ResultError,
        RiskScoringError as RiskScoringError,
    )
    from .frames import (
        score_frame as score_frame,
        to_frame as to_frame,
    )
    from .instrument import Instrument as Instrument
    from .loading import (
        list_instruments as list_instruments,
        load_catalogue as load_catalogue,
        load_instrument as load_instrument,
    )
    from .pdf import render_pdf as render_pdf
    from .rater_agreement import (
        Agreement as Agreement,
        agreement as agreement,
    )
    from .reassessment import (
        Comparison as Comparison,
        ComparisonError as ComparisonError,
        InstrumentVersionWarning as InstrumentVersionWarning,
        compare as compare,
    )
    from .report import render_report as render_report
    from .result import (
        DomainSummary as DomainSummary,
        Provenance as Provenance,
        Reason as Reason,
        RecommendedMeasure as RecommendedMeasure,
        Result as Result,
        Step as Step,
    )
    from .schema import (
        answers_schema as answers_schema,
        result_schema as result_schema,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'risk_scoring' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Agreement",
    "AnswerError",
    "Catalogue",
    "Comparison",
    "ComparisonError",
    "DomainSummary",
    "Finding",
    "Instrument",
    "InstrumentError",
    "InstrumentNotFoundError",
    "InstrumentVersionWarning",
    "Measure",
    "Problem",
    "Provenance",
    "Reason",
    "RecommendedMeasure",
    "ReportError",
    "Result",
    "ResultError",
    "RiskScoringError",
    "RowError",
    "Step",
    "Unverified",
    "__version__",
    "agreement",
    "answers_schema",
    "assess",
    "assess_many",
    "check_definitions",
    "compare",
    "list_instruments",
    "load_catalogue",
    "load_instrument",
    "render_pdf",
    "render_report",
    "result_schema",
    "score_frame",
    "to_frame",
    "unverified",
]

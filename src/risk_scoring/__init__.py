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
    "Agreement": ".analysis.agreement",
    "AnswerError": ".errors",
    "Catalogue": ".definition.catalogue",
    "Comparison": ".analysis.compare",
    "ComparisonError": ".analysis.compare",
    "DomainSummary": ".definition.result",
    "Finding": ".tooling.check",
    "Instrument": ".definition.instrument",
    "InstrumentError": ".errors",
    "InstrumentNotFoundError": ".errors",
    "InstrumentVersionWarning": ".analysis.compare",
    "Measure": ".definition.catalogue",
    "Problem": ".errors",
    "Provenance": ".definition.result",
    "Reason": ".definition.result",
    "RecommendedMeasure": ".definition.result",
    "ReportError": ".errors",
    "Result": ".definition.result",
    "ResultError": ".errors",
    "RiskScoringError": ".errors",
    "RowError": ".engine.batch",
    "Step": ".definition.result",
    "Unverified": ".tooling.check",
    "agreement": ".analysis.agreement",
    "answers_from_fhir": ".interop.fhir",
    "answers_schema": ".engine.schema",
    "assess": ".engine.assessment",
    "assess_many": ".engine.batch",
    "check_definitions": ".tooling.check",
    "compare": ".analysis.compare",
    "list_instruments": ".definition.loading",
    "load_catalogue": ".definition.loading",
    "load_instrument": ".definition.loading",
    "render_pdf": ".report.pdf",
    "render_report": ".report.render",
    "result_schema": ".engine.schema",
    "score_frame": ".analysis.frames",
    "to_fhir_questionnaire": ".interop.fhir",
    "to_fhir_response": ".interop.fhir",
    "to_frame": ".analysis.frames",
    "unverified": ".tooling.check",
}

if TYPE_CHECKING:
    from .analysis.agreement import (
        Agreement as Agreement,
        agreement as agreement,
    )
    from .analysis.compare import (
        Comparison as Comparison,
        ComparisonError as ComparisonError,
        InstrumentVersionWarning as InstrumentVersionWarning,
        compare as compare,
    )
    from .analysis.frames import (
        score_frame as score_frame,
        to_frame as to_frame,
    )
    from .definition.catalogue import (
        Catalogue as Catalogue,
        Measure as Measure,
    )
    from .definition.instrument import Instrument as Instrument
    from .definition.loading import (
        list_instruments as list_instruments,
        load_catalogue as load_catalogue,
        load_instrument as load_instrument,
    )
    from .definition.result import (
        DomainSummary as DomainSummary,
        Provenance as Provenance,
        Reason as Reason,
        RecommendedMeasure as RecommendedMeasure,
        Result as Result,
        Step as Step,
    )
    from .engine.assessment import assess as assess
    from .engine.batch import (
        RowError as RowError,
        assess_many as assess_many,
    )
    from .engine.schema import (
        answers_schema as answers_schema,
        result_schema as result_schema,
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
    from .interop.fhir import (
        answers_from_fhir as answers_from_fhir,
        to_fhir_questionnaire as to_fhir_questionnaire,
        to_fhir_response as to_fhir_response,
    )
    from .report.pdf import render_pdf as render_pdf
    from .report.render import render_report as render_report
    from .tooling.check import (
        Finding as Finding,
        Unverified as Unverified,
        check_definitions as check_definitions,
        unverified as unverified,
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
    "answers_from_fhir",
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
    "to_fhir_questionnaire",
    "to_fhir_response",
    "to_frame",
    "unverified",
]

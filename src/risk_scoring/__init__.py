"""Structured risk assessment of violence in close relationships.

Instruments are versioned YAML definitions; answers are validated with precise
errors; levels are computed as each instrument prescribes; measures are recommended
by declared rules with their reasons; reports are rendered from templates.

>>> import risk_scoring as rs
>>> rs.assess("odara", {"items": {str(n): "no" for n in range(1, 14)}}).level
'category-1'
"""

from __future__ import annotations

from ._version import __version__
from .agreement import Agreement, agreement
from .assessment import assess
from .batch import RowError, assess_many
from .catalogue import Catalogue, Measure
from .check import Finding, Unverified, check_definitions, unverified
from .compare import Comparison, ComparisonError, InstrumentVersionWarning, compare
from .errors import (
    AnswerError,
    InstrumentError,
    InstrumentNotFoundError,
    Problem,
    ReportError,
    ResultError,
    RiskScoringError,
)
from .frames import score_frame, to_frame
from .instrument import Instrument
from .loading import list_instruments, load_catalogue, load_instrument
from .pdf import render_pdf
from .report import render_report
from .result import DomainSummary, Provenance, Reason, RecommendedMeasure, Result, Step
from .schema import answers_schema, result_schema

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

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
from .assessment import assess
from .catalogue import Catalogue, Measure
from .errors import (
    AnswerError,
    InstrumentError,
    InstrumentNotFoundError,
    Problem,
    ReportError,
    ResultError,
    RiskScoringError,
)
from .instrument import Instrument
from .loading import list_instruments, load_catalogue, load_instrument
from .report import render_report
from .result import DomainSummary, Provenance, Reason, RecommendedMeasure, Result, Step

__all__ = [
    "AnswerError",
    "Catalogue",
    "DomainSummary",
    "Instrument",
    "InstrumentError",
    "InstrumentNotFoundError",
    "Measure",
    "Problem",
    "Provenance",
    "Reason",
    "RecommendedMeasure",
    "ReportError",
    "Result",
    "ResultError",
    "RiskScoringError",
    "Step",
    "__version__",
    "assess",
    "list_instruments",
    "load_catalogue",
    "load_instrument",
    "render_report",
]

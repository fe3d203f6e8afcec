"""Stored results written before trace outcomes and evidence were records, read back.

A step whose `outcome` is the old text (``raised to high``) becomes an outcome record
with its stable code, and its evidence strings become evidence records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .evidence import (
    MissingEvidence,
    no_judgements_message,
    parse_evidence,
    too_many_unknown_message,
)

if TYPE_CHECKING:
    pass


_MISSING_SECTION = {
    "unknown": "items",
    "omitted": "items",
    "too-many-unknown": "items",
    "no-judgements": "judgements",
}


def _legacy_outcome(kind: str, rule: str, text: str, evidence: Any) -> dict[str, Any]:
    """An outcome record's fields from the text form results carried before."""
    if kind == "total":
        code = {"sum": "total", "research_total": "research_total"}.get(rule, "prorated")
        return {"code": code, "value": float(text)}
    if kind == "missing":
        ids = [e for e in evidence if isinstance(e, str)]
        if rule == "too-many-unknown":
            limit = int(text.removeprefix("at most "))
            message = too_many_unknown_message(ids, limit)
            return {"code": "too_many_unknown", "value": limit, "message": message}
        if rule == "no-judgements":
            return {"code": "no_judgements", "message": no_judgements_message(ids)}
        return {"code": rule, "value": int(text)}
    if kind in ("band", "judgement"):
        return {"code": kind, "level": text}
    if kind == "escalation":
        if text.startswith("raised to "):
            return {"code": "raised", "level": text.removeprefix("raised to ")}
        return {"code": "no_change", "level": text.removesuffix("; no change")}
    return {"code": "warning", "message": text}


def upgrade_step(data: Any) -> Any:
    """Read a step stored before outcomes and evidence were records (outcome a string)."""
    if not isinstance(data, dict) or not isinstance(data.get("outcome"), str):
        return data
    kind, rule, text = data.get("kind"), data.get("rule"), data["outcome"]
    if not isinstance(kind, str) or not isinstance(rule, str):
        return data
    evidence = data.get("evidence", ())
    if not isinstance(evidence, (list, tuple)):
        return data
    try:
        outcome = _legacy_outcome(kind, rule, text, evidence)
    except ValueError:
        return data  # not a step we ever wrote: let validation name the problem
    section = _MISSING_SECTION.get(rule) if kind == "missing" else None
    if section is not None:
        evidence = [
            MissingEvidence(section, e) if isinstance(e, str) else e  # type: ignore[arg-type]
            for e in evidence
        ]
    else:
        evidence = [parse_evidence(e) if isinstance(e, str) else e for e in evidence]
    return {**data, "outcome": outcome, "evidence": evidence}

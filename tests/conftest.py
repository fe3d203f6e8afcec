"""Shared fixtures: small instruments written to a temporary folder."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import risk_scoring as rs

MakeFile = Callable[[str], Path]

TINY_SPJ = """\
id: tiny-spj
version: "1"
kind: spj
title: {nb: Liten, en: Tiny}
description: {nb: Test, en: Test}
source: {citation: "Test fixture", licence: {nb: Fri, en: Free}}
scales:
  - id: presence
    title: {nb: Til stede, en: Presence}
    values:
      - {id: "N", label: {nb: Nei, en: "No"}, points: 0}
      - {id: "P", label: {nb: Delvis, en: Partly}, points: 1}
      - {id: "Y", label: {nb: Ja, en: "Yes"}, points: 2}
      - {id: "O", label: {nb: Utelatt, en: Omitted}, unknown: true}
  - id: relevance
    title: {nb: Relevans, en: Relevance}
    values:
      - {id: low, label: {nb: Lav, en: Low}}
      - {id: high, label: {nb: Høy, en: High}}
dimensions:
  - {id: recent, title: {nb: Nylig, en: Recent}, scale: presence}
  - {id: past, title: {nb: Tidligere, en: Past}, scale: presence}
  - {id: relevance, title: {nb: Relevans, en: Relevance}, scale: relevance}
domains:
  - {id: A, title: {nb: A, en: A}}
  - {id: B, title: {nb: B, en: B}}
items:
  - {id: A1, domain: A, title: {nb: a1, en: a1}, guidance: {nb: g, en: g}}
  - {id: A2, domain: A, title: {nb: a2, en: a2}, guidance: {nb: g, en: g}}
  - {id: B1, domain: B, title: {nb: b1, en: b1}, guidance: {nb: g, en: g}}
context:
  - {id: children, title: {nb: Barn, en: Children}, type: bool}
judgements:
  - {id: harm, title: {nb: Skade, en: Harm}}
  - {id: imminent, title: {nb: Akutt, en: Imminent}}
  - {id: victims, title: {nb: Ofre, en: Victims}, type: text}
scoring:
  level_from: [harm, imminent]
levels:
  - {id: low, title: {nb: Lav, en: Low}, description: {nb: l, en: l}}
  - {id: moderate, title: {nb: Moderat, en: Moderate}, description: {nb: m, en: m}}
  - {id: high, title: {nb: Høy, en: High}, description: {nb: h, en: h}}
warnings:
  - id: harm-low-with-A1
    when:
      all:
        - {item: {id: A1, in: ["Y"]}}
        - {judgement: {id: harm, in: [low]}}
    message: {nb: "Skade lav selv om A1 er til stede", en: "Harm judged low although A1 is present"}
    requires_justification: true
measures:
  - id: ban-when-imminent-high
    measure: besoksforbud
    priority: urgent
    when: {judgement: {id: imminent, at_least: high}}
    rationale: {nb: r, en: r}
  - id: advice-always
    measure: sikkerhetsrad
    priority: high
    when: {level: {at_least: low}}
    rationale: {nb: r, en: r}
  - id: ban-when-children
    measure: besoksforbud
    priority: consider
    when: {context: {id: children, equals: true}}
    rationale: {nb: r, en: r}
"""


@pytest.fixture
def write_yaml(tmp_path: Path) -> MakeFile:
    """Write YAML text (dedented) to a file in a fresh folder and return its path."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"inst{next(counter)}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def tiny_spj(write_yaml: MakeFile) -> rs.Instrument:
    """A three-item spj instrument with a consistency rule and measure rules."""
    return rs.load_instrument(write_yaml(TINY_SPJ))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the fuzz figures (tests/security_support.py) where RISK_SCORING_FUZZ_FIGURES says."""
    target = os.environ.get("RISK_SCORING_FUZZ_FIGURES")
    if not target:
        return
    import resource

    from tests.security_support import FIGURES, LONG

    document = {
        "long": LONG,
        "exit_status": int(exitstatus),
        "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "targets": FIGURES,
    }
    Path(target).write_text(json.dumps(document, indent=2, sort_keys=True), encoding="utf-8")

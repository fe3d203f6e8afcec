"""Shared pieces of the security tests (see docs/security.md).

- `fuzz(n)`: Hypothesis settings for a fuzz test, `n` examples in the normal suite and
  `LONG_FACTOR` times as many when ``RISK_SCORING_FUZZ=long``.
- `FREE_TEXT_YAML`: a small spj instrument with every kind of free-text field (notes, a
  text judgement, a text context field) and every context field type.
- `SENTINEL`: a piece of personal data to plant and then look for.
- `fill_free_text`: put chosen text in every free-text field of an answers mapping.
- `hostile_text()`: arbitrary Unicode mixed with injection payloads for every format.
- `seeded_jobs()`: deterministic answer sets for every built-in instrument, the same in
  every process (for the concurrency and cross-process determinism tests).
"""

from __future__ import annotations

import copy
import math
import os
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st

import risk_scoring as rs

LONG = os.environ.get("RISK_SCORING_FUZZ", "").lower() == "long"
LONG_FACTOR = 50

FIGURES: dict[str, dict[str, float]] = {}
"""Per fuzz target: cases tried, slowest case (s), peak traced memory (bytes); written
as JSON to the file named by ``RISK_SCORING_FUZZ_FIGURES`` when the session ends."""


def record(target: str, seconds: float, peak: int = 0) -> None:
    """Count one case of `target` that passed, with its time and traced peak memory."""
    figures = FIGURES.setdefault(target, {"cases": 0, "slowest_s": 0.0, "peak_bytes": 0})
    figures["cases"] += 1
    figures["slowest_s"] = max(figures["slowest_s"], seconds)
    figures["peak_bytes"] = max(figures["peak_bytes"], peak)


def fuzz(examples: int) -> settings:
    """Settings for a fuzz test: `examples` normally, `LONG_FACTOR` times with the long run."""
    return settings(
        max_examples=examples * LONG_FACTOR if LONG else examples,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
            HealthCheck.large_base_example,
        ],
    )


SENTINEL = "Kari Nordmann f. 01.02.1990 SENTINEL-7f3a9c"
"""Looks like what analysts type; contains spaces, so it is free text, never a code."""
SENTINEL_MARKS = ("SENTINEL-7f3a9c", "Nordmann")
"""Fragments that must never appear in errors, reprs, logs or warnings."""


def leaks(text: object) -> bool:
    """Whether `text` contains any fragment of the sentinel."""
    shown = str(text)
    return any(mark in shown for mark in SENTINEL_MARKS)


FREE_TEXT_YAML = """\
id: free-text
version: "1"
kind: spj
title: {nb: Fritekst, en: Free text}
description: {nb: Testinstrument, en: Test instrument}
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
  - {id: incidents, title: {nb: Hendelser, en: Incidents}, type: int, min: 0, max: 1000}
  - id: relation
    title: {nb: Relasjon, en: Relation}
    type: choice
    choices:
      - {id: partner, label: {nb: Partner, en: Partner}}
      - {id: former, label: {nb: Tidligere partner, en: Former partner}}
  - {id: reported_on, title: {nb: Anmeldt, en: Reported}, type: date}
  - {id: circumstances, title: {nb: Omstendigheter, en: Circumstances}, type: text}
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
"""


def write_free_text_instrument(folder: Path) -> rs.Instrument:
    """Write `FREE_TEXT_YAML` into `folder` and load it."""
    path = folder / "free-text.yaml"
    path.write_text(FREE_TEXT_YAML, encoding="utf-8")
    return rs.load_instrument(path)


def free_text_fields(inst: rs.Instrument) -> list[str]:
    """Names of the free-text fields `fill_free_text` fills for `inst`."""
    names = [f"items.{item.id}.note" for item in inst.items]
    names += [f"judgements.{j.id}" for j in inst.judgements if j.type == "text"]
    names += [f"context.{f.id}" for f in inst.context if f.type == "text"]
    names += ["justification", "case_ref", "assessors.0.id", "assessors.1.id"]
    return names


def fill_free_text(
    inst: rs.Instrument, answers: Mapping[str, Any], texts: Mapping[str, str] | str
) -> dict[str, Any]:
    """A copy of `answers` with `texts[field]` (or one text) in every free-text field."""

    def text(name: str) -> str:
        return texts if isinstance(texts, str) else texts[name]

    out = copy.deepcopy(dict(answers))
    primary = inst.primary.id
    items = dict(out.get("items") or {})
    for item in inst.items:
        given = items.get(item.id)
        if given is None:
            given = {primary: item.default} if item.default is not None else None
        if given is None:
            continue
        rating = dict(given) if isinstance(given, Mapping) else {primary: given}
        rating["note"] = text(f"items.{item.id}.note")
        items[item.id] = rating
    out["items"] = items
    judgements = dict(out.get("judgements") or {})
    for j in inst.judgements:
        if j.type == "text":
            judgements[j.id] = text(f"judgements.{j.id}")
    if judgements:
        out["judgements"] = judgements
    context = dict(out.get("context") or {})
    for f in inst.context:
        if f.type == "text":
            context[f.id] = text(f"context.{f.id}")
    out["context"] = context
    out["justification"] = text("justification")
    out["case_ref"] = text("case_ref")
    out["assessors"] = [
        {"role": "risk_analyst", "id": text("assessors.0.id")},
        {"role": "clinician", "id": text("assessors.1.id")},
    ]
    return out


RECORD_FIELDS = [
    "assessors.0.name",
    "assessors.1.name",
    "sources.0",
    "other_considerations.0.title",
    "other_considerations.0.note",
    "scenarios.0.description",
    "scenarios.0.victims",
    "scenarios.0.warning_signs.0",
    "management.0.responsible",
    "management.0.reason",
    "review.triggers.0",
]
"""The free-text fields of the SPJ case record that `fill_record_free_text` fills."""


def fill_record_free_text(
    inst: rs.Instrument, answers: Mapping[str, Any], texts: Mapping[str, str] | str
) -> dict[str, Any]:
    """A copy of `answers` (with two assessors, as `fill_free_text` gives) carrying the
    whole case record, with `texts[field]` (or one text) in every field of `RECORD_FIELDS`."""

    def text(name: str) -> str:
        return texts if isinstance(texts, str) else texts[name]

    out = copy.deepcopy(dict(answers))
    people = out.get("assessors") or [{"role": "risk_analyst"}, {"role": "clinician"}]
    for i, person in enumerate(people[:2]):
        person["name"] = text(f"assessors.{i}.name")
        person["signed_on"] = "2026-11-23"
    out["assessors"] = people
    first = inst.dimensions[0]
    value = inst.scale_by_id[first.scale].values[0].id
    out["sources"] = [text("sources.0")]
    out["other_considerations"] = [
        {
            "title": text("other_considerations.0.title"),
            first.id: value,
            "note": text("other_considerations.0.note"),
        }
    ]
    out["scenarios"] = [
        {
            "type": "escalation",
            "description": text("scenarios.0.description"),
            "victims": text("scenarios.0.victims"),
            "likelihood": "high",
            "severity": "moderate",
            "imminence": "low",
            "warning_signs": [text("scenarios.0.warning_signs.0")],
        },
        {"type": "repeat"},
    ]
    out["management"] = [
        {
            "measure": "sikkerhetsrad",
            "strategy": "victim_safety_planning",
            "decision": "deferred",
            "responsible": text("management.0.responsible"),
            "due": "2026-12-01",
            "reason": text("management.0.reason"),
            "consent": True,
        }
    ]
    out["review"] = {"due": "2027-01-15", "triggers": [text("review.triggers.0")]}
    item = inst.items[0]
    values = [v.id for v in inst.scale_for(item, inst.primary).values]
    out["raters"] = {
        people[0]["role"]: {"items": {item.id: values[0]}},
        people[-1]["role"]: {"items": {item.id: values[-1]}},
    }
    return out


PAYLOADS = [
    "<script>alert(1)</script>",
    "</span></td></tr></table></main><h1>x</h1>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "<!-- x -->",
    "<![CDATA[x]]>",
    "<?php x ?>",
    "<!DOCTYPE x>",
    "&amp; &lt; &#60; &#x3C; &nbsp;",
    "{{ 7 * 7 }} {% if true %}x{% endif %} {# c #}",
    "\x1b[31mred\x1b[0m \x1b]0;title\x07",
    "# heading",
    "## heading",
    "#0",
    "#heading-without-a-space",
    "####### seven",
    "- list",
    "* list",
    "+ list",
    "1. list",
    "2) list",
    "> quote",
    "| a | b |\n| --- | --- |",
    "[link](http://example.invalid/x)",
    "![image](http://example.invalid/x.png)",
    "<http://example.invalid/>",
    "`code` ``code``",
    "```\nfence\n```",
    "~~~\nfence\n~~~",
    "    indented code",
    "***\n---\n___",
    "===",
    "text\n---",
    "*emphasis* _emphasis_ **strong** __strong__ ~~strike~~",
    "[ref]: http://example.invalid/",
    "\\ \\\\ \\* \\n",
    "line one\r\nline two\rline three\n\nline five",
    "\u202eRIGHT-TO-LEFT OVERRIDE\u202c \u2066isolate\u2069",
    "\u2028\u2029\x85\x0c\x0b\x00\x7f\x9b",
    "\ufeff\u200b\u200d zero-width",
    "e\u0301 combining \u0301\u0301\u0301",
    "æøå ÆØÅ 中文 العربية 🙂👩‍👩‍👧",
    "\t tab \t",
    "   ",
    "%s %(x)s {0} {x}",
    "null true 0 -1",
    "&",
    "<",
    ">",
    '"',
    "'",
]


def hostile_text(max_size: int = 60) -> st.SearchStrategy[str]:
    """Free text an analyst (or an attacker) could type: any Unicode but lone surrogates,
    payloads for HTML, Markdown, Jinja and terminals, and mixtures of both."""
    anything = st.text(st.characters(codec="utf-8"), max_size=max_size)
    payload = st.sampled_from(PAYLOADS)
    mixed = st.lists(st.one_of(payload, anything), min_size=1, max_size=4).map("".join)
    return st.one_of(anything, payload, mixed)


# --- deterministic answer sets ---------------------------------------------------------


def seeded_answers(inst: rs.Instrument, rng: random.Random, note: str | None) -> dict[str, Any]:
    """One valid answers mapping for `inst` drawn from `rng` (same seed, same mapping)."""
    items: dict[str, Any] = {}
    for item in inst.items:
        rating: dict[str, Any] = {}
        for i, dim in enumerate(inst.dimensions):
            values = [v.id for v in inst.scale_for(item, dim).values]
            if i == 0 or dim.required or rng.random() < 0.5:
                rating[dim.id] = rng.choice(values)
        if note is not None and rng.random() < 0.5:
            rating["note"] = f"{note} {item.id}"
        items[item.id] = rating if len(rating) > 1 else rating[inst.primary.id]
    context: dict[str, Any] = {}
    for field in inst.context:
        if field.type == "bool":
            context[field.id] = rng.random() < 0.5
        elif field.type == "int":
            low = field.min if field.min is not None else 0
            context[field.id] = rng.randint(low, field.max if field.max is not None else 10)
        elif field.type == "choice":
            context[field.id] = rng.choice([ch.id for ch in field.choices])
        elif field.type == "date":
            context[field.id] = f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        else:
            context[field.id] = note or "x"
    out: dict[str, Any] = {"items": items, "context": context}
    judgements: dict[str, str] = {}
    for j in inst.judgements:
        if j.type == "text":
            judgements[j.id] = note or "x"
        elif rng.random() < 0.9:
            judgements[j.id] = rng.choice(inst.levels)
    if judgements:
        out["judgements"] = judgements
    if note is not None:
        out["justification"] = f"{note}: begrunnelse"
        out["case_ref"] = f"{note}/{rng.randint(1, 9999)}"
        out["assessors"] = [{"role": "risk_analyst", "id": "A-17"}, {"role": "clinician"}]
    out["assessed_on"] = "2026-11-22"
    return out


def seeded_jobs(per_instrument: int, seed: int = 2026) -> list[tuple[str, dict[str, Any]]]:
    """`per_instrument` answer sets for every built-in instrument, the same everywhere."""
    rng = random.Random(seed)
    jobs = []
    for ident in rs.list_instruments():
        inst = rs.load_instrument(ident)
        for n in range(per_instrument):
            note = "Notat æøå <b>&amp;</b> | *x*" if n % 2 else None
            jobs.append((ident, seeded_answers(inst, rng, note)))
    return jobs


def snapshot(value: object) -> object:
    """The contents of `value`, copied deeply enough to see any change made to it later."""
    if isinstance(value, Mapping):
        return (type(value), [(k, snapshot(v)) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return (type(value), [snapshot(v) for v in value])
    if isinstance(value, set):
        return (set, frozenset(value))
    if isinstance(value, bytearray):
        return (bytearray, bytes(value))
    return value


def same(a: object, b: object) -> bool:
    """Deep equality that also holds for NaN and for containers of NaN."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=False))
    try:
        return bool(a == b)
    except Exception:  # pragma: no cover - an object whose == fails is never "the same"
        return False

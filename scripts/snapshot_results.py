"""Store what the engine does now, and prove a refactor changed nothing.

    python scripts/snapshot_results.py save DIR      # every golden case + N seeded answer sets
    python scripts/snapshot_results.py compare DIR   # re-assess them; report every difference

`save` writes one JSON-lines file per built-in instrument: the answers (golden cases
first, then `--count` answer sets drawn from a seeded generator over the definition)
and the JSON result, or the problems when the answers are refused. `compare` assesses
the stored answers again and compares byte for byte; where the bytes differ it names
the fields that differ. With `--ignore trace` a difference only in `trace` counts as
equal (the trace's JSON shape is outside the public contract): every other field is
then compared as canonical JSON (numbers keep int or float, keys keep their order),
and the trace is compared field by field instead: the same steps, each with the kind,
rule, outcome text and evidence texts the stored one has (`legacy_step`), and the
stored JSON must read back (`Result.model_validate_json`) into the same result. Fields
the stored results lack (added since the snapshot), at the top or inside a part (a
domain summary's `high_relevance`, an assessor's `name`), are not differences; the
byte comparison outside the trace leaves out the new top-level members and still
counts keys added inside a part.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import risk_scoring as rs


def _value(rng: random.Random, values: list[str]) -> str:
    return rng.choice(values)


def generated(inst: Any, rng: random.Random) -> dict[str, Any]:
    """One answer set: mostly valid, sometimes with a defect, in every shape SPEC §3 allows."""
    items: dict[str, Any] = {}
    for item in inst.items:
        if not item.required and rng.random() < 0.3:
            continue
        dims = inst.dimensions
        primary = [v.id for v in inst.scale_for(item, dims[0]).values]
        if len(dims) == 1 and rng.random() < 0.7:
            items[item.id] = _value(rng, primary)
            continue
        rating: dict[str, Any] = {dims[0].id: _value(rng, primary)}
        for dim in dims[1:]:
            if dim.required or rng.random() < 0.6:
                rating[dim.id] = _value(rng, [v.id for v in inst.scale_for(item, dim).values])
        if rng.random() < 0.1:
            rating["note"] = f"note {rng.randrange(1000)}"
        items[item.id] = rating if len(rating) > 1 or rng.random() < 0.5 else rating[dims[0].id]
    answers: dict[str, Any] = {"items": items}
    context: dict[str, Any] = {}
    for field in inst.context:
        if rng.random() < 0.2 and not field.required:
            continue
        if field.type == "bool":
            context[field.id] = rng.random() < 0.5
        elif field.type == "int":
            low = field.min if field.min is not None else 0
            high = field.max if field.max is not None else low + 8
            context[field.id] = rng.randint(low, high)
        elif field.type == "choice":
            context[field.id] = rng.choice([c.id for c in field.choices])
        elif field.type == "date":
            context[field.id] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        else:
            context[field.id] = f"text {rng.randrange(100)}"
    answers["context"] = context
    judgements: dict[str, Any] = {}
    for judgement in inst.judgements:
        if rng.random() < 0.25:
            continue
        if judgement.type == "text":
            judgements[judgement.id] = f"text {rng.randrange(100)}"
        else:
            judgements[judgement.id] = rng.choice(inst.levels)
    if judgements:
        answers["judgements"] = judgements
    if rng.random() < 0.5:
        answers["justification"] = "a justification"
    if rng.random() < 0.3:
        answers["assessors"] = [{"role": "risk_analyst", "id": "RA-1"}, {"role": "clinician"}]
    if rng.random() < 0.5:
        answers["assessed_on"] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if rng.random() < 0.5:
        answers["case_ref"] = f"case-{rng.randrange(10_000)}"
    if rng.random() < 0.05:  # a defect, so refusals are compared too
        answers["items"] = {**items, "no-such-item": "x"}
    return answers


def outcome(inst: Any, answers: dict[str, Any]) -> str:
    try:
        return inst.assess(answers).model_dump_json()
    except rs.AnswerError as exc:
        return json.dumps({"problems": [[p.path, p.message] for p in exc.problems]})


def cases(inst: Any, count: int, seed: int) -> list[dict[str, Any]]:
    from risk_scoring.tooling.golden import case_files, read_case

    found = [read_case(path)[0]["answers"] for path in case_files(inst)]
    rng = random.Random(f"{seed}:{inst.id}")
    return found + [generated(inst, rng) for _ in range(count)]


def snapshot_file(folder: Path, inst: Any) -> Path:
    """The file for this exact definition: `<id>@<digest>.jsonl`, else the plain `<id>.jsonl`.

    A snapshot folder may hold results for several versions of a definition (before and
    after a change to its YAML), each computed by the engine as it was before a refactor.
    """
    exact = folder / f"{inst.id}@{inst.digest[:12]}.jsonl"
    return exact if exact.is_file() else folder / f"{inst.id}.jsonl"


def save(folder: Path, count: int, seed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for ident in rs.list_instruments():
        inst = rs.load_instrument(ident)
        with (folder / f"{ident}@{inst.digest[:12]}.jsonl").open("w", encoding="utf-8") as out:
            for answers in cases(inst, count, seed):
                line = {"answers": answers, "result": outcome(inst, answers)}
                out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"{ident}: saved")


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def known_part(before: Any, after: Any) -> Any:
    """`after` without the keys `before` lacks, at any depth (fields added since)."""
    if isinstance(before, dict) and isinstance(after, dict):
        return {k: known_part(before[k], v) for k, v in after.items() if k in before}
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [known_part(b, a) for b, a in zip(before, after, strict=True)]
    return after


def legacy_step(step: dict[str, Any]) -> tuple[str, str, str, list[str]]:
    """A trace step (stored in either shape) as (kind, rule, outcome text, evidence texts):
    what the step said before outcomes and evidence were records."""
    if isinstance(step.get("outcome"), str):
        return step["kind"], step["rule"], step["outcome"], list(step["evidence"])
    from pydantic import TypeAdapter

    from risk_scoring.definition.evidence import MissingEvidence
    from risk_scoring.definition.result import Step

    record = TypeAdapter(Step).validate_python(step)
    evidence = [e.id if isinstance(e, MissingEvidence) else str(e) for e in record.evidence]
    return record.kind, record.rule, str(record.outcome), evidence


def without_trace(text: str) -> str:
    """A result's JSON text with its `trace` member cut out, byte for byte otherwise (the
    sequence `,"trace":` cannot occur inside a JSON string, whose quotes are escaped)."""
    start = text.find(',"trace":')
    if start < 0:
        return text
    _, end = json.JSONDecoder().raw_decode(text, start + len(',"trace":'))
    return text[:start] + text[end:]


def without_new(text: str, known: Any) -> str:
    """A result's JSON text without the top-level members whose keys are not in `known`
    (fields added since the snapshot), byte for byte otherwise."""
    decoder = json.JSONDecoder()
    parts = []
    at = 1  # after "{"
    while text[at] != "}":
        start = at
        key, at = decoder.raw_decode(text, at)
        _, at = decoder.raw_decode(text, at + 1)  # after ":"
        member = text[start:at]
        if key in known:
            parts.append(member)
        if text[at] == ",":
            at += 1
    return "{" + ",".join(parts) + "}"


def _trace_differences(before: list[Any], after: list[Any]) -> list[str]:
    if len(before) != len(after):
        return [f"{len(before)} steps before, {len(after)} now"]
    found = []
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        was, now = legacy_step(old), legacy_step(new)
        for name, a, b in zip(("kind", "rule", "outcome", "evidence"), was, now, strict=True):
            if a != b:
                found.append(f"step {i} {name}: {a!r} before, {b!r} now")
    return found


def compare(folder: Path, ignore: set[str]) -> int:
    differing = 0
    for ident in rs.list_instruments():
        inst = rs.load_instrument(ident)
        path = snapshot_file(folder, inst)
        if not path.is_file():
            print(f"{ident}: no snapshot")
            differing += 1
            continue
        total = same = steps = legacy_total = legacy_same = bytes_same = 0
        fields: dict[str, int] = {}
        trace_problems: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            stored = json.loads(line)
            total += 1
            now = outcome(inst, stored["answers"])
            if now == stored["result"]:
                same += 1
                continue
            before, after = json.loads(stored["result"]), json.loads(now)
            # A field the stored result lacks is new since the snapshot, not a difference.
            changed = sorted(
                k
                for k in before
                if _canonical(before[k]) != _canonical(known_part(before[k], after.get(k)))
                and k not in ignore
            )
            if "trace" in ignore and "problems" not in before and "problems" not in after:
                if without_trace(stored["result"]) == without_trace(without_new(now, before)):
                    bytes_same += 1
                else:
                    changed.append("bytes outside trace")
                found = _trace_differences(before["trace"], after["trace"])
                steps += len(after["trace"])
                trace_problems += found[:3]
                if found:
                    changed.append("trace (field by field)")
                legacy_total += 1
                again = json.loads(
                    rs.Result.model_validate_json(stored["result"]).model_dump_json()
                )
                if any(_canonical(again.get(k)) != _canonical(after[k]) for k in before):
                    changed.append("trace (stored JSON read back)")
                else:
                    legacy_same += 1
            if not changed:
                same += 1
                continue
            for key in changed:
                fields[key] = fields.get(key, 0) + 1
        differing += total - same
        shown = ", ".join(f"{k} ({n})" for k, n in sorted(fields.items())) or "none"
        print(f"{path.name}: {same} of {total} identical; differing fields: {shown}")
        if "trace" in ignore:
            print(
                f"  byte-identical outside trace: {bytes_same} of {legacy_total}; "
                f"trace compared field by field: {steps} steps, "
                f"{len(trace_problems)} differences; stored JSON read back equal to "
                f"today's result: {legacy_same} of {legacy_total}"
            )
            for problem in trace_problems[:10]:
                print(f"    {problem}")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["save", "compare"])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ignore", action="append", default=[], help="a result field")
    args = parser.parse_args()
    if args.mode == "save":
        save(args.folder, args.count, args.seed)
        return 0
    return compare(args.folder, set(args.ignore))


if __name__ == "__main__":
    sys.exit(main())

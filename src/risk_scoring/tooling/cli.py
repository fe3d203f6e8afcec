"""The `risk-scoring` command: list, show, assess, report, check and schema.

Exit status: 0 success; 1 a file failed (assess, report) or problems were found (check);
2 a usage error (unknown option, missing path, nothing to check). `docs/cli.md` is the
reference. Messages about answers never quote free text (notes, justification): they
hold personal data.
"""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ..definition import reader as _yaml
from ..definition.conditions import (
    AllOf,
    AnyCondition,
    AnyOf,
    ContextIs,
    Count,
    ItemIs,
    JudgementIs,
    LevelAtLeast,
    Not,
    ScoreAtLeast,
)
from ..definition.instrument import Instrument
from ..definition.loading import list_instruments, load_instrument
from ..definition.references import score_range
from ..definition.result import Result
from ..engine.assessment import assess
from ..engine.schema import answers_schema, result_schema
from ..errors import AnswerError, Problem, RiskScoringError
from ..report.render import FORMATS, LANGUAGES, render_report
from .check import DEFAULT_EXAMPLES, Finding, check_definitions

PROGRESS_AFTER = 10
"""`assess` shows a progress bar (on stderr) from this many files on."""


class FileFailed(Exception):
    """One input file could not be processed; `lines` say why, each located in the file."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


def _located(path: Path, problem: Problem, doc: _yaml.Document | None) -> str:
    """`file:line:col: where: message` for a problem in an answers file."""
    line = column = None
    if doc is not None and problem.path:
        line, column, _ = doc.locate(problem.path.split("."))
    if problem.line is not None:
        line, column = problem.line, problem.column
    where = f"{path}:{line}:{column or 1}" if line is not None else str(path)
    field = f"{problem.path}: " if problem.path else ""
    return f"{where}: {field}{problem.message}"


def _read_answers(path: Path) -> tuple[dict[str, Any], _yaml.Document | None]:
    """An answers file (YAML, or JSON when it ends in .json) and its positions if known."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileFailed([f"{path}: cannot read: {exc.strerror}"]) from None
    doc: _yaml.Document | None = None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise FileFailed([f"{path}: not valid UTF-8"]) from None
        except json.JSONDecodeError as exc:
            raise FileFailed([f"{path}:{exc.lineno}:{exc.colno}: {exc.msg}"]) from None
        try:
            doc = _yaml.parse(raw, str(path))
        except _yaml.YAMLProblems:
            doc = None
    else:
        try:
            doc = _yaml.parse(raw, str(path))
        except _yaml.YAMLProblems as exc:
            raise FileFailed([_located(path, p, None) for p in exc.problems]) from None
        data = doc.data
    if not isinstance(data, dict):
        raise FileFailed([f"{path}: an answers file must hold a mapping"])
    return data, doc


def _assess_file(path: Path, instrument: str | None) -> Result:
    """Assess one answers file; raises `FileFailed` with located messages."""
    data, doc = _read_answers(path)
    data = dict(data)
    named = data.pop("instrument", None)
    if named is not None and not isinstance(named, str):
        raise FileFailed([f"{path}: 'instrument' must be an instrument id or path"])
    if named is not None and instrument is not None and named != instrument:
        raise FileFailed(
            [f"{path}: the file names instrument {named!r} but --instrument is {instrument!r}"]
        )
    ident = named or instrument
    if ident is None:
        raise FileFailed([f"{path}: name the instrument (key 'instrument' or --instrument)"])
    try:
        inst = load_instrument(ident)
    except RiskScoringError as exc:
        raise FileFailed([f"{path}: instrument {ident!r}: {exc}"]) from None
    try:
        return assess(inst, data)
    except AnswerError as exc:
        count = len(exc.problems)
        noun = "problem" if count == 1 else "problems"
        head = f"{path}: {count} {noun} in the answers for {inst.id}"
        lines = [head, *(f"  {_located(path, p, doc)}" for p in exc.problems)]
        raise FileFailed(lines) from None


# --- the group ----------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="risk_scoring")
def main() -> None:
    """Structured risk assessment of violence in close relationships.

    Instruments are versioned YAML definitions; answers are YAML or JSON files.
    """


LANG = click.option(
    "--lang", type=click.Choice(list(LANGUAGES)), default="nb", show_default=True,
    help="Language of titles and labels.",
)  # fmt: skip


# --- list ---------------------------------------------------------------------------


@main.command("list")
@LANG
def list_command(lang: str) -> None:
    """List the built-in instruments: version, kind, item count, languages."""
    rows = []
    failed = []
    for ident in list_instruments():
        try:
            inst = load_instrument(ident)
        except RiskScoringError as exc:
            failed.append(f"{ident}: {exc}")
            continue
        langs = ", ".join(LANGUAGES)
        rows.append([inst.id, inst.version, inst.kind, str(len(inst.items)), langs, _t(inst, lang)])
    click.echo(_table(["ID", "VERSION", "KIND", "ITEMS", "LANGUAGES", "TITLE"], rows))
    for line in failed:
        click.echo(f"error: {line}", err=True)
    if failed:
        sys.exit(1)


def _t(inst: Instrument, lang: str) -> str:
    return inst.title.get(lang)


# --- show ---------------------------------------------------------------------------


@main.command("show")
@click.argument("instrument")
@LANG
def show_command(instrument: str, lang: str) -> None:
    """Show an instrument: items by domain with scales, levels and rules.

    INSTRUMENT is a built-in id (see `list`) or the path of a definition file. Values
    marked `*` are not yet verified against the published source, values marked `°` are
    confirmed by a secondary source only (see `check --notes`).
    """
    try:
        inst = load_instrument(instrument)
    except RiskScoringError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(describe(inst, lang))


def _mark(verified: bool | str) -> str:
    if verified is True:
        return ""
    return "°" if verified == "secondary" else "*"


def describe(inst: Instrument, lang: str = "nb") -> str:
    """The readable description `show` prints."""
    out: list[str] = []
    title = inst.title.get(lang)
    out += [title, "=" * min(len(title), _width())]
    out.append(
        f"{inst.id} {inst.version} · {inst.kind} · {len(inst.items)} items · "
        f"languages: {', '.join(LANGUAGES)}"
    )
    out += _wrap(inst.description.get(lang))
    out += _wrap(f"Source: {' '.join(inst.source.citation.split())}")
    out += _wrap(f"Licence: {inst.source.licence.get(lang)}")

    out += ["", "Scales"]
    rows = []
    for scale in inst.scales:
        values = []
        for v in scale.values:
            extra = "unknown" if v.unknown else (f"{v.points:g}" if v.points is not None else "-")
            values.append(f"{v.id}{_mark(v.verified)}: {v.label.get(lang)} ({extra})")
        rows.append([scale.id, scale.title.get(lang), "; ".join(values)])
    out.append(_table(["SCALE", "TITLE", "VALUES (POINTS)"], rows))

    out += ["", "Dimensions (the first takes a bare answer)"]
    rows = [
        [d.id, d.title.get(lang), d.scale, "required" if d.required or i == 0 else "optional"]
        for i, d in enumerate(inst.dimensions)
    ]
    out.append(_table(["DIMENSION", "TITLE", "SCALE", ""], rows))

    weighted = any(item.weight != 1 for item in inst.items)
    scaled = any(item.scale not in (None, inst.primary.scale) for item in inst.items)
    for domain in inst.domains:
        out += ["", f"{domain.title.get(lang)} ({domain.id})"]
        rows = []
        for item in inst.items:
            if item.domain != domain.id:
                continue
            notes = []
            if not item.required:
                notes.append(f"optional, default {item.default}")
            elif item.default is not None:
                notes.append(f"default {item.default}")
            if item.parent:
                notes.append(f"part of {item.parent}")
            row = [f"{item.id}{_mark(item.verified)}", item.title.get(lang)]
            if scaled:
                row.append(item.scale or inst.primary.scale)
            if weighted:
                row.append(f"{item.weight:g}")
            row.append(", ".join(notes))
            rows.append(row)
        headers = [
            "ITEM",
            "TITLE",
            *(["SCALE"] if scaled else []),
            *(["WEIGHT"] if weighted else []),
            "",
        ]
        out.append(_table(headers, rows))

    if inst.context:
        out += ["", "Context"]
        rows = []
        for f in inst.context:
            kind: str = f.type
            if f.type == "choice":
                kind += ": " + ", ".join(ch.id for ch in f.choices)
            if f.min is not None or f.max is not None:
                kind += f" [{'' if f.min is None else f.min}..{'' if f.max is None else f.max}]"
            rows.append([f.id, f.title.get(lang), kind, "required" if f.required else ""])
        out.append(_table(["FIELD", "TITLE", "TYPE", ""], rows))

    if inst.judgements:
        out += ["", "Judgements"]
        rows = [[f"{j.id}{_mark(j.verified)}", j.title.get(lang), j.type] for j in inst.judgements]
        out.append(_table(["JUDGEMENT", "TITLE", "TAKES"], rows))

    out += ["", "Levels"]
    out.append(_table(["LEVEL", "TITLE", "WHEN"], _level_rows(inst, lang)))
    policy = inst.scoring.missing
    if policy is not None:
        out.append(
            f"Unknown answers: at most {policy.max_unknown}{_mark(policy.verified)}; "
            f"the total counts them as {'zero' if policy.total == 'zero' else 'prorated'}."
        )

    if inst.escalations:
        out += ["", "Escalations (raise the level, never lower it)"]
        rows = []
        for e in inst.escalations:
            target = e.to if e.to is not None else f"judgement {e.to_judgement}"
            rows.append([f"{e.id}{_mark(e.verified)}", target, condition_text(e.when)])
        out.append(_table(["RULE", "TO", "WHEN"], rows))
    if inst.warning_rules:
        out += ["", "Warnings"]
        rows = []
        for w in inst.warning_rules:
            blocks = " (needs a justification)" if w.requires_justification else ""
            rows.append(
                [f"{w.id}{_mark(w.verified)}", condition_text(w.when), w.message.get(lang) + blocks]
            )
        out.append(_table(["RULE", "WHEN", "MESSAGE"], rows))
    if inst.measure_rules:
        out += ["", "Measures"]
        rows = [
            [r.priority, f"{r.measure}{_mark(r.verified)}", condition_text(r.when)]
            for r in inst.measure_rules
        ]
        out.append(_table(["PRIORITY", "MEASURE", "WHEN"], rows))
    out += [
        "",
        "* not yet verified against the published source",
        "° confirmed by a secondary source only",
    ]
    return "\n".join(out)


def _level_rows(inst: Instrument, lang: str) -> list[list[str]]:
    levels = inst.level_definitions
    if inst.kind == "spj":
        names = inst.scoring.level_from
        rule = f"judgement {names[0]}" if len(names) == 1 else "highest of " + ", ".join(names)
        return [[f"{lv.id}{_mark(lv.verified)}", lv.title.get(lang), rule] for lv in levels]
    low, high = score_range(inst)
    whole = all(
        float(x).is_integer()
        for x in [low, high, *(lv.min_score for lv in levels if lv.min_score is not None)]
    ) and all(
        v.points is None or float(v.points * item.weight).is_integer()
        for item in inst.items
        for v in inst.scale_for(item, inst.primary).values
    )
    rows = []
    for i, lv in enumerate(levels):
        start = lv.min_score if lv.min_score is not None else low
        following = levels[i + 1].min_score if i + 1 < len(levels) else None
        if following is None:
            band = f"score {start:g} to {high:g}"
        elif whole:
            band = f"score {start:g} to {following - 1:g}"
        else:
            band = f"score {start:g} to below {following:g}"
        rows.append([f"{lv.id}{_mark(lv.verified)}", lv.title.get(lang), band])
    return rows


def condition_text(cond: AnyCondition) -> str:
    """A condition as one line of text: `count(domain ric in yes) ≥ 6 and not level ≥ high`."""
    if isinstance(cond, (AllOf, AnyOf)):
        parts, joiner = (cond.all, " and ") if isinstance(cond, AllOf) else (cond.any, " or ")
        shown = []
        for part in parts:
            text = condition_text(part)
            shown.append(f"({text})" if isinstance(part, (AllOf, AnyOf)) else text)
        return joiner.join(shown)
    if isinstance(cond, Not):
        inner = condition_text(cond.not_)
        return f"not ({inner})" if isinstance(cond.not_, (AllOf, AnyOf)) else f"not {inner}"
    if isinstance(cond, ItemIs):
        test = cond.item
        dim = f".{test.dimension}" if test.dimension else ""
        return f"item {test.id}{dim} in {', '.join(test.in_)}"
    if isinstance(cond, Count):
        c = cond.count
        if c.domain is not None:
            which = f"domain {c.domain}"
        elif c.items is not None:
            which = "items " + ", ".join(c.items)
        else:
            which = "all items"
        dim = f" ({c.dimension})" if c.dimension else ""
        return f"at least {c.at_least} of {which}{dim} in {', '.join(c.in_)}"
    if isinstance(cond, ScoreAtLeast):
        return f"score ≥ {cond.score.at_least:g}"
    if isinstance(cond, LevelAtLeast):
        return f"level ≥ {cond.level.at_least}"
    if isinstance(cond, ContextIs):
        t = cond.context
        if t.at_least is not None:
            return f"{t.id} ≥ {t.at_least}"
        if t.in_ is not None:
            return f"{t.id} in {', '.join(t.in_)}"
        value = json.dumps(t.equals) if isinstance(t.equals, bool) else str(t.equals)
        return f"{t.id} = {value}"
    assert isinstance(cond, JudgementIs)
    j = cond.judgement
    if j.at_least is not None:
        return f"judgement {j.id} ≥ {j.at_least}"
    return f"judgement {j.id} in {', '.join(j.in_ or ())}"


def _width() -> int:
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(" ".join(text.split()), _width()) or [""]


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain table that fits the terminal: the widest columns wrap (never the first)."""
    if not rows:
        return "  (none)"
    count = len(headers)
    table = [list(headers), *[list(r) for r in rows]]
    widths = [max(1, *(len(row[i]) for row in table)) for i in range(count)]
    room = _width() - 2 - 2 * (count - 1)
    while sum(widths) > room:
        widest = max(range(1, count), key=lambda i: widths[i], default=0)
        if widest == 0 or widths[widest] <= 16:
            break
        widths[widest] -= 1
    lines = []
    for row in table:
        cells = [textwrap.wrap(row[i], widths[i]) or [""] for i in range(count)]
        for n in range(max(len(c) for c in cells)):
            parts = [(c[n] if n < len(c) else "").ljust(widths[i]) for i, c in enumerate(cells)]
            lines.append(("  " + "  ".join(parts)).rstrip())
    return "\n".join(lines)


# --- assess -------------------------------------------------------------------------


@main.command("assess")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--instrument", help="Instrument id or path, for files without an 'instrument' key.")
@click.option("--pretty", is_flag=True, help="Indent each result (default: one JSON per line).")
def assess_command(files: tuple[Path, ...], instrument: str | None, pretty: bool) -> None:
    """Assess answer files (YAML or JSON) and print one JSON result per line.

    A file that fails is reported on stderr with the line of each problem, and the
    other files are still assessed; the exit status is 1 if any file failed. From
    10 files on, a progress bar runs on stderr.
    """
    errors: list[str] = []
    done = 0

    def one(path: Path) -> None:
        nonlocal done
        try:
            result = _assess_file(path, instrument)
        except FileFailed as exc:
            errors.extend(exc.lines)
            return
        click.echo(result.model_dump_json(indent=2 if pretty else None))
        done += 1

    if len(files) >= PROGRESS_AFTER:
        with click.progressbar(files, label="Assessing", file=sys.stderr) as bar:
            for path in bar:
                one(path)
    else:
        for path in files:
            one(path)
            for line in errors:
                click.echo(line, err=True)
            errors.clear()
    for line in errors:
        click.echo(line, err=True)
    failed = len(files) - done
    if failed:
        click.echo(f"{failed} of {len(files)} files failed; the others were assessed.", err=True)
        sys.exit(1)


# --- report -------------------------------------------------------------------------


@main.command("report")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS)), default="html", show_default=True
)
@LANG
@click.option("--instrument", help="Instrument id or path, if the file does not name one.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here, not stdout.")
def report_command(
    file: Path, fmt: str, lang: str, instrument: str | None, output: Path | None
) -> None:
    """Assess an answers file and render the report (html, markdown or text)."""
    try:
        text = render_report(_assess_file(file, instrument), fmt, lang)
    except FileFailed as exc:
        for line in exc.lines:
            click.echo(line, err=True)
        sys.exit(1)
    except RiskScoringError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


# --- check --------------------------------------------------------------------------


@main.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
    show_default=True, help="text: path:line:col lines; json: one document; github: annotations.",
)  # fmt: skip
@click.option("--notes", is_flag=True, help="Also list notes: unverified values, skipped stages.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--properties/--no-properties", default=True, show_default=True,
    help="Run the Hypothesis properties.",
)  # fmt: skip
@click.option(
    "--examples", type=click.IntRange(1, 10_000), default=DEFAULT_EXAMPLES, show_default=True,
    help="Examples per property and instrument.",
)  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Hypothesis seed.")
def check_command(
    paths: tuple[Path, ...],
    fmt: str,
    notes: bool,
    strict: bool,
    properties: bool,
    examples: int,
    seed: int,
) -> None:
    """Verify instrument definitions, golden cases and properties.

    PATHS are definition files or folders (every *.yaml in them, golden cases from
    their cases/ folder); none means the built-in instruments. A golden case file
    stands for its instrument. Prints one line per problem,
    `path:line:col: severity: message`; exit 0 when no errors, 1 when any (or any
    warning with --strict), 2 on a usage error.
    """
    try:
        summary = check_definitions(paths, properties=properties, max_examples=examples, seed=seed)
    except FileNotFoundError as exc:  # pragma: no cover - click checks that paths exist
        raise click.UsageError(f"no such path: {exc}") from None
    if summary.definitions == 0:
        raise click.UsageError("no definitions found (*.yaml) in " + ", ".join(map(str, paths)))
    shown = [f for f in summary.findings if notes or f.severity != "note"]
    if fmt == "json":
        document = {
            "findings": [f.to_dict() for f in shown],
            "counts": {s: summary.count(s) for s in ("error", "warning", "note")},
            "definitions": summary.definitions,
            "cases": summary.cases,
            "seconds": round(summary.seconds, 3),
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for finding in shown:
            click.echo(_github(finding) if fmt == "github" else str(finding))
    note_count = summary.count("note")
    hint = "" if notes or not note_count else " (list them with --notes)"
    click.echo(
        f"checked {_n(summary.definitions, 'definition')} and "
        f"{_n(summary.cases, 'golden case')} "
        f"in {summary.seconds:.1f} s: {_n(summary.count('error'), 'error')}, "
        f"{_n(summary.count('warning'), 'warning')}, {_n(note_count, 'note')}{hint}",
        err=True,
    )
    sys.exit(1 if summary.failed(strict=strict) else 0)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github(f: Finding) -> str:
    kind = {"error": "error", "warning": "warning", "note": "notice"}[f.severity]
    where = f"file={f.source},line={f.line or 1},col={f.column or 1}"
    message = f"{f.path}: {f.message}" if f.path else f.message
    return f"::{kind} {where}::{_escape(message)}"


# --- schema -------------------------------------------------------------------------


@main.command("schema")
@click.argument("instrument", required=False)
@click.option("--result", "result", is_flag=True, help="The schema of results instead.")
@click.option(
    "--file", "for_file", is_flag=True,
    help="Allow the 'instrument' key that answer files for this command carry.",
)  # fmt: skip
def schema_command(instrument: str | None, result: bool, for_file: bool) -> None:
    """Print a JSON Schema (Draft 2020-12): an instrument's answers, or with --result results.

    INSTRUMENT is a built-in id or the path of a definition file.
    """
    if result == (instrument is not None):
        raise click.UsageError("give an INSTRUMENT, or --result (not both)")
    if result:
        schema = result_schema()
    else:
        assert instrument is not None
        try:
            inst = load_instrument(instrument)
        except RiskScoringError as exc:
            raise click.ClickException(str(exc)) from None
        schema = answers_schema(inst, instrument_key=for_file)
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()

"""What the command line reads: answers files, stored results, standard input, instruments.

Every read is bounded and refuses what is not a regular file, and JSON is held to the
YAML dialect's rules (see `cli_read`). An input is then told apart: answers, a stored
result, a golden case, a definition.

Messages name a value only when it is code-like (an id, a path); anything else may be
free text, which holds personal data.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..definition import reader as _yaml
from ..definition.instrument import Instrument
from ..definition.loading import list_instruments, load_instrument
from ..definition.result import Result
from ..errors import InstrumentError, InstrumentNotFoundError, ResultError
from .cli_read import (
    MAX_DEPTH,
    MAX_NUMBER,
    MAX_PROBLEMS,
    STDIN_NAME,
    FileFailed,
    looks_like_json,
    parse_json,
    read_bounded,
    read_stdin,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_NUMBER",
    "STDIN_NAME",
    "FileFailed",
    "Input",
    "NotLoaded",
    "load_named",
    "not_answers",
    "read_bounded",
    "read_input",
    "shown",
]

STDIN = "-"
MAX_ANSWERS_BYTES = _yaml.MAX_BYTES
"""An answers file, YAML or JSON, like a definition: 1 MB."""
MAX_RESULT_BYTES = 4 * _yaml.MAX_BYTES
"""A stored result (it repeats the answers' notes and adds the trace): 4 MB."""
SUFFIXES = (".yaml", ".yml", ".json")
"""The files `assess` takes from a folder."""

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
_PATH = re.compile(r"[A-Za-z0-9._+/\\:~-]{1,255}")


class NotLoaded(Exception):
    """An instrument could not be loaded; `missing` when no such id or file exists."""

    def __init__(self, lines: Sequence[str], *, missing: bool) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)
        self.missing = missing


def shown(value: object) -> str:
    """`value` quoted if it is code-like (an id or a path), else a placeholder."""
    if isinstance(value, str) and (_ID.fullmatch(value) or _PATH.fullmatch(value)):
        return repr(value)
    return "(a value that is not an id, not shown)"


def display(path: Path | None) -> str:
    return STDIN_NAME if path is None else str(path)


# --- one input ----------------------------------------------------------------------

Kind = Literal["answers", "result", "case", "definition", "other"]


@dataclass
class Input:
    """One file (or standard input) read and classified."""

    name: str
    kind: Kind
    data: Any
    doc: _yaml.Document | None
    raw: bytes

    def result(self) -> Result:
        """The stored result this input holds; raises `FileFailed` if it is not valid."""
        try:
            return Result.model_validate_json(self.raw)
        except ResultError as exc:
            count = len(exc.problems)
            noun = "problem" if count == 1 else "problems"
            head = f"{self.name}: {count} {noun} in the stored result"
            raise FileFailed([head, *(f"  {self.name}: {p}" for p in exc.problems)]) from None


def _kind(data: Any) -> Kind:
    if not isinstance(data, dict):
        return "other"
    if isinstance(data.get("answers"), dict) and "expect" in data:
        return "case"
    if "provenance" in data and "trace" in data:
        return "result"
    if "scales" in data or "extends" in data:
        return "definition"  # answers have neither key (nor an overlay's)
    if "version" in data and isinstance(data.get("measures"), list):
        return "definition"
    return "answers"


def _yaml_doc(raw: bytes, source: str) -> _yaml.Document:
    try:
        return _yaml.parse(raw, source)
    except _yaml.YAMLProblems as exc:
        lines = []
        for p in exc.problems:
            where = f"{source}:{p.line}:{p.column or 1}" if p.line is not None else source
            lines.append(f"{where}: {p.message}")
        raise FileFailed(lines) from None
    except Exception as exc:  # the reader let a constructor's own error out
        found = _unconstructable(raw, source) or [f"{source}: not readable as YAML"]
        raise FileFailed(found) from exc


def _unconstructable(raw: bytes, source: str) -> list[str]:
    """The values in `raw` that make PyYAML's constructors fail, located: explicitly tagged
    ones (``!!int three``) and integers past Python's 4,300 digits. Values are not shown."""
    import yaml

    lines = []
    try:
        for event in yaml.parse(raw.decode("utf-8-sig")):
            mark = event.start_mark
            if not isinstance(event, yaml.ScalarEvent) or mark is None:
                continue
            tag = event.tag
            where = f"{source}:{mark.line + 1}:{mark.column + 1}"
            if tag and tag != "!":
                short = tag.replace("tag:yaml.org,2002:", "!!")
                name = short if re.fullmatch(r"!![a-z]{1,20}", short) else "an explicit tag"
                lines.append(f"{where}: {name} does not fit this value")
            elif len(event.value) > 4300 and event.value.lstrip("+-").isdigit():
                lines.append(f"{where}: a number of {len(event.value)} characters is too long")
    except Exception:  # the text is broken in some other way: the caller says so
        return lines
    return lines[:MAX_PROBLEMS]


def _positions(raw: bytes, source: str) -> _yaml.Document | None:
    """The YAML reading of JSON text, for the positions of answer problems, if it has one."""
    try:
        return _yaml.parse(raw, source)
    except Exception:  # JSON that YAML reads otherwise only loses positions
        return None


def read_input(path: Path | None) -> Input:
    """Read `path` (None: standard input) and tell what it holds; raises `FileFailed`."""
    name = display(path)
    limit = MAX_RESULT_BYTES
    raw = read_stdin(limit) if path is None else read_bounded(path, limit)
    is_json = looks_like_json(raw) if path is None else path.suffix.lower() == ".json"
    if is_json:
        data = parse_json(raw, name)
        doc = _positions(raw, name) if len(raw) <= MAX_ANSWERS_BYTES else None
    else:
        if len(raw) > MAX_ANSWERS_BYTES:
            raise FileFailed([_too_big(name, len(raw))])
        doc = _yaml_doc(raw, name)
        data = doc.data
    kind = _kind(data)
    if kind == "result" and not is_json:
        kind = "answers"  # results are JSON; YAML with those keys is refused as answers
    if kind != "result" and len(raw) > MAX_ANSWERS_BYTES:
        raise FileFailed([_too_big(name, len(raw))])
    return Input(name, kind, data, doc, raw)


def _too_big(name: str, size: int) -> str:
    return f"{name}: {size} bytes; answers files are limited to {MAX_ANSWERS_BYTES}"


def not_answers(found: Input) -> str | None:
    """Why `found` cannot be assessed, or None when it is an answers mapping."""
    if found.kind == "case":
        return (
            f"{found.name}: a golden case, not an answers file: its answers sit under "
            "'answers:' (`risk-scoring check` runs golden cases)"
        )
    if found.kind == "result":
        return f"{found.name}: a stored result, not answers (`risk-scoring report` prints it)"
    if found.kind == "definition":
        return f"{found.name}: an instrument definition or catalogue, not answers"
    if found.kind == "other":
        return f"{found.name}: an answers file must hold a mapping"
    return None


# --- instruments named by id or path -------------------------------------------------


def _is_path(ref: str) -> bool:
    return "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml"))


def load_named(ref: object, where: str = "") -> Instrument:
    """The instrument `ref` names (a built-in id or a definition path); raises `NotLoaded`.

    An id is matched exactly; a near miss, in case or spelling, gets a did-you-mean.
    """
    prefix = f"{where}: " if where else ""
    if not isinstance(ref, str) or not ref:
        raise NotLoaded([f"{prefix}'instrument' must be an instrument id or path"], missing=False)
    if _is_path(ref):
        if len(ref) > 4096:
            raise NotLoaded([f"{prefix}instrument path too long"], missing=True)
        try:
            return load_instrument(Path(ref))
        except InstrumentNotFoundError:
            raise NotLoaded([f"{prefix}no definition file {shown(ref)}"], missing=True) from None
        except InstrumentError as exc:
            count = len(exc.problems)
            noun = "problem" if count == 1 else "problems"
            head = f"{prefix}instrument {shown(ref)}: {count} {noun} in the definition"
            raise NotLoaded([head, *(f"  {p}" for p in exc.problems)], missing=False) from None
        except OSError as exc:
            raise NotLoaded(
                [f"{prefix}instrument {shown(ref)}: cannot read: {exc.strerror}"], missing=False
            ) from None
    known = list_instruments()
    if ref in known:
        return load_instrument(ref)
    if not _ID.fullmatch(ref):
        raise NotLoaded(
            [f"{prefix}'instrument' is not an instrument id or a definition path"], missing=True
        )
    raise NotLoaded([f"{prefix}no built-in instrument {ref!r}{_hint(ref, known)}"], missing=True)


def _hint(ref: str, known: Sequence[str]) -> str:
    lower = {k.lower(): k for k in known}
    if ref.lower() in lower:
        return f"; did you mean {lower[ref.lower()]!r}? (ids are lower case)"
    close = difflib.get_close_matches(ref.lower(), list(lower), n=1)
    suggestion = f"; did you mean {lower[close[0]]!r}?" if close else ""
    return f"{suggestion} (built-in: {', '.join(known)})"

"""Reading input for the command line: bounded, regular files only, and JSON held to the
YAML dialect's rules.

`read_bounded` refuses what is not a regular file (a folder, a FIFO, `/dev/zero`)
before reading a byte and reads at most its limit. `parse_json` refuses duplicate keys,
nesting deeper than `MAX_DEPTH`, numbers longer than `MAX_NUMBER` characters and the
non-JSON constants `NaN` and `Infinity` at their line and column, so Python's own `json`
never meets them (no `RecursionError`, no int-string limit).
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..definition import files, reader as _yaml
from ..errors import InstrumentError, Problem

STDIN_NAME = "<stdin>"
MAX_DEPTH = _yaml.MAX_DEPTH
MAX_NUMBER = 100
"""Characters in one JSON number; no answer needs more (Python refuses 4,300 digits)."""
MAX_PROBLEMS = 20


class FileFailed(Exception):
    """One input could not be processed; `lines` say why, each located in the file."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = list(lines)


# --- bounded reads ------------------------------------------------------------------


def read_bounded(path: Path, limit: int) -> bytes:
    """At most `limit` bytes of the regular file `path` (`definition.files.read_bounded`,
    which never blocks on a FIFO nor reads a device); raises `FileFailed` otherwise."""
    try:
        return files.read_bounded(path, limit)
    except InstrumentError as exc:
        reason = exc.problems[0].message if exc.problems else "cannot read"
        raise FileFailed([f"{path}: {reason}"]) from None


def read_stdin(limit: int) -> bytes:
    """At most `limit` bytes of standard input; raises `FileFailed` past the limit."""
    raw: bytes = sys.stdin.buffer.read(limit + 1)
    if len(raw) > limit:
        raise FileFailed([f"{STDIN_NAME}: more than {limit} bytes; the limit is {limit}"])
    return raw


# --- JSON held to the YAML dialect's rules --------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_WORD = re.compile(r"true|false|null")
_CONSTANT = re.compile(r"-?Infinity|NaN")
MAX_PROBLEMS = 20


class _NotJSON(Exception):
    """The text is not JSON at this point; `json.loads` says why."""


def _position(text: str, at: int) -> tuple[int, int]:
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def json_problems(text: str, source: str) -> list[Problem]:
    """What the dialect refuses in JSON `text`, located; raises `_NotJSON` on bad syntax.

    An iterative scan (no recursion, so any nesting is safe to look at) that stops at the
    first nesting past `MAX_DEPTH`.
    """
    problems: list[Problem] = []

    def add(at: int, message: str) -> None:
        problems.append(Problem("", message, source, *_position(text, at)))

    stack: list[dict[str, int] | None] = []  # a mapping's keys (their lines), or None
    expect = "value"
    pos = 0
    while len(problems) < MAX_PROBLEMS:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        char = text[pos : pos + 1]
        if expect == "end":
            if pos != len(text):
                raise _NotJSON
            break
        closed = False
        if expect in ("value", "value-or-end"):
            if expect == "value-or-end" and char == "]":
                closed = True
            elif char in ("{", "["):
                stack.append({} if char == "{" else None)
                if len(stack) > MAX_DEPTH:
                    add(pos, f"nesting deeper than {MAX_DEPTH} levels")
                    break
                pos += 1
                expect = "key-or-end" if char == "{" else "value-or-end"
                continue
            elif found := _STRING.match(text, pos) or _WORD.match(text, pos):
                pos = found.end()
            elif found := _NUMBER.match(text, pos):
                token = found.group()
                if len(token) > MAX_NUMBER:
                    add(pos, f"a number of {len(token)} characters; the limit is {MAX_NUMBER}")
                elif not token.lstrip("-").isdigit() and not math.isfinite(float(token)):
                    add(pos, "a number too large to hold")
                pos = found.end()
            elif found := _CONSTANT.match(text, pos):
                add(pos, f"{found.group()} is not a JSON number")
                pos = found.end()
            else:
                raise _NotJSON
        elif expect in ("key", "key-or-end"):
            if expect == "key-or-end" and char == "}":
                closed = True
            else:
                found = _STRING.match(text, pos)
                if found is None:
                    raise _NotJSON
                keys = stack[-1]
                assert keys is not None
                key = json.loads(found.group())
                if key in keys:
                    name = f" {key!r}" if _yaml._CODE_KEY.fullmatch(key) else ""
                    add(pos, f"duplicate key{name} (first on line {keys[key]})")
                else:
                    keys[key] = _position(text, pos)[0]
                pos = found.end()
                expect = "colon"
                continue
        elif expect == "colon":
            if char != ":":
                raise _NotJSON
            pos += 1
            expect = "value"
            continue
        else:  # after a value inside a container
            if char == ",":
                pos += 1
                expect = "key" if stack[-1] is not None else "value"
                continue
            if char != ("}" if stack[-1] is not None else "]"):
                raise _NotJSON
            closed = True
        if closed:
            stack.pop()
            pos += 1
        expect = "next" if stack else "end"
    return problems


def parse_json(raw: bytes, source: str) -> Any:
    """JSON `raw` under the dialect's rules; raises `FileFailed` with located lines."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FileFailed([f"{source}:{line}:{column}: not valid UTF-8"]) from None
    try:
        problems = json_problems(text, source)
    except _NotJSON:
        problems = []
    if problems:
        raise FileFailed([str(p) for p in problems])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileFailed([f"{source}:{exc.lineno}:{exc.colno}: {exc.msg}"]) from None


def looks_like_json(raw: bytes) -> bool:
    """Whether `raw` parses as JSON (standard input is JSON when it does, else YAML)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if text.lstrip()[:1] not in ("{", "["):
        return False
    try:
        if json_problems(text, ""):
            return True  # JSON that the dialect refuses: parse_json says why
    except _NotJSON:
        return False
    try:
        json.loads(text)
    except (json.JSONDecodeError, ValueError, RecursionError):
        return False
    return True

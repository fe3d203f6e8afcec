"""A strict, safe YAML reader that remembers where every value came from.

PyYAML's SafeLoader is the parser; on top of it we refuse anchors and aliases (no
"billion laughs"), explicit tags, duplicate keys, over-deep nesting, files with too
many values, oversized files and special (control) characters, and we read only
`true`/`false` as booleans so that `yes`, `no`, `on` and `NO` stay strings. Errors
become `Problem`s with 1-based line and column. The limits bound the time and memory a
hostile file can cost (see docs/security.md for the measured figures).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Problem

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 50_000
"""Values (scalars, mappings and sequences, keys included) in one file. The largest
built-in instrument has about 1,600; 50,000 take well under a second to scan."""

_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_CODE_KEY = re.compile(r"[A-Za-z0-9_.+-]{1,40}")
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
)


class _Refused(yaml.MarkedYAMLError):
    """A construct our dialect does not allow, at a position."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader (libyaml's when present) without YAML 1.1 booleans or sexagesimals."""


def _scan(text: str) -> None:
    """Refuse aliases, anchors, over-deep nesting and too many values, before composing.

    This walks the event stream, which the parser produces without recursion, so a
    hostile file is refused before any tree is built from it.
    """
    depth = nodes = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("aliases (*name) are not allowed", event.start_mark)
        if not isinstance(event, yaml.NodeEvent):
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            continue
        if event.anchor is not None:
            raise _Refused("anchors (&name) are not allowed", event.start_mark)
        nodes += 1
        if nodes > MAX_NODES:
            raise _Refused(f"more than {MAX_NODES} values in one file", event.start_mark)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(f"nesting deeper than {MAX_DEPTH} levels", event.start_mark)


def _without(tag: str) -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    return {
        first: [(t, rx) for t, rx in resolvers if t != tag]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


_Loader.yaml_implicit_resolvers = _without("tag:yaml.org,2002:bool")
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))
# Integers: decimal only (PyYAML would read 1:30 as 90 and 012 as 10).
_Loader.yaml_implicit_resolvers = {
    first: [(t, rx) for t, rx in resolvers if t != "tag:yaml.org,2002:int"]
    for first, resolvers in _Loader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*))$"), list("-+0123456789")
)


@dataclass(frozen=True)
class Document:
    """Parsed YAML data together with its node tree, for locating values."""

    data: Any
    root: yaml.Node | None
    source: str
    _keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def locate(
        self, loc: Sequence[object], *, at_key: bool = False
    ) -> tuple[int | None, int | None, str]:
        """Line, column (1-based) and dotted path of the deepest node `loc` reaches.

        Segments that are not keys or indexes of the document (pydantic adds union tags
        and validator names) are skipped, so the nearest real position is returned. A
        last segment that is missing from the document (a required key) stays in the path.
        With `at_key`, the position is that of the last key rather than of its value.
        """
        node = self.root
        if node is None:
            return None, None, ".".join(map(str, loc))
        path: list[str] = []
        mark = node.start_mark
        for segment in loc:
            found = self._child(node, segment)
            if found is not None:
                key, node = found
                mark = key.start_mark if at_key and key is not None else node.start_mark
                path.append(str(segment))
        if loc and (not path or path[-1] != str(loc[-1])) and isinstance(loc[-1], str):
            path.append(loc[-1])
        return mark.line + 1, mark.column + 1, ".".join(path)

    def problem(self, loc: Sequence[object], message: str, *, at_key: bool = False) -> Problem:
        """A `Problem` at `loc`, with its dotted path and position in this file."""
        line, column, path = self.locate(loc, at_key=at_key)
        return Problem(path, message, self.source, line, column)

    def _child(self, node: yaml.Node, segment: object) -> tuple[yaml.Node | None, yaml.Node] | None:
        """The (key, value) nodes `segment` names inside `node`; key is None in a sequence.

        Mappings are indexed on first use, so locating every one of many problems costs
        linear, not quadratic, time.
        """
        if isinstance(node, yaml.MappingNode):
            index = self._keys.get(id(node))
            if index is None:
                index = {}
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode):
                        index.setdefault(key.value, (key, value))
                self._keys[id(node)] = index
            return index.get(str(segment))
        if isinstance(node, yaml.SequenceNode) and isinstance(segment, int):
            return (None, node.value[segment]) if 0 <= segment < len(node.value) else None
        return None


class YAMLProblems(Exception):
    """Raised by `parse` with every problem found in the text."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def parse(raw: bytes | str, source: str) -> Document:
    """Parse one YAML document from `raw`, checking it against our dialect.

    Raises `YAMLProblems` listing what is wrong, each with a position where one exists.
    """
    text = _decode(raw, source)
    special = _NON_PRINTABLE.search(text)
    if special is not None:
        raise YAMLProblems([_special(special.start(), text, source)])
    loader = _Loader(text)
    try:
        _scan(text)
        root = loader.get_single_node()
        problems = _check_tree(root, source) if root is not None else []
        if problems:
            raise YAMLProblems(problems)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise YAMLProblems([Problem("", message, source, line, column)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks all parse errors
        raise YAMLProblems([Problem("", type(exc).__name__, source)]) from None
    finally:
        loader.dispose()
    return Document(data, root, source)


def _special(at: int, text: str, source: str) -> Problem:
    """The position of a character YAML does not allow (NUL, other controls, U+FFFE)."""
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    message = f"special character U+{ord(text[at]):04X} is not allowed"
    return Problem("", message, source, line, column)


def _decode(raw: bytes | str, source: str) -> str:
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    if size > MAX_BYTES:
        raise YAMLProblems([Problem("", f"file is {size} bytes; the limit is {MAX_BYTES}", source)])
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})"
        raise YAMLProblems([Problem("", message, source, line, column)]) from None


def _check_tree(root: yaml.Node, source: str) -> list[Problem]:
    """Every explicit tag and duplicate key in the tree, in document order."""
    problems: list[Problem] = []
    stack = [root]
    while stack:
        node = stack.pop()
        mark = node.start_mark
        if node.tag not in _CORE_TAGS:
            problems.append(
                Problem(
                    "", f"tag {node.tag!r} is not allowed", source, mark.line + 1, mark.column + 1
                )
            )
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key, value in node.value:
                ident = key.value if isinstance(key, yaml.ScalarNode) else id(key)
                if ident in seen:
                    # Keys are codes in definitions, but an answers file could hold free text
                    # (personal data) as a key: show only code-like keys.
                    shown = f" {key.value!r}" if _CODE_KEY.fullmatch(str(key.value)) else ""
                    problems.append(
                        Problem(
                            "",
                            f"duplicate key{shown} (first on line {seen[ident]})",
                            source,
                            key.start_mark.line + 1,
                            key.start_mark.column + 1,
                        )
                    )
                else:
                    seen[ident] = key.start_mark.line + 1
                stack.extend((value, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems

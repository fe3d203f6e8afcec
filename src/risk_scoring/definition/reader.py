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

MAX_INT_DIGITS = 4_300
"""Digits in one whole number: Python's own limit for converting text to int (3.11)."""

_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_CODE_KEY = re.compile(r"[A-Za-z0-9_.+-]{1,40}")
_TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null"))
_SCALAR_TAGS = frozenset((STR, INT, FLOAT, BOOL, NULL))
_COLLECTION_TAGS = {f"{_TAG}map": yaml.MappingNode, f"{_TAG}seq": yaml.SequenceNode}
_CORE_TAGS = _SCALAR_TAGS | frozenset(_COLLECTION_TAGS)

# The dialect's scalars. Plain (unquoted) scalars resolve by these and nothing else, and
# an explicit core tag (``!!int 5``) is accepted only on a scalar that matches its own
# regex, so no tag brings back YAML 1.1's forms (``!!int 0x1F``, ``!!int 1:30``,
# ``!!bool yes``). Everything else is text: ``yes``, ``NO``, ``012``, ``1_000``,
# ``1:30``, ``1e5``, ``=`` and dates (``2026-11-22``).
_NULL_RX = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_RX = re.compile(r"^(?:true|false)$")
_INT_RX = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT_RX = re.compile(
    r"^(?:[-+]?[0-9]+\.[0-9]*(?:[eE][-+][0-9]+)?|\.[0-9]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_WANTS = {
    NULL: "an empty value, '~' or 'null'",
    BOOL: "'true' or 'false'",
    INT: "a whole number in decimal digits (with an optional sign; no 0x, 0o, _ or :)",
    FLOAT: "a decimal number with a point (1.5, -0.25, 2.0e+3)",
}


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else repr(tag)


class _Refused(yaml.MarkedYAMLError):
    """A construct our dialect does not allow, at a position."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def scalar(node: yaml.ScalarNode) -> object:
    """The value of a scalar node under the dialect's rules; `_Refused` at the node if none.

    Messages never quote the scalar: an answers file may hold free text under a tag.
    """
    tag, text = node.tag, node.value
    if tag == STR:
        return text
    if tag == INT and _INT_RX.match(text):
        digits = len(text) - (text[0] in "+-")
        if digits > MAX_INT_DIGITS:
            raise _Refused(
                f"a whole number of {digits} digits; the limit is {MAX_INT_DIGITS}",
                node.start_mark,
            )
        try:
            return int(text)
        except ValueError:  # a process that lowered sys.set_int_max_str_digits
            raise _Refused("a whole number too long to read", node.start_mark) from None
    if tag == FLOAT and _FLOAT_RX.match(text):
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if lowered[0] == "-" else float("inf")
        if lowered == ".nan":
            return float("nan")
        return float(text)
    if tag == BOOL and _BOOL_RX.match(text):
        return text == "true"
    if tag == NULL and _NULL_RX.match(text):
        return None
    if tag in _WANTS:
        raise _Refused(f"{_short(tag)} needs {_WANTS[tag]}; this value is not one", node.start_mark)
    raise _Refused(f"tag {tag!r} is not allowed", node.start_mark)  # pragma: no cover


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader (libyaml's when present) that reads only the dialect's scalars."""


def _construct_scalar(loader: Any, node: yaml.Node) -> object:
    if not isinstance(node, yaml.ScalarNode):
        raise _Refused(f"{_short(node.tag)} needs a single value", node.start_mark)
    return scalar(node)


_Loader.yaml_implicit_resolvers = {}
for _tag, _rx, _first in (
    (NULL, _NULL_RX, ["~", "n", "N", ""]),
    (BOOL, _BOOL_RX, list("tf")),
    (INT, _INT_RX, list("-+0123456789")),
    (FLOAT, _FLOAT_RX, list("-+0123456789.")),
    # Kept only so that a merge key (<<) is refused by name, as every other tag is.
    (f"{_TAG}merge", re.compile(r"^(?:<<)$"), ["<"]),
):
    _Loader.add_implicit_resolver(_tag, _rx, _first)
_Loader.yaml_constructors = {
    key: value
    for key, value in _Base.yaml_constructors.items()
    if key in (STR, f"{_TAG}map", f"{_TAG}seq", None)
}
for _tag in (INT, FLOAT, BOOL, NULL):
    _Loader.add_constructor(_tag, _construct_scalar)


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
        data = _construct(loader, root) if root is not None else None
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


def _construct(loader: Any, root: yaml.Node) -> Any:
    """The Python data of `root`; any failure is refused at the root's position.

    `_check_tree` has already refused every value the constructors could fail on, so
    this is a last line of defence: no constructor's own exception may leave `parse`.
    """
    try:
        return loader.construct_document(root)
    except yaml.MarkedYAMLError:
        raise
    except Exception as exc:  # pragma: no cover - nothing known reaches this
        raise _Refused(
            f"a value could not be read ({type(exc).__name__})", root.start_mark
        ) from None


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
    """Every tag, value and duplicate key the dialect refuses, in document order.

    Scalars under a core tag must match that tag's regex (so construction cannot fail),
    and keys are compared by the values they construct, as the mapping would hold them:
    ``+1`` and ``1``, ``null`` and ``~``, ``1.0`` and ``1.00`` are the same key.
    """
    problems: list[Problem] = []

    def refuse(message: str, mark: Any) -> None:
        problems.append(Problem("", message, source, mark.line + 1, mark.column + 1))

    values: dict[int, object] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        mark = node.start_mark
        if node.tag not in _CORE_TAGS:
            refuse(f"tag {node.tag!r} is not allowed", mark)
        elif isinstance(node, yaml.ScalarNode):
            if node.tag in _COLLECTION_TAGS:
                refuse(f"{_short(node.tag)} needs a {_noun(node.tag)}, not a single value", mark)
            elif node.tag != STR:
                try:
                    values[id(node)] = scalar(node)
                except _Refused as exc:
                    refuse(str(exc.problem), mark)
        elif node.tag in _SCALAR_TAGS or not isinstance(node, _COLLECTION_TAGS[node.tag]):
            wanted = "a single value" if node.tag in _SCALAR_TAGS else f"a {_noun(node.tag)}"
            refuse(f"{_short(node.tag)} needs {wanted}", mark)
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key, value in node.value:
                ident = _key(key, values)
                try:
                    first = seen.get(ident)
                except TypeError:  # pragma: no cover - scalar values are hashable
                    first = None
                if first is not None:
                    # Keys are codes in definitions, but an answers file could hold free text
                    # (personal data) as a key: show only code-like keys.
                    shown = f" {key.value!r}" if _CODE_KEY.fullmatch(str(key.value)) else ""
                    refuse(f"duplicate key{shown} (first on line {first})", key.start_mark)
                else:
                    seen[ident] = key.start_mark.line + 1
                stack.extend((value, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems


def _noun(tag: str) -> str:
    return "mapping" if tag == f"{_TAG}map" else "sequence"


def _key(key: yaml.Node, values: dict[int, object]) -> object:
    """What `key` is as a key of the constructed mapping (equal keys collide there)."""
    if not isinstance(key, yaml.ScalarNode):
        return ("node", id(key))  # unhashable once constructed: refused there, located
    if key.tag == STR:
        return key.value
    # Keys are checked before their values are computed (the stack is depth first, keys
    # pushed last), so compute it here when the tag walk has not yet.
    if id(key) not in values:
        try:
            values[id(key)] = scalar(key)
        except _Refused:
            return ("node", id(key))  # reported when the walk reaches the key itself
    return values[id(key)]

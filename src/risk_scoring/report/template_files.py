"""Which template files a report may use, and reading them safely.

``template=`` is a file or a folder. A file must be a regular file with a template
suffix (`TEMPLATE_SUFFIXES`) of at most `MAX_TEMPLATE_BYTES`; a folder stands for its
report template of the format (`FORMATS`), and `FolderLoader` reads from it only what
lies inside it (no ``..``, no symlink out of it), under the same rules.
"""

from __future__ import annotations

import os
import stat as _stat
from collections.abc import Callable
from pathlib import Path

import jinja2
from jinja2.loaders import split_template_path

from ..definition import files
from ..errors import InstrumentError, ReportError

FORMATS = {"html": "report.html.j2", "markdown": "report.md.j2", "text": "report.txt.j2"}
"""The report template of each format."""
TEMPLATE_SUFFIXES = frozenset((".j2", ".jinja", ".jinja2", ".html", ".htm", ".md", ".txt"))
"""What a template file's name may end in (``template=`` and everything it includes)."""
MAX_TEMPLATE_BYTES = 1_000_000
"""Size of one custom template file."""


class Refused(jinja2.TemplateError):
    """A custom template file that may not be read; the message says why."""


def _within(root: str, path: str) -> bool:
    try:
        return os.path.commonpath([root, path]) == root
    except ValueError:  # different drives
        return False


class FolderLoader(jinja2.BaseLoader):
    """Templates from one folder: nothing outside it, regular template files only.

    A name is split as Jinja2 splits it (``..`` refused), joined to the folder and
    resolved; a path that resolves outside the folder (a symlink to ``/etc/passwd`` or
    to another folder) is refused, as is a file that is not regular, is larger than
    `MAX_TEMPLATE_BYTES` or lacks a template suffix. Files are read bounded and without
    blocking (`files.read_bounded`).
    """

    def __init__(self, folder: Path) -> None:
        self.root = os.path.realpath(folder)

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        joined = os.path.join(self.root, *pieces)
        if not os.path.lexists(joined):
            raise jinja2.TemplateNotFound(template)
        real = os.path.realpath(joined)
        if not _within(self.root, real):
            raise Refused("it resolves outside the template folder")
        if os.path.splitext(real)[1].lower() not in TEMPLATE_SUFFIXES:
            raise Refused(_suffix_rule())
        try:
            raw, stamp = files.read_bounded_with_stamp(real, MAX_TEMPLATE_BYTES)
        except InstrumentError as exc:
            raise Refused(exc.problems[0].message) from None
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refused("it is not valid UTF-8") from None

        def uptodate() -> bool:
            try:
                return files.stamp(os.stat(real)) == stamp
            except OSError:
                return False

        return source, real, uptodate


def _suffix_rule() -> str:
    return "a template file's name must end in " + ", ".join(sorted(TEMPLATE_SUFFIXES))


def template_location(template: object, fmt: str) -> tuple[Path, str]:
    """The folder and template name that ``template=`` stands for.

    A folder stands for its report template of `fmt`; a file must be a regular file
    with a template suffix of at most `MAX_TEMPLATE_BYTES` (so ``/proc/self/environ``,
    ``/dev/zero`` or a FIFO is refused before anything is read).
    """
    if not isinstance(template, (str, os.PathLike)) or not isinstance(os.fspath(template), str):
        raise ReportError(f"template= must be a file or folder path, not {type(template).__name__}")
    path = Path(template)
    info = _stat_or_none(path)
    if info is None:
        raise ReportError(f"no template file or folder at {path}")
    if _stat.S_ISDIR(info.st_mode):
        return path, FORMATS[fmt]
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise ReportError(f"template {path.name!r} refused: {_suffix_rule()}")
    if not _stat.S_ISREG(info.st_mode):
        raise ReportError(f"template {path.name!r} refused: not a regular file")
    if info.st_size > MAX_TEMPLATE_BYTES:
        raise ReportError(
            f"template {path.name!r} refused: file is {info.st_size} bytes; "
            f"the limit is {MAX_TEMPLATE_BYTES}"
        )
    return path.parent, path.name


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None

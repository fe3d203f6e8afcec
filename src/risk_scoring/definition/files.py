"""Reading a file a user named: bounded, never blocking, and only regular files.

`read_bounded(path, limit)` is the one way the library reads a file whose name came from
a caller (definitions, catalogues, golden cases, custom templates, answers files). It

1. stats the path and refuses anything but a regular file (a FIFO would block the
   reader forever, ``/dev/zero`` never ends, a directory cannot be read) and any file
   larger than `limit`, *before* opening it, so a 1 GB sparse file costs nothing;
2. opens it without blocking (``O_NONBLOCK``: a FIFO swapped in after the stat cannot
   hang the open) and checks again, on the open descriptor, that it is the same
   regular file;
3. reads at most ``limit + 1`` bytes, so a file that grows while it is read is still
   refused without reading more than the limit.

Every failure is our own error, with the path as its source and no exception chained:

- `InstrumentNotFoundError` when nothing is there (no such file, a path through a
  non-folder, a name too long for the file system, a symlink loop);
- `InstrumentError` otherwise: not a regular file, too large, no permission, an I/O error.

Both carry exactly one `Problem` (``exc.problems[0].message`` is the reason) and
``exc.path`` is the path. Callers outside the definition layer re-raise the message as
their own error (a template's `ReportError`, the command line's file failure).

>>> read_bounded("/nonexistent/answers.json", 1_000)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
risk_scoring.errors.InstrumentNotFoundError: /nonexistent/answers.json: 1 problem ...
"""

from __future__ import annotations

import errno
import os
import stat as _stat

from ..errors import InstrumentError, InstrumentNotFoundError, Problem

__all__ = ["Stamp", "read_bounded", "read_bounded_with_stamp", "regular_file", "stamp"]

Stamp = tuple[int, int, int, int, int]
"""What identifies one version of a file: device, inode, size, mtime and ctime (ns)."""

_MISSING = {errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP}
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_FLAGS |= getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def _kind(mode: int) -> str:
    if _stat.S_ISDIR(mode):
        return "a folder"
    if _stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if _stat.S_ISCHR(mode) or _stat.S_ISBLK(mode):
        return "a device"
    if _stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refused(source: str, message: str) -> InstrumentError:
    return InstrumentError([Problem("", message, source)], source)


def _os_error(source: str, exc: OSError) -> InstrumentError:
    if exc.errno in _MISSING:
        why = "the name is too long" if exc.errno == errno.ENAMETOOLONG else "no such file"
        return InstrumentNotFoundError(source, why)
    return _refused(source, f"cannot read: {exc.strerror or type(exc).__name__}")


def stamp(info: os.stat_result) -> Stamp:
    """The cache key part of a stat: a changed, replaced or rewritten file differs."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _name(path: object) -> str:
    if isinstance(path, str):
        return path
    try:
        name = os.fspath(path)  # type: ignore[call-overload]
    except TypeError:
        name = None
    if not isinstance(name, str):
        raise InstrumentError(
            [Problem("", f"expected a file name or path, not {type(path).__name__}")]
        )
    return name


def regular_file(path: str | os.PathLike[str], limit: int | None = None) -> os.stat_result:
    """`os.stat(path)` of a regular file (symlinks followed) of at most `limit` bytes.

    Raises `InstrumentNotFoundError` when nothing is there and `InstrumentError` for
    anything else that is not a readable regular file, as `read_bounded` does.
    """
    source = _name(path)
    try:
        info = os.stat(source)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        if isinstance(exc, OSError):
            raise _os_error(source, exc) from None
        raise InstrumentNotFoundError(source, "no such file") from None
    if not _stat.S_ISREG(info.st_mode):
        raise _refused(source, f"{_kind(info.st_mode)}, not a regular file")
    if limit is not None and info.st_size > limit:
        raise _refused(source, f"file is {info.st_size} bytes; the limit is {limit}")
    return info


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at `path`, refusing it if it holds more than `limit`.

    Never blocks (FIFOs and devices are refused before they are opened, and the open
    itself does not wait) and never reads more than ``limit + 1`` bytes. Raises
    `InstrumentNotFoundError` when there is no file and `InstrumentError` for anything
    else (each with one problem saying why, and the path as its source).
    """
    data, _ = read_bounded_with_stamp(path, limit)
    return data


def read_bounded_with_stamp(path: str | os.PathLike[str], limit: int) -> tuple[bytes, Stamp]:
    """`read_bounded`, and the `stamp` of the file that was actually read."""
    before = regular_file(path, limit)
    source = _name(path)
    try:
        fd = os.open(source, _FLAGS)
    except OSError as exc:
        raise _os_error(source, exc) from None
    try:
        info = os.fstat(fd)
        if not _stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            raise _refused(source, "the file was replaced while it was read")
        if info.st_size > limit:
            raise _refused(source, f"file is {info.st_size} bytes; the limit is {limit}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _os_error(source, exc) from None
    finally:
        os.close(fd)
    if size > limit:
        raise _refused(source, f"file is more than {limit} bytes; the limit is {limit}")
    return b"".join(chunks), stamp(info)

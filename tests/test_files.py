"""Files a caller names are read bounded, without blocking, and only if they are regular.

Threat model: docs/security.md §1 and §2 ("Unbounded or blocking reads"). Each test is a
reproducer from issue 15 / the red-team report (D5, D11, D12): a FIFO blocked `check`
forever, `/dev/zero` read until memory ran out, a 1 GB sparse file was read whole before
its size was refused, and a 300-character id raised `OSError`.
"""

from __future__ import annotations

import os
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

import risk_scoring as rs
from risk_scoring.definition import files, loading, reader as _yaml
from risk_scoring.tooling.check import check_definitions, check_file, definition_files
from risk_scoring.tooling.golden import read_case

BLOCKED_AFTER = 10.0
"""Seconds after which a read counts as blocked (each call here takes milliseconds)."""


def finishes(call: Callable[[], object]) -> object:
    """Run `call` in a thread; fail (rather than hang the suite) if it blocks."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(BLOCKED_AFTER)
    assert not thread.is_alive(), "the read blocked"
    return outcome[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):  # pragma: no cover - Windows
        pytest.skip("no FIFOs on this system")
    path = tmp_path / "fifo.yaml"
    os.mkfifo(path)
    return path


@pytest.fixture
def sparse(tmp_path: Path) -> Path:
    """A 1 GB file that takes no disk space (a hole)."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(1_000_000_000)
    return path


ODD = ["fifo", "/dev/zero", "folder"]


def _odd(kind: str, fifo: Path, tmp_path: Path) -> Path:
    if kind == "fifo":
        return fifo
    if kind == "folder":
        return tmp_path
    if not os.path.exists(kind):  # pragma: no cover - not Linux
        pytest.skip(f"no {kind} here")
    return Path(kind)


@pytest.mark.parametrize("kind", ODD)
def test_read_bounded_refuses_what_is_not_a_regular_file(
    kind: str, fifo: Path, tmp_path: Path
) -> None:
    path = _odd(kind, fifo, tmp_path)
    error = finishes(lambda: files.read_bounded(path, 1000))
    assert isinstance(error, rs.InstrumentError)
    assert not isinstance(error, rs.InstrumentNotFoundError)
    (problem,) = error.problems
    assert problem.source == str(path)
    assert problem.message.endswith("not a regular file")
    assert error.__cause__ is None
    assert error.__context__ is None


@pytest.mark.parametrize("kind", ODD)
@pytest.mark.parametrize(
    "reader",
    [
        rs.load_instrument,
        rs.load_catalogue,
        lambda p: check_file(p, properties=False),
        lambda p: check_definitions([p], properties=False),
        read_case,
    ],
    ids=["load_instrument", "load_catalogue", "check_file", "check_definitions", "read_case"],
)
def test_odd_files_are_refused_everywhere_without_blocking(
    kind: str, reader: Callable[[Path], object], fifo: Path, tmp_path: Path
) -> None:
    """D5: `check_file(fifo)` blocked forever and `check_file('/dev/zero')` read forever."""
    path = _odd(kind, fifo, tmp_path)
    if kind == "folder" and reader is not rs.load_instrument and "check" in repr(reader):
        pytest.skip("a folder is a set of definitions to check")
    outcome = finishes(lambda: reader(path))
    if isinstance(outcome, BaseException):
        assert isinstance(outcome, rs.InstrumentError), repr(outcome)
        assert "not a regular file" in str(outcome)
        return
    findings = outcome if isinstance(outcome, list) else outcome.findings  # type: ignore[attr-defined]
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) == 1
    assert errors[0].stage == "file"
    assert errors[0].message.endswith("not a regular file")


def test_a_huge_sparse_file_is_refused_without_reading_it(sparse: Path) -> None:
    """D5: a 1 GB sparse file cost 1 GB of memory before its size was refused."""
    for read in (
        rs.load_instrument,
        rs.load_catalogue,
        lambda p: check_file(p, properties=False),
        read_case,
    ):
        tracemalloc.start()
        start = time.perf_counter()
        try:
            outcome = finishes(lambda read=read: read(sparse))  # type: ignore[misc]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert time.perf_counter() - start < 2.0
        assert peak < 5_000_000, f"{peak / 1e6:.0f} MB traced"
        text = str(outcome) if isinstance(outcome, BaseException) else str(outcome[0])  # type: ignore[index]
        assert f"file is 1000000000 bytes; the limit is {_yaml.MAX_BYTES}" in text


def test_a_file_that_grows_after_its_stat_is_read_only_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size from `stat` is not trusted: at most limit + 1 bytes are ever read."""
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"x" * 5000)
    real_stat, real_fstat = os.stat, os.fstat

    def small(info: os.stat_result) -> os.stat_result:
        fields = list(info)
        fields[6] = 10  # st_size, as it was when the file was stat-ed
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", lambda p, *a, **k: small(real_stat(p, *a, **k)))
    monkeypatch.setattr(os, "fstat", lambda fd: small(real_fstat(fd)))
    reads: list[int] = []
    real_read = os.read

    def counted_read(fd: int, n: int) -> bytes:
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counted_read)
    with pytest.raises(rs.InstrumentError, match="file is more than 1000 bytes"):
        files.read_bounded(path, 1000)
    assert sum(reads) <= 1001


def test_a_missing_file_and_an_overlong_name_are_not_found(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.yaml", tmp_path / ("a" * 300 + ".yaml"), tmp_path / "f" / "x"):
        with pytest.raises(rs.InstrumentNotFoundError) as info:
            files.read_bounded(path, 1000)
        assert info.value.path == str(path)
        with pytest.raises(rs.InstrumentNotFoundError):
            rs.load_instrument(path)
        with pytest.raises(rs.InstrumentNotFoundError):
            rs.load_catalogue(path)


def test_a_file_without_permission_is_refused_with_our_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("id: x\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # pragma: no cover - running as root
            pytest.skip("root reads every file")
        with pytest.raises(rs.InstrumentError, match="cannot read: Permission denied"):
            rs.load_instrument(path)
    finally:
        path.chmod(0o600)


# --- ids and paths ------------------------------------------------------------------------


def test_an_overlong_id_is_not_found_and_not_quoted() -> None:
    """D4/D12: `load_instrument('a' * 300)` raised `OSError: File name too long`."""
    with pytest.raises(rs.InstrumentNotFoundError) as info:
        rs.load_instrument("a" * 300)
    assert "a" * 30 not in str(info.value)
    assert "300 characters" in str(info.value)


def test_an_id_that_is_free_text_is_not_quoted() -> None:
    """D10g: an answers file's `instrument:` may hold anything; only codes are quoted."""
    with pytest.raises(rs.InstrumentNotFoundError) as info:
        rs.load_instrument("Kari Nordmann 010290")
    assert "Nordmann" not in str(info.value)


@pytest.mark.parametrize(("typed", "meant"), [("SARA-V3", "sara-v3"), ("Dash", "dash")])
def test_an_id_in_the_wrong_case_gets_a_did_you_mean(typed: str, meant: str) -> None:
    """Issue 14: `SARA-V3` got no did-you-mean."""
    with pytest.raises(rs.InstrumentNotFoundError, match=f"did you mean '{meant}'"):
        rs.load_instrument(typed)


@pytest.mark.parametrize("ref", [123, None, b"dash", 1.5, ["dash"]])
def test_a_reference_that_is_neither_id_nor_path_is_our_error(ref: object) -> None:
    """D12: `load_instrument(123)` raised `TypeError`."""
    with pytest.raises(rs.InstrumentNotFoundError, match="expected an instrument id or a file"):
        rs.load_instrument(ref)  # type: ignore[arg-type]


def test_check_definitions_on_a_missing_path_raises_our_error() -> None:
    """D12: `check_definitions(['/nope'])` raised `FileNotFoundError`."""
    for paths in (["/nope"], ["/" + "n" * 5000]):
        with pytest.raises(rs.InstrumentNotFoundError):
            check_definitions(paths, properties=False)
        with pytest.raises(rs.InstrumentNotFoundError):
            definition_files(paths)


def test_a_missing_file_is_a_finding_of_check_file(tmp_path: Path) -> None:
    (finding,) = check_file(tmp_path / "nope.yaml", properties=False)
    assert (finding.severity, finding.stage, finding.message) == ("error", "file", "no such file")


def test_a_measures_yaml_beside_that_cannot_be_read_is_an_error(tmp_path: Path, fifo: Path) -> None:
    """Never silently replaced by the built-in catalogue."""
    (fifo.parent / "dash.yaml").write_bytes((loading.builtin_dir() / "dash.yaml").read_bytes())
    fifo.rename(fifo.parent / loading.CATALOGUE_FILE)
    outcome = finishes(lambda: rs.load_instrument(fifo.parent / "dash.yaml"))
    assert isinstance(outcome, rs.InstrumentError)
    assert "not a regular file" in str(outcome)


# --- the cache ------------------------------------------------------------------------------


def test_a_definition_replaced_with_the_same_size_and_time_is_read_again(tmp_path: Path) -> None:
    """The cache key includes the inode and the change time, not only mtime and size."""
    raw = (loading.builtin_dir() / "dash.yaml").read_bytes()
    path = tmp_path / "dash.yaml"
    path.write_bytes(raw)
    first = rs.load_instrument(path)
    stat = path.stat()
    changed = raw.replace(b'\nversion: "', b'\nversion: "Z', 1).replace(b"\n\n", b"\n", 1)
    assert len(changed) == len(raw)
    replacement = tmp_path / "new.yaml"
    replacement.write_bytes(changed)
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    replacement.replace(path)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    second = rs.load_instrument(path)
    assert second is not first
    assert second.version == "Z" + first.version
    assert rs.load_instrument(path) is second

"""Hostile answers files through the command line (red-team D3, D4, D5, D10g).

Every failure is a located message with exit status 1 or 2, never a traceback, and no
free text from the file reaches stderr. The fuzz test at the end feeds a bounded,
seeded stream of mutated files to `assess` and `report`.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from risk_scoring.tooling import cli_input
from risk_scoring.tooling.cli import main
from tests.security_support import SENTINEL, leaks

ROOT = Path(__file__).resolve().parents[1]
DASH_NO = {str(n): "no" for n in range(1, 25)}


def run(*args: str | Path, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- JSON held to the YAML dialect ------------------------------------------------------


def test_json_with_a_duplicate_key_is_refused_with_its_position(tmp_path: Path) -> None:
    text = (
        '{"instrument": "dash",\n "items": ' + json.dumps(DASH_NO) + ",\n"
        ' "context": {"incidents_last_12_months": 3,\n'
        '             "incidents_last_12_months": 0}}'
    )
    path = write(tmp_path, "dup.json", text)
    result = run("assess", path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{path}:4:14: duplicate key 'incidents_last_12_months' (first on line 3)" in (
        result.stderr
    )


def test_a_duplicate_free_text_key_is_not_shown(tmp_path: Path) -> None:
    text = json.dumps({"instrument": "dash", "items": DASH_NO})[:-1]
    text += f', "{SENTINEL}": 1, "{SENTINEL}": 2}}'
    result = run("assess", write(tmp_path, "dup.json", text))
    assert result.exit_code == 1
    assert "duplicate key (first on line 1)" in result.stderr
    assert not leaks(result.stderr)


@pytest.mark.parametrize("depth", [41, 100_000])
def test_deep_nesting_is_refused_at_the_limit(tmp_path: Path, depth: int) -> None:
    path = write(tmp_path, "deep.json", '{"items": ' + "[" * depth + "]" * depth + "}")
    result = run("assess", path, "--instrument", "dash")
    assert result.exit_code == 1
    assert f"nesting deeper than {cli_input.MAX_DEPTH} levels" in result.stderr
    piped = run("assess", "-", "--instrument", "dash", input="[" * depth)
    assert piped.exit_code == 1
    assert "nesting deeper than" in piped.stderr


def test_a_5000_digit_number_is_refused(tmp_path: Path) -> None:
    context = '{"incidents_last_12_months": ' + "1" * 5000 + "}"
    text = '{"instrument": "dash", "items": ' + json.dumps(DASH_NO) + ', "context": ' + context
    path = write(tmp_path, "big.json", text + "}")
    result = run("assess", path)
    assert result.exit_code == 1
    assert "a number of 5000 characters; the limit is 100" in result.stderr
    yaml_path = write(tmp_path, "big.yaml", f"instrument: dash\ncontext: {context}\n")
    assert run("assess", yaml_path).exit_code == 1


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_json_numbers_are_refused(tmp_path: Path, constant: str) -> None:
    path = write(tmp_path, "nan.json", '{"instrument": "dash", "items": {"1": ' + constant + "}}")
    result = run("assess", path)
    assert result.exit_code == 1
    assert f"{path}:1:39: " in result.stderr


def test_a_bad_explicit_yaml_tag_is_located(tmp_path: Path) -> None:
    text = "instrument: dash\ncontext: {incidents_last_12_months: !!int three}\n"
    result = run("assess", write(tmp_path, "tag.yaml", text))
    assert result.exit_code == 1
    assert "tag.yaml:2:" in result.stderr
    assert "three" not in result.stderr


# --- files that are not files ------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("command", ["assess", "report"])
def test_dev_zero_is_refused_without_reading_it(command: str) -> None:
    result = run(command, "/dev/zero")
    assert result.exit_code == 1
    assert "/dev/zero: a device, not a regular file" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for args in (["assess", str(fifo)], ["report", str(fifo)], ["assess", str(tmp_path)]):
        proc = subprocess.run(
            [sys.executable, "-m", "risk_scoring.tooling.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert proc.returncode == 1, args
        assert "not a regular file" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # sparse: nothing of it is ever read
        handle.truncate(2 * 1024**3)
    result = run("assess", path)
    assert result.exit_code == 1
    assert f"the limit is {cli_input.MAX_RESULT_BYTES}" in result.stderr


def test_the_bounded_read_takes_at_most_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 100)
    assert cli_input.read_bounded(path, 100) == b"x" * 100
    with pytest.raises(cli_input.FileFailed, match="the limit is 99"):
        cli_input.read_bounded(path, 99)
    with pytest.raises(cli_input.FileFailed, match="a folder"):
        cli_input.read_bounded(tmp_path, 99)


# --- the instrument an answers file names -------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["a" * 300, SENTINEL, f"{SENTINEL}.yaml", "x/" + "a" * 300 + ".yaml", "../" * 2000 + "x"],
)
def test_the_instrument_value_is_never_echoed_unless_it_is_code_like(
    tmp_path: Path, value: str
) -> None:
    path = write(tmp_path, "odd.json", json.dumps({"instrument": value, "items": DASH_NO}))
    result = run("assess", path)
    assert result.exit_code == 1
    assert not leaks(result.stderr)
    assert "a" * 60 not in result.stderr
    assert "../../../.." not in result.stderr


def test_an_unknown_code_like_instrument_is_named_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "instrument: SARA-V3\nitems: {}\n")
    result = run("assess", path)
    assert result.exit_code == 1
    assert "no built-in instrument 'SARA-V3'; did you mean 'sara-v3'?" in result.stderr


# --- fuzz: no traceback, no free text on stderr --------------------------------------------

BASE = {
    "instrument": "dash",
    "items": {**DASH_NO, "1": {"answer": "yes", "note": SENTINEL}},
    "context": {"incidents_last_12_months": 1},
    "justification": SENTINEL,
    "case_ref": SENTINEL,
}


def _mutations(rng: random.Random) -> list[tuple[str, str | bytes]]:
    """(suffix, content) pairs: hostile variants of an answers file full of free text."""
    text = json.dumps(BASE, ensure_ascii=False)
    result = CliRunner().invoke(main, ["assess", "-"], input=text).stdout
    pieces: list[tuple[str, str | bytes]] = [
        (".json", text.replace('"context"', f'"{SENTINEL}": 1, "{SENTINEL}": 2, "context"')),
        (".json", text.replace("1}", "1" * rng.randint(101, 6000) + "}")),
        (".json", text.replace('"1": {', '"1": ' + "[" * rng.randint(41, 50_000) + "{")),
        (".json", text.replace('"incidents_last_12_months": 1', '"x": NaN')),
        (".json", text.replace('"dash"', json.dumps(SENTINEL))),
        (".json", text.replace('"dash"', json.dumps("z" * rng.randint(65, 5000)))),
        (".json", text.replace('"dash"', json.dumps("../" * rng.randint(1, 3000) + SENTINEL))),
        (".yaml", f"instrument: dash\ncase_ref: !!int {SENTINEL}\n"),
        (".yaml", f"instrument: dash\njustification: !!python/object {SENTINEL}\n"),
        (".yaml", f"instrument: dash\nnotes: &a {SENTINEL}\nx: *a\n"),
        (".yaml", f"instrument: dash\n{SENTINEL}: 1\n{SENTINEL}: 2\n"),
        (".yaml", f"instrument: dash\ncontext: {{incidents_last_12_months: {'9' * 5000}}}\n"),
        (".json", result.replace('"level":"standard"', f'"level":{json.dumps(SENTINEL)}')),
        (".stored.json", result.replace('"assessed_on":null', '"assessed_on":"22.11.2026"')),
        (".json", json.dumps({"answers": BASE, "expect": {"level": SENTINEL}})),
        (".json", text.encode("utf-8").replace(b"Kari", b"K\xe5ri")),
        (".json", "\ufeff" + text),
    ]
    for _ in range(24):  # truncations and byte flips of the clean file
        raw = bytearray(text.encode("utf-8"))
        if rng.random() < 0.5:
            del raw[rng.randrange(len(raw)) :]
        for _ in range(rng.randint(1, 4)):
            raw[rng.randrange(len(raw))] = rng.choice(b'{}[]":,\\\x00\n\t ')
        pieces.append((rng.choice([".json", ".yaml"]), bytes(raw)))
    return pieces


def test_fuzz_hostile_files_never_give_a_traceback_or_free_text(tmp_path: Path) -> None:
    rng = random.Random(20261201)
    runner = CliRunner()
    cases = _mutations(rng)
    surprises: list[tuple[str, str]] = []
    for n, (suffix, content) in enumerate(cases):
        path = tmp_path / f"case{n}{suffix}"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        for args in (["assess", str(path)], ["report", "--format", "text", str(path)]):
            outcome = runner.invoke(main, args, catch_exceptions=True)
            where = f"case {n} ({suffix}), {args[0]}"
            assert outcome.exception is None or isinstance(outcome.exception, SystemExit), where
            assert outcome.exit_code in (0, 1, 2), where
            assert "Traceback" not in outcome.output, where
            assert not leaks(outcome.stderr), f"{where}: {outcome.stderr}"
            if "could not be processed: unexpected" in outcome.stderr:
                surprises.append((suffix, args[0]))
    # A stored result that validates but that the report cannot take (red-team D7) is the
    # engine's to refuse at validation; until it does, the command line ends it cleanly.
    assert set(surprises) <= {(".stored.json", "report")}, surprises

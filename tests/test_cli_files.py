"""The command line's input: standard input, folders, stored results, outputs, exit codes.

Issue 14's command-line bullets, each with a test: `-`, `report` on a stored result,
`--format pdf`, `--rendered-at`, clean errors for `-o`, folders for `assess`, progress
bars only on a terminal, exit codes, `check` without Hypothesis and incomplete results.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import risk_scoring as rs
from risk_scoring.tooling import cli_input
from risk_scoring.tooling.cli import PROGRESS_AFTER, main
from risk_scoring.tooling.golden import read_case

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "dash-high.yaml"
ODARA_NO = {"instrument": "odara", "items": {str(n): "no" for n in range(1, 14)}}


def run(*args: str | Path, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


# --- standard input ------------------------------------------------------------------


def test_a_dash_reads_yaml_answers_from_standard_input() -> None:
    from_file = run("assess", EXAMPLE).stdout
    result = run("assess", "-", input=EXAMPLE.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert result.stdout == from_file


def test_standard_input_is_json_when_it_parses_as_json() -> None:
    result = run("assess", "-", input=json.dumps(ODARA_NO))
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["level"] == "category-1"
    flow = run("assess", "-", input="{instrument: odara, items: {}}")  # YAML flow, not JSON
    assert flow.exit_code == 1
    assert "<stdin>: 13 problems in the answers for odara" in flow.stderr


def test_standard_input_is_bounded() -> None:
    result = run("assess", "-", input=b"#" * (cli_input.MAX_RESULT_BYTES + 1))
    assert result.exit_code == 1
    assert f"<stdin>: more than {cli_input.MAX_RESULT_BYTES} bytes" in result.stderr


def test_problems_in_standard_input_are_located() -> None:
    result = run("assess", "-", input='instrument: dash\nitems:\n  "1": maybe\n')
    assert result.exit_code == 1
    assert "<stdin>:3:8: items.1: 'maybe' is not allowed" in result.stderr


def test_standard_input_can_be_named_once() -> None:
    assert run("assess", "-", "-", input="{}").exit_code == 2


# --- report: stored results, pdf, rendered-at, -o ------------------------------------


def test_report_prints_a_stored_result_as_it_prints_the_answers(tmp_path: Path) -> None:
    stored = tmp_path / "result.json"
    stored.write_text(run("assess", EXAMPLE).stdout, encoding="utf-8")
    for fmt in ("html", "markdown", "text"):
        from_answers = run("report", EXAMPLE, "--format", fmt, "--lang", "en")
        from_result = run("report", stored, "--format", fmt, "--lang", "en")
        assert from_result.exit_code == 0, from_result.stderr
        assert from_result.stdout == from_answers.stdout
    piped = run("report", "-", "--format", "text", input=stored.read_bytes())
    assert piped.stdout == run("report", EXAMPLE, "--format", "text").stdout


def test_a_stored_result_that_does_not_validate_is_refused_with_its_problems(
    tmp_path: Path,
) -> None:
    data = json.loads(run("assess", EXAMPLE).stdout)
    data["level"] = 5
    stored = tmp_path / "result.json"
    stored.write_text(json.dumps(data), encoding="utf-8")
    result = run("report", stored)
    assert result.exit_code == 1
    assert "problem" in result.stderr
    assert f"{stored}: level:" in result.stderr


def test_a_stored_result_of_a_definition_that_is_not_built_in_needs_instrument(
    tmp_path: Path,
) -> None:
    data = json.loads(run("assess", EXAMPLE).stdout)
    data["instrument"] = "district-tool"
    stored = tmp_path / "result.json"
    stored.write_text(json.dumps(data), encoding="utf-8")
    result = run("report", stored)
    assert result.exit_code == 1
    assert "not a built-in instrument; pass --instrument" in result.stderr
    data["instrument"] = "x" * 300  # not an id at all: refused on reading, not quoted
    stored.write_text(json.dumps(data), encoding="utf-8")
    result = run("report", stored)
    assert result.exit_code == 1
    assert "instrument:" in result.stderr
    assert "x" * 60 not in result.stderr


def test_a_stored_result_is_not_assessed(tmp_path: Path) -> None:
    stored = tmp_path / "result.json"
    stored.write_text(run("assess", EXAMPLE).stdout, encoding="utf-8")
    result = run("assess", stored)
    assert result.exit_code == 1
    assert "a stored result, not answers (`risk-scoring report` prints it)" in result.stderr


def test_report_renders_pdf_where_the_extra_is_installed(tmp_path: Path) -> None:
    from risk_scoring.report.pdf import pdf_available

    if pdf_available() is not None:
        pytest.skip(f"PDF reports cannot be made here: {pdf_available()}")
    out = tmp_path / "report.pdf"
    result = run("report", EXAMPLE, "--format", "pdf", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")


def test_report_pdf_without_the_extra_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint fails
    result = run("report", EXAMPLE, "--format", "pdf", "-o", tmp_path / "r.pdf")
    assert result.exit_code == 1
    assert "pip install '.[pdf]'" in result.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_rendered_at_is_printed_only_when_given() -> None:
    plain = [run("report", EXAMPLE, "--format", "text", "--lang", "en").stdout for _ in (1, 2)]
    assert plain[0] == plain[1]
    dated = run(
        "report", EXAMPLE, "--format", "text", "--lang", "en", "--rendered-at", "2026-12-01"
    )
    assert dated.exit_code == 0
    assert "1 December 2026" in dated.stdout
    assert "1 December 2026" not in plain[0]
    timed = run(
        "report", EXAMPLE, "--format", "text", "--lang", "en",
        "--rendered-at", "2026-12-01T14:03:00Z",
    )  # fmt: skip
    assert "14:03" in timed.stdout


def test_a_bad_rendered_at_is_a_usage_error() -> None:
    result = run("report", EXAMPLE, "--rendered-at", "01.12.2026")
    assert result.exit_code == 2
    assert "not an ISO 8601 date" in result.stderr


def test_output_to_a_folder_or_into_a_missing_folder_is_a_clean_usage_error(
    tmp_path: Path,
) -> None:
    for target in (f"{tmp_path}/", str(tmp_path), str(tmp_path / "missing" / "dir" / "x.html")):
        result = run("report", EXAMPLE, "-o", target)
        assert result.exit_code == 2, target
        assert "Traceback" not in result.output
        assert "-o " in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_output_that_cannot_be_written_exits_1(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    result = run("report", EXAMPLE, "-o", folder / "x.html")
    assert result.exit_code == 1
    assert "cannot write" in result.stderr


def test_report_refuses_a_folder() -> None:
    assert run("report", ROOT / "examples").exit_code == 2


# --- assess: folders -----------------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    top = tmp_path / "cases"
    (top / "2026" / "november").mkdir(parents=True)
    (top / ".hidden").mkdir()
    (top / "a.yaml").write_bytes(EXAMPLE.read_bytes())
    (top / "2026" / "b.json").write_text(json.dumps(ODARA_NO), encoding="utf-8")
    (top / "2026" / "november" / "c.yml").write_text(json.dumps(ODARA_NO), encoding="utf-8")
    (top / ".hidden" / "d.yaml").write_bytes(EXAMPLE.read_bytes())
    (top / "notes.txt").write_text("not answers", encoding="utf-8")
    golden = ROOT / "instruments" / "cases" / "dash"
    (top / "golden.yaml").write_bytes(next(golden.glob("*.yaml")).read_bytes())
    (top / "odara.yaml").write_bytes((ROOT / "instruments" / "odara.yaml").read_bytes())
    (top / "stored.json").write_text(run("assess", EXAMPLE).stdout, encoding="utf-8")
    return top


def test_assess_takes_folders_recursively_and_only_their_answers_files(tmp_path: Path) -> None:
    top = _folder(tmp_path)
    result = run("assess", top)
    assert result.exit_code == 0, result.stderr
    levels = [json.loads(line)["level"] for line in result.stdout.splitlines()]
    assert levels == ["high", "category-1", "category-1"]  # a, then 2026/b, 2026/november/c
    assert "skipped 3 files in folders that hold no answers" in result.stderr


def test_a_folder_without_answers_files_is_a_usage_error(tmp_path: Path) -> None:
    assert run("assess", tmp_path).exit_code == 2
    (tmp_path / "case.yaml").write_bytes(
        next((ROOT / "instruments" / "cases" / "dash").glob("*.yaml")).read_bytes()
    )
    assert run("assess", tmp_path).exit_code == 2


def test_a_golden_case_given_by_name_says_where_its_answers_are() -> None:
    case = next((ROOT / "instruments" / "cases" / "dash").glob("*.yaml"))
    result = run("assess", case, "--instrument", "dash")
    assert result.exit_code == 1
    assert "a golden case, not an answers file: its answers sit under 'answers:'" in (result.stderr)


def _terminal(*args: str | Path) -> tuple[int, str, str]:
    """Run the command with stderr on a pseudo-terminal: (status, stdout, what stderr showed)."""
    pty = pytest.importorskip("pty")
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "100"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "risk_scoring.tooling.cli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=follower,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the child has exited
            break
        if not chunk:
            break
        shown += chunk
    out, _ = proc.communicate(timeout=120)
    os.close(leader)
    return proc.returncode, out.decode(), shown.decode(errors="replace")


def test_on_a_terminal_many_files_get_a_progress_bar(tmp_path: Path) -> None:
    for n in range(PROGRESS_AFTER):
        (tmp_path / f"case{n}.json").write_text(json.dumps(ODARA_NO), encoding="utf-8")
    status, out, shown = _terminal("assess", tmp_path)
    assert status == 0
    assert len(out.splitlines()) == PROGRESS_AFTER
    assert "Assessing" in shown
    assert f"{PROGRESS_AFTER}/{PROGRESS_AFTER}" in shown


def test_check_shows_a_progress_bar_on_a_terminal_only() -> None:
    odara = ROOT / "instruments" / "odara.yaml"
    status, _out, shown = _terminal("check", odara, "--no-properties")
    assert status == 0
    assert "Checking" in shown
    assert "100%" in shown
    assert "Checking" not in run("check", odara, "--no-properties").stderr


# --- exit codes, check without Hypothesis, incomplete results -------------------------


def test_a_file_that_exists_but_fails_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("instrument: dash\nitems: {'1': maybe}\n", encoding="utf-8")
    assert run("assess", bad).exit_code == 1
    assert run("report", bad).exit_code == 1


def test_check_without_hypothesis_fails_unless_properties_are_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # import hypothesis fails
    odara = ROOT / "instruments" / "odara.yaml"
    result = run("check", odara)
    assert result.exit_code == 1
    assert "install the testing extra (pip install '.[testing]'" in result.stderr
    assert "or pass --no-properties" in result.stderr
    assert run("check", odara, "--no-properties").exit_code == 0


def test_an_incomplete_result_is_said_on_stderr_with_the_exit_status_unchanged(
    tmp_path: Path,
) -> None:
    answers = tmp_path / "sara.yaml"
    inst = rs.load_instrument("sara-v3")
    items = {item.id: "N" for item in inst.items}
    answers.write_text(json.dumps({"instrument": "sara-v3", "items": items}), encoding="utf-8")
    for command in (["assess"], ["report", "--format", "text"]):
        result = run(*command, answers)
        assert result.exit_code == 0, result.stderr
        assert f"{answers}: the result for sara-v3 is incomplete (no level)" in result.stderr
        for name in inst.scoring.level_from:
            title = next(j.title.en for j in inst.judgements if j.id == name)
            assert f"judgement {name} ({title})" in result.stderr
    assert run("assess", EXAMPLE).stderr == ""


def test_a_missing_justification_is_named_with_the_warning_that_needs_it() -> None:
    case = ROOT / "instruments" / "cases" / "b-safer" / "severe-low-violent-acts-unjustified.yaml"
    answers = {"instrument": "b-safer", **read_case(case)[0]["answers"]}
    result = run("assess", "-", input=json.dumps(answers))
    assert result.exit_code == 0
    assert "missing a justification (warning " in result.stderr

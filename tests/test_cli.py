"""The `risk-scoring` command: what each subcommand prints and how it exits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result

import risk_scoring as rs
from risk_scoring.tooling.cli import PROGRESS_AFTER, main
from tests.test_check import four_defects

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
LOCATED = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>\w+): ")


def run(*args: str | Path, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def wide(*args: str | Path) -> str:
    """What a command prints on a terminal wide enough that no table cell wraps."""
    result = CliRunner().invoke(
        main, [str(a) for a in args], env={"COLUMNS": "1000"}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_examples_exist() -> None:
    assert EXAMPLES


# --- list and show -------------------------------------------------------------------------


def test_list_shows_version_kind_item_count_and_languages_of_each_builtin() -> None:
    result = run("list", "--lang", "en")
    assert result.exit_code == 0
    rows = {
        line.split()[0]: line.split()[1:5]
        for line in result.stdout.splitlines()[1:]
        if line[2] != " "
    }
    for ident in rs.list_instruments():
        inst = rs.load_instrument(ident)
        assert rows[ident] == [inst.version, inst.kind, str(len(inst.items)), "nb,"]
    assert "LANGUAGES" in result.stdout.splitlines()[0]


def test_show_lists_items_by_domain_with_levels_bands_and_rules() -> None:
    out = wide("show", "dash", "--lang", "en")
    assert "Checklist questions (ric)" in out
    assert "Threatened to kill" in out
    assert re.search(r"medium°\s+Medium\s+score 10 to 13", out)
    assert re.search(r"high\s+High\s+score 14 to 24", out)
    assert re.search(r"professional-judgement°\s+judgement professional_judgement", out)
    assert not re.search(r"^\s+potential-escalation", out, re.M)  # a MARAC route now
    assert re.search(r"Urgent\s+marac_referral \(Referral to a MARAC [^)]*\)\)\s+total ≥ 14", out)
    assert re.search(r"marac-potential-escalation\s+Urgent\s+marac_referral", out)
    assert "2*" in out
    assert "* not yet verified against the published source" in out
    assert "° confirmed by a secondary source only" in out


def test_show_speaks_norwegian_by_default() -> None:
    assert "Sjekklistens spørsmål (ric)" in run("show", "dash").stdout


def test_show_spj_levels_come_from_judgements() -> None:
    out = run("show", "sara-v3", "--lang", "en").stdout
    assert re.search(r"high\*?\s+\S+\s+judgement case_prioritization", out)


def test_show_unknown_instrument_suggests_the_nearest_id() -> None:
    result = run("show", "sara")
    assert result.exit_code == 2  # a usage error, like a path that does not exist
    assert "did you mean 'sara-v3'" in result.stderr


@pytest.mark.parametrize("command", [["show"], ["schema"], ["assess", "-", "--instrument"]])
def test_an_id_in_the_wrong_case_gets_a_did_you_mean(command: list[str]) -> None:
    result = run(*command, "SARA-V3")
    assert result.exit_code == 2
    assert "no built-in instrument 'SARA-V3'; did you mean 'sara-v3'? (ids are lower case)" in (
        result.stderr
    )


def test_show_speaks_one_language_per_run() -> None:
    nb = wide("show", "dash")
    for heading in ("Skalaer", "Dimensjoner", "Saksopplysninger", "Nivåer", "Tiltaksregler"):
        assert heading in nb
    for english in ("Scales", "Levels", "Measure rules", "Escalations", "score ", "context "):
        assert english not in nb, english
    assert "sjekkliste · 24 ledd" in nb
    assert re.search(r"Haster\s+marac_referral \(Henvisning til MARAC[^)]*\)\)\s+totalsum ≥ 14", nb)
    en = run("show", "dash", "--lang", "en").stdout
    for norwegian in ("Skalaer", "Nivåer", "totalsum", "ledd "):
        assert norwegian not in en, norwegian


def test_show_names_each_measure_from_the_catalogue_beside_its_id() -> None:
    out = wide("show", "sara-v3", "--lang", "en")
    for rule in rs.load_instrument("sara-v3").measure_rules:
        name = rs.load_catalogue().by_id[rule.measure].name.en
        assert f"{rule.measure} ({name})" in out


# --- assess --------------------------------------------------------------------------------


def test_assess_prints_one_json_result_per_file() -> None:
    result = run("assess", *EXAMPLES)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(EXAMPLES)
    for line in lines:
        assert rs.Result.model_validate_json(line).model_dump_json() == line


def test_a_bad_file_is_reported_with_lines_and_the_batch_goes_on(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('instrument: dash\nitems:\n  "1": "maybe"\n', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"instrument": "odara",\n "items": {', encoding="utf-8")
    result = run("assess", bad, *EXAMPLES, broken)
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == len(EXAMPLES)
    assert f"{bad}:3:8: items.1: 'maybe' is not allowed" in result.stderr
    assert f"{broken}:2:12: " in result.stderr
    assert f"2 of {len(EXAMPLES) + 2} files failed" in result.stderr


def test_a_path_that_does_not_exist_is_a_usage_error_and_nothing_is_assessed(
    tmp_path: Path,
) -> None:
    for args in (["assess", *EXAMPLES[:1]], ["report"]):
        result = run(*args, tmp_path / "missing.yaml")
        assert result.exit_code == 2, args
        assert result.stdout == ""
        assert "missing.yaml: No such file or directory" in result.stderr


def test_free_text_never_appears_in_error_messages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        'instrument: dash\nitems: {"1": {answer: "yes", note: 5}, "2": "Kari Nordmann"}\n',
        encoding="utf-8",
    )
    result = run("assess", bad)
    assert "Kari" not in result.stderr
    assert "items.2: this text is not allowed" in result.stderr


def test_assess_needs_to_know_the_instrument(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"items": {str(n): "no" for n in range(1, 14)}}))
    assert "name the instrument" in run("assess", answers).stderr
    assert json.loads(run("assess", answers, "--instrument", "odara").stdout)["level"] == (
        "category-1"
    )
    mismatch = run("assess", EXAMPLES[0], "--instrument", "odara")
    assert mismatch.exit_code == 1
    assert "but --instrument is 'odara'" in mismatch.stderr


def test_without_a_terminal_many_files_print_no_progress_line(tmp_path: Path) -> None:
    files = []
    for n in range(PROGRESS_AFTER):
        path = tmp_path / f"case{n}.json"
        path.write_text(json.dumps({"items": {str(i): "no" for i in range(1, 14)}}))
        files.append(path)
    result = run("assess", "--instrument", "odara", *files)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == PROGRESS_AFTER
    assert result.stderr == ""


# --- report --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_report_renders_every_example(tmp_path: Path, fmt: str, lang: str) -> None:
    for example in EXAMPLES:
        out = tmp_path / f"{example.stem}.{fmt}"
        result = run("report", example, "--format", fmt, "--lang", lang, "-o", out)
        assert result.exit_code == 0, result.stderr
        assert out.read_text(encoding="utf-8").strip()


def test_report_on_a_bad_file_exits_1_with_the_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('instrument: dash\nitems: {"1": "maybe"}\n', encoding="utf-8")
    result = run("report", bad, "--format", "text")
    assert result.exit_code == 1
    assert f"{bad}:2:14: items.1: 'maybe' is not allowed" in result.stderr


# --- check ---------------------------------------------------------------------------------


def test_check_passes_on_the_builtin_instruments() -> None:
    result = run("check", ROOT / "instruments", "--examples", "5")
    assert result.exit_code == 0, result.stdout
    assert result.stdout == ""
    assert "0 errors, 0 warnings" in result.stderr


def test_check_prints_one_located_line_per_defect_and_exits_1(tmp_path: Path) -> None:
    path, case, where = four_defects(tmp_path / "copy")
    result = run("check", tmp_path / "copy")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 4, result.stdout
    found = [LOCATED.match(line) for line in lines]
    assert all(m is not None and m["severity"] == "error" for m in found)
    located = sorted((m["file"], int(m["line"])) for m in found if m is not None)
    assert located == sorted(
        [(str(case), where["case"])]
        + [(str(path), where[k]) for k in ("translation", "band", "reference")]
    )
    assert "4 errors" in result.stderr


def test_check_notes_list_unverified_values_without_failing(tmp_path: Path) -> None:
    result = run("check", ROOT / "instruments" / "odara.yaml", "--notes", "--no-properties")
    assert result.exit_code == 0
    notes = [line for line in result.stdout.splitlines() if ": note: " in line]
    assert any("is unverified; source: " in line for line in notes)
    assert all(LOCATED.match(line) for line in notes)


def test_check_json_output(tmp_path: Path) -> None:
    four_defects(tmp_path / "copy")
    result = run("check", tmp_path / "copy", "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["counts"]["error"] == 4
    assert {f["stage"] for f in document["findings"]} == {
        "case",
        "translation",
        "reference",
    }
    assert set(document["findings"][0]) == {
        "file",
        "line",
        "column",
        "severity",
        "stage",
        "path",
        "message",
    }


def test_check_github_annotations(tmp_path: Path) -> None:
    four_defects(tmp_path / "copy")
    lines = run("check", tmp_path / "copy", "--format", "github").stdout.splitlines()
    assert len(lines) == 4
    assert all(line.startswith("::error file=") for line in lines)


def test_check_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("check", tmp_path / "nope").exit_code == 2
    assert run("check", tmp_path).exit_code == 2  # nothing to check
    assert run("check", "--format", "xml").exit_code == 2


# --- schema --------------------------------------------------------------------------------


def test_schema_prints_the_answers_schema_of_an_instrument() -> None:
    result = run("schema", "dash")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"urn:risk-scoring:answers:dash:{rs.load_instrument('dash').version}"


def test_schema_result_prints_the_result_schema() -> None:
    schema = json.loads(run("schema", "--result").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "provenance" in schema["properties"]


def test_schema_file_option_allows_the_instrument_key() -> None:
    schema = json.loads(run("schema", "dash", "--file").stdout)
    assert schema["properties"]["instrument"] == {"const": "dash"}


def test_schema_needs_exactly_one_of_an_instrument_or_result() -> None:
    assert run("schema").exit_code == 2
    assert run("schema", "dash", "--result").exit_code == 2

"""`check` verifies definitions: every defect at once, each at its file, line and column."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

import risk_scoring as rs
from risk_scoring.definition.loading import builtin_dir
from risk_scoring.tooling.check import (
    Finding,
    check_definitions,
    check_file,
    check_properties,
    definition_files,
    unverified,
)

TINY_LIST = """\
id: tiny-list
version: "1"
kind: checklist
title: {nb: Liten liste, en: Tiny list}
description: {nb: Test, en: Test}
source: {citation: "Test fixture", licence: {nb: Fri, en: Free}}
scales:
  - id: yes_no
    title: {nb: Ja / nei, en: Yes / no}
    values:
      - {id: "no", label: {nb: Nei, en: "No"}, points: 0}
      - {id: "yes", label: {nb: Ja, en: "Yes"}, points: 1}
dimensions:
  - {id: answer, title: {nb: Svar, en: Answer}, scale: yes_no}
domains:
  - {id: main, title: {nb: Spørsmål, en: Questions}}
items:
  - {id: "1", domain: main, title: {nb: Trusler, en: Threats}, guidance: {nb: g, en: g}}
  - {id: "2", domain: main, title: {nb: Vold, en: Violence}, guidance: {nb: g, en: g}}
  - {id: "3", domain: main, title: {nb: Våpen, en: Weapons}, guidance: {nb: g, en: g}}
levels:
  - {id: low, title: {nb: Lav, en: Low}, description: {nb: l, en: l}}
  - {id: high, title: {nb: Høy, en: High}, description: {nb: h, en: h}, min_score: 2}
measures:
  - id: advice-when-high
    measure: sikkerhetsrad
    priority: high
    when: {level: {at_least: high}}
    rationale: {nb: r, en: r}
"""

CASES = {
    "all-no-low": """\
        description: "no yes answers"
        answers: {items: {"1": "no", "2": "no", "3": "no"}}
        expect: {level: low, score: 0, measures: []}
        """,
    "two-yes-high": """\
        description: "two yes answers reach high"
        answers: {items: {"1": "yes", "2": "yes", "3": "no"}}
        expect: {level: high, score: 2, measures: [sikkerhetsrad]}
        """,
}

Define = Callable[..., Path]


@pytest.fixture
def define(tmp_path: Path) -> Define:
    """Write a definition as `<folder>/<id>.yaml` with its golden cases beside it."""

    def write(
        text: str = TINY_LIST,
        cases: Mapping[str, str] = CASES,
        name: str | None = None,
        folder: str = "defs",
    ) -> Path:
        ident = re.search(r"^id: (\S+)", text, re.M)
        assert ident is not None
        base = tmp_path / folder
        path = base / f"{name or ident.group(1)}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        for case, body in cases.items():
            case_path = base / "cases" / ident.group(1) / f"{case}.yaml"
            case_path.parent.mkdir(parents=True, exist_ok=True)
            case_path.write_text(textwrap.dedent(body), encoding="utf-8")
        return path

    return write


def lines(findings: list[Finding], *severities: str) -> list[str]:
    wanted = severities or ("error", "warning")
    return [str(f) for f in findings if f.severity in wanted]


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


# --- the built-ins and a clean definition -----------------------------------------------


def test_the_builtin_definitions_have_no_errors_or_warnings() -> None:
    summary = check_definitions(properties=False)
    assert lines(summary.findings) == []
    assert summary.definitions == len(rs.list_instruments()) + 2  # the catalogue, the sources
    assert summary.cases >= 8 * len(rs.list_instruments())


def test_a_clean_definition_gives_no_findings_but_notes(define: Define) -> None:
    findings = check_file(define(), max_examples=10)
    assert findings == []


# --- the done-when example: four defects, four lines --------------------------------------


def four_defects(folder: Path) -> tuple[Path, Path, dict[str, int]]:
    """A copy of DASH with a broken reference, an overlapping band, a missing nb title and a
    failing golden case; returns the files and the line of each defect."""
    text = (builtin_dir() / "dash.yaml").read_text(encoding="utf-8")
    assert text.count("    min_score: 14\n") == 1
    text = text.replace("    min_score: 14\n", "    min_score: 10  # overlaps medium\n")
    head, _, tail = text.rpartition("measure: marac_referral")
    text = head + "measure: marac_referal" + tail
    item5 = text.index('  - id: "5"')
    title = re.compile(r'title: \{nb: "[^"]*", en:')
    found = title.search(text, item5)
    assert found is not None
    text = text[: found.start()] + "title: {en:" + text[found.end() :]
    path = folder / "dash.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    case = folder / "cases" / "dash" / "all-no.yaml"
    case.parent.mkdir(parents=True)
    items = ", ".join(f'"{n}": "no"' for n in range(1, 25))
    case.write_text(
        f'description: "all no, wrongly expected medium"\nanswers: {{items: {{{items}}}}}\n'
        "expect:\n  level: medium\n  score: 0\n",
        encoding="utf-8",
    )
    where = {
        "reference": line_of(text, "marac_referal"),
        "band": line_of(text, "overlaps medium"),
        "translation": text.count("\n", 0, found.start()) + 1,
        "case": 4,
    }
    return path, case, where


def test_four_defects_give_exactly_four_located_errors(tmp_path: Path) -> None:
    _, case, where = four_defects(tmp_path / "copy")
    summary = check_definitions([tmp_path / "copy"])
    assert summary.failed()
    errors = lines(summary.findings)
    assert len(errors) == 4, "\n".join(errors)
    assert errors[0].startswith(f"{case}:{where['case']}:")
    assert "expect.level: expected 'medium', got 'standard'" in errors[0]
    by_line = {int(e.split(":")[1]): e for e in errors[1:]}
    assert "missing nb text" in by_line[where["translation"]]
    assert "bands overlap" in by_line[where["band"]]
    assert "unknown measure 'marac_referal'" in by_line[where["reference"]]
    assert all(": error: " in e for e in errors)


# --- stages --------------------------------------------------------------------------------


def test_a_missing_translation_is_reported_and_the_later_stages_still_run(define: Define) -> None:
    text = TINY_LIST.replace("title: {nb: Vold, en: Violence}", "title: {en: Violence}")
    text = text.replace("measure: sikkerhetsrad", "measure: teleport")
    findings = check_file(define(text), properties=False)
    assert [(f.stage, f.path) for f in findings if f.severity == "error"] == [
        ("translation", "items.1.title.nb"),
        ("reference", "measures.0.measure"),
    ]


def test_an_empty_text_is_a_translation_error(define: Define) -> None:
    text = TINY_LIST.replace("title: {nb: Våpen, en: Weapons}", 'title: {nb: Våpen, en: ""}')
    (finding,) = [f for f in check_file(define(text), properties=False) if f.severity == "error"]
    assert (finding.stage, finding.path, finding.message) == (
        "translation",
        "items.2.title.en",
        "empty en text",
    )


def test_other_schema_errors_are_all_listed_and_stop_that_file(define: Define) -> None:
    text = TINY_LIST.replace("kind: checklist", "kind: magic").replace(
        "priority: high", "priority: soon"
    )
    path = define(text)
    findings = check_file(path)
    assert [(f.stage, f.line) for f in findings if f.severity == "error"] == [
        ("schema", 3),
        ("schema", line_of(text, "priority: soon")),
    ]
    (note,) = [f for f in findings if f.severity == "note"]
    assert "not checked: fix the schema errors first" in note.message


def test_yaml_errors_point_at_the_offending_character(define: Define) -> None:
    path = define(TINY_LIST.replace('version: "1"\n', 'version: "1"\nversion: "2"\n'))
    assert lines(check_file(path)) == [
        f"{path}:3:1: error: duplicate key 'version' (first on line 2)"
    ]


def test_band_gaps_and_unreachable_levels_are_errors(define: Define) -> None:
    text = TINY_LIST.replace(
        "{id: low, title: {nb: Lav, en: Low}, description: {nb: l, en: l}}",
        "{id: low, title: {nb: Lav, en: Low}, description: {nb: l, en: l}, min_score: 1}",
    ).replace("min_score: 2}", "min_score: 4}")
    messages = [f.message for f in check_file(define(text), properties=False)]
    assert any("fall below every band" in m for m in messages)
    assert any("can never be reached: the highest total is 3" in m for m in messages)


def test_a_failing_case_names_each_expectation_that_differs(define: Define) -> None:
    cases = {
        "wrong": """\
            answers: {items: {"1": "yes", "2": "yes", "3": "yes"}}
            expect: {level: low, score: 2, measures: []}
            """
    }
    path = define(cases=cases)
    case = path.parent / "cases" / "tiny-list" / "wrong.yaml"
    assert lines(check_file(path, properties=False)) == [
        f"{case}:2:17: error: expect.level: expected 'low', got 'high'",
        f"{case}:2:29: error: expect.score: expected 2, got 3.0",
        f"{case}:2:42: error: expect.measures: expected [], got ['sikkerhetsrad']",
    ]


def test_refused_case_answers_are_errors_in_the_case(define: Define) -> None:
    cases = {"bad": 'answers: {items: {"1": "maybe"}}\nexpect: {level: low}\n'}
    path = define(cases=cases)
    found = [f for f in check_file(path, properties=False) if f.severity == "error"]
    assert {f.source for f in found} == {str(path.parent / "cases" / "tiny-list" / "bad.yaml")}
    assert any("'maybe' is not allowed" in f.message for f in found)


def test_cases_crashing_on_a_broken_reference_are_summed_up_in_one_note(define: Define) -> None:
    text = TINY_LIST.replace(
        "when: {level: {at_least: high}}", "when: {item: {id: '9', in: [yes]}}"
    )
    findings = check_file(define(text))
    assert [f.path for f in findings if f.severity == "error"] == ["measures.0.when.item.id"]
    notes = [f.message for f in findings if f.severity == "note"]
    assert (
        "golden cases and properties were not checked: 2 of 2 golden cases could not run"
        in (notes[0])
    )


# --- warnings and notes --------------------------------------------------------------------


def test_warnings_do_not_fail_unless_strict(define: Define) -> None:
    path = define(name="renamed", cases={})
    summary = check_definitions([path], properties=False)
    assert [(f.severity, f.message) for f in summary.findings if f.severity == "warning"] == [
        ("warning", f"no golden cases: add answers with the expected result in {path.parent}"
         "/cases/tiny-list/"),
        ("warning", "the file name 'renamed.yaml' differs from the id"),
    ]  # fmt: skip
    assert not summary.failed()
    assert summary.failed(strict=True)


def test_a_case_folder_without_an_instrument_is_a_warning(define: Define) -> None:
    path = define()
    (path.parent / "cases" / "gone").mkdir()
    findings = check_definitions([path.parent], properties=False).findings
    assert [f.message for f in findings if f.severity == "warning"] == [
        "golden cases for 'gone', but there is no gone.yaml"
    ]


def test_levels_without_a_golden_case_are_a_note(define: Define) -> None:
    path = define(cases={"only-low": CASES["all-no-low"]})
    findings = check_file(path, properties=False)
    assert lines(findings) == []
    assert [f.message for f in findings if f.stage == "case"] == [
        "no golden case expects level 'high'"
    ]


def test_unverified_values_are_listed_with_path_line_and_source(define: Define) -> None:
    text = TINY_LIST.replace(
        'guidance: {nb: g, en: g}}\n  - {id: "3"',
        'guidance: {nb: g, en: g}, verified: false, source: "manual p. 12 [P]"}\n  - {id: "3"',
    ).replace(
        "min_score: 2}",
        'min_score: 2,\n     verified: false, source: "research §1.7 [U]"}',
    )
    path = define(text)
    inst = rs.load_instrument(path)
    found = unverified(inst)
    assert [(u.path, u.what, u.source, u.line) for u in found] == [
        ("items.1", "item '2'", "manual p. 12 [P]", line_of(text, "manual p. 12")),
        ("levels.1", "level 'high'", "research §1.7 [U]", line_of(text, "research §1.7")),
    ]
    assert str(found[0]).startswith(f"{path}:{found[0].line}:")
    notes = [f for f in check_file(path, properties=False) if f.stage == "unverified"]
    assert [(f.severity, f.line) for f in notes] == [("note", u.line) for u in found]


def test_every_unverified_builtin_value_names_its_source_and_line() -> None:
    for ident in rs.list_instruments():
        for value in unverified(rs.load_instrument(ident)):
            assert value.source, value
            assert value.line is not None, value


def test_secondary_values_are_listed_with_their_grade(define: Define) -> None:
    text = TINY_LIST.replace(
        'guidance: {nb: g, en: g}}\n  - {id: "3"',
        'guidance: {nb: g, en: g}, verified: secondary, source: "[nesset-2021] Table 2"}\n'
        '  - {id: "3"',
    ).replace(
        "min_score: 2}",
        'min_score: 2,\n     verified: false, source: "[hilton-2021] from recall"}',
    )
    path = define(text)
    found = unverified(rs.load_instrument(path))
    assert [(u.path, u.grade, u.status) for u in found] == [
        ("items.1", "secondary", "confirmed by a secondary source"),
        ("levels.1", "unverified", "unverified"),
    ]
    assert str(found[0]).endswith(
        "items.1: item '2' is confirmed by a secondary source; source: [nesset-2021] Table 2"
    )
    notes = [f.message for f in check_file(path, properties=False) if f.stage == "unverified"]
    assert notes == [
        "item '2' is confirmed by a secondary source; source: [nesset-2021] Table 2",
        "level 'high' is unverified; source: [hilton-2021] from recall",
    ]
    assert lines(check_file(path, properties=False)) == []


def test_a_grade_other_than_true_needs_a_source(define: Define) -> None:
    text = TINY_LIST.replace(
        'guidance: {nb: g, en: g}}\n  - {id: "3"',
        'guidance: {nb: g, en: g}, verified: secondary}\n  - {id: "3"',
    )
    (error,) = [f for f in check_file(define(text), properties=False) if f.severity == "error"]
    assert error.stage == "schema"
    assert "'verified: secondary' needs a 'source'" in error.message


def test_a_source_without_a_key_or_with_an_unknown_key_is_an_error_at_the_source(
    define: Define,
) -> None:
    text = TINY_LIST.replace(
        'guidance: {nb: g, en: g}}\n  - {id: "3"',
        'guidance: {nb: g, en: g},\n     source: "manual p. 12 [P]"}\n  - {id: "3"',
    ).replace(
        "    rationale: {nb: r, en: r}\n",
        '    rationale: {nb: r, en: r}\n    source: "[hilton-2021] and [hilton-2012]"\n',
    )
    path = define(text)
    found = [f for f in check_file(path, properties=False) if f.severity == "error"]
    no_key = line_of(text, "manual p. 12")
    unknown = line_of(text, "[hilton-2012]")
    assert [(f.stage, f.path, f.line) for f in found] == [
        ("citation", "items.1.source", no_key),
        ("citation", "measures.0.source", unknown),
    ]
    assert found[0].column == text.splitlines()[no_key - 1].index('"manual') + 1
    assert "cites no reference" in found[0].message
    assert found[1].message == (
        "unknown reference [hilton-2012] (not in sources.yaml); did you mean [hilton-2021]?"
    )


def test_a_bibliography_beside_the_definition_is_used(define: Define) -> None:
    text = TINY_LIST.replace(
        "    rationale: {nb: r, en: r}\n",
        '    rationale: {nb: r, en: r}\n    source: "[local-guide] p. 3"\n',
    )
    path = define(text)
    assert [f.message for f in check_file(path, properties=False) if f.severity == "error"] == [
        "unknown reference [local-guide] (not in sources.yaml)"
    ]
    (path.parent / "sources.yaml").write_text(
        'version: "1"\nreferences:\n'
        '  - {id: local-guide, author: "A District", title: "A guide", grade: weak}\n',
        encoding="utf-8",
    )
    assert lines(check_file(path, properties=False)) == []


def test_the_bibliography_is_checked_for_duplicates_and_grades(tmp_path: Path) -> None:
    text = (builtin_dir() / "sources.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: straffeloven\n", "  - id: straffeprosessloven\n")
    assert text.count("grade: weak\n") > 1
    text = text.replace("grade: weak\n", "grade: anecdotal\n", 1)
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    found = [f for f in check_definitions([path]).findings if f.source == str(path)]
    assert [(f.severity, f.stage) for f in found] == [("error", "schema")]
    assert "'primary', 'secondary' or 'weak'" in found[0].message
    assert found[0].line == line_of(text, "grade: anecdotal")
    path.write_text(text.replace("grade: anecdotal\n", "grade: weak\n"), encoding="utf-8")
    (dup,) = [f for f in check_definitions([path]).findings if f.source == str(path)]
    assert (dup.severity, dup.stage, dup.message) == (
        "error",
        "citation",
        "duplicate id 'straffeprosessloven'",
    )
    second = [n for n, ln in enumerate(text.splitlines(), 1) if ln == "  - id: straffeprosessloven"]
    assert dup.line == second[1]


def test_every_builtin_source_cites_known_keys_and_nothing_outside_the_repository() -> None:
    from risk_scoring.definition.bibliography import cited_keys, load_bibliography
    from risk_scoring.definition.model import verifiables

    known = load_bibliography().by_id
    definitions = [rs.load_instrument(i) for i in rs.list_instruments()]
    for definition in [*definitions, rs.load_catalogue()]:
        for loc, value in verifiables(definition):
            if value.source is None:
                continue
            keys = cited_keys(value.source)
            assert keys, (loc, value.source)
            assert set(keys) <= set(known), (loc, value.source)
    for path in builtin_dir().rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "research/instruments.md" not in text, path
        assert "/work/" not in text, path


def test_the_catalogue_is_checked_too(tmp_path: Path) -> None:
    text = (builtin_dir() / "measures.yaml").read_text(encoding="utf-8")
    (tmp_path / "measures.yaml").write_text(
        text.replace("id: kontaktforbud", "id: besoksforbud"), encoding="utf-8"
    )
    findings = check_definitions([tmp_path / "measures.yaml"]).findings
    assert [f.message for f in findings if f.severity == "error"] == ["duplicate id 'besoksforbud'"]


# --- which files -----------------------------------------------------------------------------


def test_paths_name_definitions_folders_and_case_files(define: Define) -> None:
    path = define()
    case = path.parent / "cases" / "tiny-list" / "all-no-low.yaml"
    assert definition_files([path.parent]) == [path]
    assert definition_files([case]) == [path]
    assert definition_files([]) == sorted(builtin_dir().glob("*.yaml"))
    shutil.copy(builtin_dir() / "measures.yaml", path.parent / "measures.yaml")
    assert definition_files([path.parent / "measures.yaml"]) == [
        path.parent / "measures.yaml",
        path,
    ]
    with pytest.raises(rs.InstrumentNotFoundError):
        definition_files([path.parent / "nope.yaml"])


# --- properties ------------------------------------------------------------------------------


def test_a_scale_that_runs_backwards_breaks_monotonicity_at_an_item(define: Define) -> None:
    text = TINY_LIST.replace("points: 0}", "points: 9}").replace("min_score: 2}", "min_score: 10}")
    cases = {
        "high": 'answers: {items: {"1": "no", "2": "no", "3": "no"}}\nexpect: {level: high}\n',
        "low": 'answers: {items: {"1": "yes", "2": "yes", "3": "yes"}}\nexpect: {level: low}\n',
    }
    findings = check_file(define(text, cases), max_examples=30)
    (error,) = [f for f in findings if f.severity == "error"]
    assert error.stage == "property"
    assert error.path.startswith("items.")
    assert "property monotonicity fails: raising item" in error.message
    assert "lowers the level from 'high' to 'low'" in error.message


def test_items_with_a_negative_weight_are_left_out_of_monotonicity(define: Define) -> None:
    text = TINY_LIST.replace(
        "title: {nb: Våpen, en: Weapons}, guidance: {nb: g, en: g}}",
        "title: {nb: Våpen, en: Weapons}, guidance: {nb: g, en: g}, weight: -2}",
    )
    inst = rs.load_instrument(define(text))
    assert check_properties(inst, max_examples=30) == []


def test_an_assessment_that_raises_breaks_totality(
    define: Define, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = rs.load_instrument(define())
    original = rs.Instrument.assess

    def fragile(self: rs.Instrument, answers: Mapping[str, object]) -> rs.Result:
        if answers["items"].get("3") == "yes":  # type: ignore[attr-defined]
            raise ZeroDivisionError("boom")
        return original(self, answers)

    monkeypatch.setattr(rs.Instrument, "assess", fragile)
    messages = [f.message for f in check_properties(inst, max_examples=30)]
    assert any(
        m.startswith("property totality fails: assessing raised ZeroDivisionError")
        for m in messages
    )
    assert all('"3":"yes"' in m for m in messages)


def test_an_assessment_that_varies_breaks_determinism(
    define: Define, monkeypatch: pytest.MonkeyPatch
) -> None:
    inst = rs.load_instrument(define())
    original = rs.Instrument.assess
    calls = iter(range(10_000))

    def varying(self: rs.Instrument, answers: Mapping[str, object]) -> rs.Result:
        return original(self, answers).model_copy(update={"case_ref": str(next(calls))})

    monkeypatch.setattr(rs.Instrument, "assess", varying)
    messages = [f.message for f in check_properties(inst, max_examples=5)]
    assert [m.split(":")[0] for m in messages] == [
        "property determinism fails",
    ]


def test_properties_use_a_fixed_seed_so_findings_repeat(define: Define) -> None:
    text = TINY_LIST.replace("points: 0}", "points: 9}").replace("min_score: 2}", "min_score: 10}")
    path = define(text, cases={})
    first = check_file(path, max_examples=20)
    assert check_file(path, max_examples=20) == first


def test_a_misspelt_measure_gets_a_did_you_mean(tmp_path: Path) -> None:
    four_defects(tmp_path / "copy")
    lines = [str(f) for f in check_definitions([tmp_path / "copy"], properties=False).findings]
    assert any(
        "unknown measure 'marac_referal'; did you mean 'marac_referral'? (expected one of" in line
        for line in lines
    ), lines


def test_a_reference_in_the_wrong_case_gets_a_did_you_mean() -> None:
    from risk_scoring.definition.references import did_you_mean

    assert did_you_mean("MARAC_REFERRAL", ["idva_referral", "marac_referral"]) == "marac_referral"
    assert did_you_mean("teleport", ["idva_referral", "marac_referral"]) is None

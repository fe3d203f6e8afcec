"""Definitions are read safely, and every problem points at its file, line and column."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import risk_scoring as rs
from risk_scoring.errors import Problem
from tests.conftest import TINY_SPJ, MakeFile


def problems_of(path: Path) -> list[str]:
    with pytest.raises(rs.InstrumentError) as info:
        rs.load_instrument(path)
    return [str(p) for p in info.value.problems]


def test_duplicate_key_is_reported_with_line_and_column(write_yaml: MakeFile) -> None:
    path = write_yaml(TINY_SPJ.replace('version: "1"\n', 'version: "1"\nversion: "2"\n'))
    assert problems_of(path) == [f"{path}:3:1: duplicate key 'version' (first on line 2)"]


def test_alias_bomb_is_refused_before_expansion(write_yaml: MakeFile) -> None:
    bomb = 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b]\n'
    found = problems_of(write_yaml(bomb))
    assert len(found) == 1
    assert found[0].endswith(":1:4: anchors (&name) are not allowed")


def test_python_tag_is_refused(write_yaml: MakeFile) -> None:
    path = write_yaml('id: !!python/object/apply:os.system ["echo hi"]\n')
    assert problems_of(path) == [
        f"{path}:1:5: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
    ]


def test_yes_no_and_on_stay_strings(write_yaml: MakeFile) -> None:
    from risk_scoring.definition import reader as _yaml

    doc = _yaml.parse("a: yes\nb: NO\nc: on\nd: true\ne: 1:30\nf: 012\n", "x.yaml")
    assert doc.data == {"a": "yes", "b": "NO", "c": "on", "d": True, "e": "1:30", "f": "012"}


def test_schema_error_points_at_the_offending_value(write_yaml: MakeFile) -> None:
    path = write_yaml(TINY_SPJ.replace("kind: spj", "kind: magic"))
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:3:7: kind: Input should be 'actuarial', 'checklist'")


def test_missing_translation_is_reported_at_its_text(write_yaml: MakeFile) -> None:
    path = write_yaml(TINY_SPJ.replace("title: {nb: a2, en: a2}", "title: {en: a2}"))
    assert problems_of(path) == [
        f"{path}:29:32: items.1.title.nb: missing nb text (every text needs both nb and en)"
    ]


def test_misspelt_key_is_an_error(write_yaml: MakeFile) -> None:
    path = write_yaml(TINY_SPJ.replace("scoring:", "scorign:"))
    assert f"{path}:37:1: scorign: unknown key 'scorign'" in problems_of(path)


def test_dangling_references_are_all_reported(write_yaml: MakeFile) -> None:
    text = (
        TINY_SPJ.replace("{id: B1, domain: B,", "{id: B1, domain: C,")
        .replace(
            "measure: besoksforbud\n    priority: urgent", "measure: teleport\n    priority: urgent"
        )
        .replace('{item: {id: A1, in: ["Y"]}}', '{item: {id: A9, in: ["Y"]}}')
    )
    found = problems_of(write_yaml(text))
    assert len(found) == 3
    assert ":30:22:" in found[0]
    assert "items.2.domain: unknown domain 'C'" in found[0]
    assert "warnings.0.when.all.0.item.id: unknown item 'A9'" in found[1]
    assert "measures.0.measure: unknown measure 'teleport'" in found[2]


def test_condition_with_two_keys_is_refused(write_yaml: MakeFile) -> None:
    text = TINY_SPJ.replace(
        "when: {level: {at_least: low}}", "when: {level: {at_least: low}, score: {at_least: 1}}"
    )
    (problem,) = problems_of(write_yaml(text))
    assert "measures.1.when: a condition is a mapping with exactly one key" in problem


def test_unknown_value_in_condition_is_refused(write_yaml: MakeFile) -> None:
    text = TINY_SPJ.replace('{item: {id: A1, in: ["Y"]}}', '{item: {id: A1, in: ["X"]}}')
    (problem,) = problems_of(write_yaml(text))
    assert "warnings.0.when.all.0.item.in: 'X' is not a value of these items" in problem


def test_invalid_utf8_is_reported_with_position(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"id: x\ntitle: \xff\n")
    assert problems_of(path) == [f"{path}:2:8: not valid UTF-8 (byte 0xff)"]


def test_unknown_builtin_suggests_the_nearest_id() -> None:
    with pytest.raises(rs.InstrumentNotFoundError, match="did you mean 'dash'"):
        rs.load_instrument("dahs")


def test_loading_twice_returns_the_cached_instrument() -> None:
    assert rs.load_instrument("dash") is rs.load_instrument("dash")


def test_digest_ignores_layout_but_not_content(write_yaml: MakeFile) -> None:
    first = rs.load_instrument(write_yaml(TINY_SPJ))
    reordered = rs.load_instrument(
        write_yaml(TINY_SPJ.replace('id: tiny-spj\nversion: "1"', 'version: "1"\nid:   tiny-spj'))
    )
    changed = rs.load_instrument(
        write_yaml(TINY_SPJ.replace("title: {nb: a1,", "title: {nb: a1x,"))
    )
    assert first.digest == reordered.digest
    assert first.digest != changed.digest


def _canonical_digest(content: dict[str, object]) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("ident", ["dash", "odara", "danger-assessment", "lethality-screen"])
def test_a_definition_without_the_newer_keys_keeps_the_digest_it_had_before_them(
    ident: str,
) -> None:
    # scoring.high_risk came with the SPJ case record and a dimension's window with its
    # report sections; results stored before them still find an instrument that uses
    # neither, so its digest leaves the unset keys out.
    inst = rs.load_instrument(ident)
    content = inst.model_dump(mode="json", by_alias=True)
    assert content["scoring"].pop("high_risk") is None
    for dimension in content["dimensions"]:
        assert dimension.pop("window") is None
    assert inst.digest == _canonical_digest(content)


def test_a_declared_high_risk_and_windows_count_in_the_digest() -> None:
    inst = rs.load_instrument("sara-v3")
    content = inst.model_dump(mode="json", by_alias=True)
    assert content["scoring"]["high_risk"] is not None
    unset = [d.pop("window") for d in content["dimensions"] if d["window"] is None]
    assert len(unset) == 1 < len(content["dimensions"])  # relevance has none
    assert inst.digest == _canonical_digest(content)


def test_spj_rule_may_not_depend_on_the_research_total(write_yaml: MakeFile) -> None:
    text = TINY_SPJ.replace("when: {level: {at_least: low}}", "when: {score: {at_least: 3}}")
    (problem,) = problems_of(write_yaml(text))
    assert "measures.1.when.score: spj totals are for research only" in problem


# --- one staged reader for load and check (issue 10 item 5) ------------------------------


def _errors(path: Path) -> list[tuple[str, str]]:
    from risk_scoring.tooling.check import check_file

    return [
        (f.stage, str(Problem(f.path, f.message, f.source, f.line, f.column)))
        for f in check_file(path, properties=False)
        if f.severity == "error"
    ]


def test_load_raises_the_first_failing_stage_that_check_reports_in_full(
    write_yaml: MakeFile,
) -> None:
    text = TINY_SPJ.replace("title: {nb: a2, en: a2}", "title: {en: a2}")
    text = text.replace("kind: spj", "kind: magic")
    path = write_yaml(text)
    found = _errors(path)
    assert [stage for stage, _ in found] == ["schema", "translation"]
    assert problems_of(path) == [p for stage, p in found if stage == "translation"]


def test_references_are_checked_after_translations_are_filled_in(write_yaml: MakeFile) -> None:
    text = TINY_SPJ.replace("title: {nb: a2, en: a2}", "title: {en: a2}")
    text = text.replace("{id: B1, domain: B,", "{id: B1, domain: C,")
    path = write_yaml(text)
    found = _errors(path)
    assert [stage for stage, _ in found] == ["translation", "reference"]
    assert problems_of(path) == [found[0][1]]
    fixed = write_yaml(text.replace("title: {en: a2}", "title: {nb: a2, en: a2}"))
    assert problems_of(fixed) == [p for stage, p in _errors(fixed) if stage == "reference"]


def test_a_broken_catalogue_beside_is_the_catalogue_stage(write_yaml: MakeFile) -> None:
    path = write_yaml(TINY_SPJ)
    (path.parent / "measures.yaml").write_text("version: '1'\nmeasures: []\n", encoding="utf-8")
    found = _errors(path)
    assert {stage for stage, _ in found} == {"catalogue"}
    assert problems_of(path) == [p for _, p in found]


def test_check_also_bounds_the_number_of_items(write_yaml: MakeFile) -> None:
    from risk_scoring.definition.loading import MAX_ITEMS

    items = "".join(
        f"  - {{id: I{n}, domain: A, title: {{nb: t, en: t}}, guidance: {{nb: g, en: g}}}}\n"
        for n in range(MAX_ITEMS + 1)
    )
    head, _, tail = TINY_SPJ.partition("items:\n")
    _, _, tail = tail.partition("context:\n")
    text = (head + "items:\n" + items + "context:\n" + tail).replace("A1, in:", "I0, in:")
    path = write_yaml(text)
    found = _errors(path)
    assert [stage for stage, _ in found] == ["schema"]
    assert problems_of(path) == [found[0][1]]

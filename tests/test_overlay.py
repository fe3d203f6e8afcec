"""District overlays: a district's own rules on a built-in instrument, without copying it.

An overlay (`risk_scoring.definition.overlay`) names the built-in instrument it extends and
adds measure rules, warnings and catalogue measures, and may relabel; it may not change
what is scored. Loading it gives the merged definition; results name both digests.
"""

from __future__ import annotations

import doctest
import importlib.metadata
import json
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

import risk_scoring as rs
from risk_scoring.definition import loading, overlay as overlays, validation
from risk_scoring.definition.lookup import instrument_of
from risk_scoring.tooling.check import check_definitions, check_file, check_properties
from risk_scoring.tooling.golden import case_files, read_case, run_case

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "districts" / "oslo-sara-v3.yaml"
SARA = rs.load_instrument("sara-v3")
ITEMS = {item.id: "N" for item in SARA.items}

OVERLAY = f"""\
id: test-district
version: "1"
title: {{nb: Testdistrikt, en: Test district}}
description: {{nb: Lokale regler, en: Local rules}}
extends:
  instrument: sara-v3
  version: "{SARA.version}"
measures:
  - id: district-weapons-check
    measure: district_weapons_check
    priority: urgent
    when:
      all:
        - {{item: {{id: N2, dimension: recent, in: ["Y"]}}}}
        - {{judgement: {{id: serious_harm, at_least: moderate}}}}
    rationale: {{nb: Sjekk våpen, en: Check for weapons}}
warnings:
  - id: district-children-low
    when:
      all:
        - {{context: {{id: children_in_household, equals: true}}}}
        - {{judgement: {{id: case_prioritization, in: [low]}}}}
    message: {{nb: Barn og lav prioritet, en: Children and low priority}}
catalogue:
  - id: district_weapons_check
    name: {{nb: Våpenkontroll, en: Weapons check}}
    jurisdiction: "NO"
    legal_basis: {{nb: Våpenloven § 1 (eksempel), en: Firearms Act s. 1 (example)}}
    decided_by: {{nb: Distriktets våpenkontor, en: The district's firearms office}}
    description: {{nb: Sjekk våpenregisteret, en: Check the firearms register}}
labels:
  levels:
    high: {{title: {{nb: Høy (distrikt), en: High (district)}}}}
  items:
    N2: {{guidance: {{nb: Distriktets veiledning, en: The district's guidance}}}}
"""

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write an overlay as `<folder>/<name>.yaml`, with golden cases in `cases/<name>/`."""

    def put(
        text: str = OVERLAY, name: str = "test-district", cases: Mapping[str, str] = {}
    ) -> Path:
        path = tmp_path / f"{name}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        for case, body in cases.items():
            folder = tmp_path / "cases" / name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{case}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
        return path

    return put


def answers(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "items": dict(ITEMS),
        "judgements": {
            "case_prioritization": "moderate",
            "serious_harm": "moderate",
            "imminent_violence": "low",
        },
    }
    for key, value in changes.items():
        data[key] = {**data.get(key, {}), **value}
    return data


def problems(path: Path) -> list[rs.Problem]:
    with pytest.raises(rs.InstrumentError) as info:
        rs.load_instrument(path)
    return list(info.value.problems)


def errors(path: Path) -> list[str]:
    """`check`'s errors for `path`, as `path:line:col: error: where: message` without the
    folder."""
    found = check_file(path, properties=False)
    return [str(f).replace(f"{path.parent}/", "") for f in found if f.severity == "error"]


# --- the merged definition --------------------------------------------------------------


def test_an_overlay_loads_as_its_base_with_its_rules_measures_and_labels(write: Write) -> None:
    inst = rs.load_instrument(write())
    assert (inst.id, inst.version, inst.kind) == (SARA.id, SARA.version, SARA.kind)
    assert inst.items[1].guidance.en == "The district's guidance"
    assert inst.items[1].title == SARA.items[1].title
    assert inst.level_by_id["high"].title.en == "High (district)"
    assert inst.level_by_id["high"].description == SARA.level_by_id["high"].description
    assert [r.id for r in inst.measure_rules] == [
        *(r.id for r in SARA.measure_rules),
        "district-weapons-check",
    ]
    assert [r.id for r in inst.warning_rules][-1] == "district-children-low"
    assert inst.scales == SARA.scales
    assert inst.dimensions == SARA.dimensions
    assert inst.scoring == SARA.scoring
    assert inst.overlay is not None
    assert inst.overlay.base is rs.load_instrument("sara-v3")
    assert inst.overlay.id == "test-district"
    assert repr(inst) == f"<Instrument sara-v3 {SARA.version} + test-district 1 (spj, 24 items)>"


def test_the_base_is_not_changed_by_an_overlay(write: Write) -> None:
    before = SARA.model_dump_json()
    rs.load_instrument(write())
    assert rs.load_instrument("sara-v3").overlay is None
    assert SARA.model_dump_json() == before
    assert SARA.overlay is None
    assert "district_weapons_check" not in rs.load_catalogue().by_id


def test_the_overlays_measures_join_the_catalogue_for_that_definition(write: Write) -> None:
    inst = rs.load_instrument(write())
    catalogue = loading.catalogue_for(inst)
    assert list(catalogue.by_id)[-1] == "district_weapons_check"
    assert catalogue.version == f"{rs.load_catalogue().version} + test-district 1"
    assert catalogue.measures[:-1] == rs.load_catalogue().measures


def test_assess_applies_the_overlays_rules_and_warnings(write: Write) -> None:
    inst = rs.load_instrument(write())
    fired = inst.assess(answers(items={"N2": "Y"}, context={"children_in_household": True}))
    assert fired.measures[0].id == "district_weapons_check"
    assert fired.measures[0].priority == "urgent"
    assert [r.rule for r in fired.measures[0].reasons] == ["district-weapons-check"]
    base = SARA.assess(answers(items={"N2": "Y"}, context={"children_in_household": True}))
    assert [m.id for m in fired.measures][1:] == [m.id for m in base.measures]
    low = inst.assess(
        answers(context={"children_in_household": True}, judgements={"case_prioritization": "low"})
    )
    assert "district-children-low" in [s.rule for s in low.trace if s.kind == "warning"]


def test_the_example_changes_the_recommendations_only_as_declared() -> None:
    """On every SARA-V3 golden case, the example overlay gives SARA-V3's result, plus the
    coordinator's follow-up where its rule holds (children, prioritization moderate or higher)."""
    inst = rs.load_instrument(EXAMPLE)
    levels = SARA.levels
    for path in case_files(SARA):
        given = read_case(path)[0]["answers"]
        base, district = SARA.assess(given), inst.assess(given)
        assert (district.level, district.score, district.complete) == (
            base.level,
            base.score,
            base.complete,
        )
        assert district.warnings == base.warnings
        assert district.trace == base.trace
        holds = given.get("context", {}).get("children_in_household") is True and (
            levels.index(given.get("judgements", {}).get("case_prioritization", "low")) >= 1
        )
        added = [m for m in district.measures if m.id == "oslo_familievoldskoordinator"]
        assert [m for m in district.measures if m not in added] == base.measures, path
        assert [(m.priority, [r.rule for r in m.reasons]) for m in added] == (
            [("high", ["oslo-children-coordinator"])] if holds else []
        ), path


def test_the_merged_definition_passes_the_properties() -> None:
    assert check_properties(rs.load_instrument(EXAMPLE), max_examples=20) == []


# --- provenance ---------------------------------------------------------------------------


def test_the_provenance_names_the_base_and_the_overlay_with_their_digests(write: Write) -> None:
    inst = rs.load_instrument(write())
    assert inst.overlay is not None
    provenance = json.loads(inst.assess(answers()).model_dump_json())["provenance"]
    assert provenance == {
        "instrument": "sara-v3",
        "version": SARA.version,
        "digest": SARA.digest,
        "library": rs.__version__,
        "overlay": {"id": "test-district", "version": "1", "digest": inst.overlay.digest},
    }
    assert inst.overlay.digest == validation.digest(inst.overlay.definition)
    assert inst.digest == validation.digest(inst)  # the merged content: neither of the two
    assert inst.digest not in (SARA.digest, inst.overlay.digest)


def test_results_without_an_overlay_keep_their_json() -> None:
    result = SARA.assess(answers())
    text = result.model_dump_json()
    assert '"overlay"' not in text
    assert result.provenance.overlay is None
    assert rs.Result.model_validate_json(text) == result


def test_a_stored_result_of_an_overlay_reads_back_unchanged(write: Write) -> None:
    result = rs.load_instrument(write()).assess(answers())
    text = result.model_dump_json()
    again = rs.Result.model_validate_json(text)
    assert again == result
    assert again.model_dump_json() == text


def test_the_overlays_digest_ignores_comments_and_key_order(write: Write) -> None:
    first = rs.load_instrument(write())
    reordered = OVERLAY.replace(
        'id: test-district\nversion: "1"\n', 'version: "1"\nid: test-district\n'
    )
    second = rs.load_instrument(write("# a comment\n" + reordered, name="test-district-2"))
    assert first.overlay is not None
    assert second.overlay is not None
    assert first.overlay.digest == second.overlay.digest


def test_a_result_of_an_overlay_is_read_only_through_that_overlay(write: Write) -> None:
    path = write()
    inst = rs.load_instrument(path)
    result = inst.assess(answers())
    assert instrument_of(result, inst) is inst
    assert instrument_of(result, path) is inst
    with pytest.raises(rs.ReportError, match="read only through that overlay") as info:
        rs.render_report(result, "text", "en")
    assert "with the overlay test-district 1" in str(info.value)
    with pytest.raises(rs.ReportError, match="instrument= is sara-v3"):
        rs.render_report(result, "text", "en", instrument="sara-v3")
    with pytest.raises(rs.ComparisonError, match="read only through that overlay"):
        rs.compare(result, result)


def test_a_result_of_the_base_is_refused_through_an_overlay(write: Write) -> None:
    result = SARA.assess(answers())
    with pytest.raises(rs.ReportError, match="with the overlay test-district 1"):
        rs.render_report(result, "text", "en", instrument=str(write()))


def test_a_result_of_another_overlay_is_refused(write: Write) -> None:
    result = rs.load_instrument(write()).assess(answers())
    other = write(OVERLAY.replace("id: test-district", "id: other-district"), name="other-district")
    with pytest.raises(rs.ReportError, match="other-district"):
        rs.render_report(result, "text", "en", instrument=str(other))


def test_results_of_an_overlay_compare_with_the_base_results(write: Write) -> None:
    inst = rs.load_instrument(write())
    earlier = SARA.assess(answers())
    later = inst.assess(answers(judgements={"case_prioritization": "high"}))
    comparison = rs.compare(earlier, later, instrument=inst)
    assert comparison.trend == "up"
    assert comparison.same_version


# --- reports --------------------------------------------------------------------------------


def test_the_report_shows_both_digests_and_the_district_measure(write: Write) -> None:
    inst = rs.load_instrument(write())
    assert inst.overlay is not None
    result = inst.assess(answers(items={"N2": "Y"}))
    for lang, labels in (
        ("en", ("District overlay: test-district 1", "Overlay digest (SHA-256)")),
        ("nb", ("Distriktstillegg: test-district 1", "Distriktstilleggets kontrollsum")),
    ):
        text = rs.render_report(result, "text", lang, instrument=inst)
        assert SARA.digest in text
        assert inst.overlay.digest in text
        for label in labels:
            assert label in text
    text = rs.render_report(result, "text", "en", instrument=inst)
    assert "1. Weapons check [URGENT]" in text
    assert "Legal basis: Firearms Act s. 1 (example)" in text
    assert "Decided by: The district's firearms office" in text
    assert "Why: Check for weapons" in text
    assert "High (district)" in rs.render_report(
        inst.assess(answers(judgements={"case_prioritization": "high"})),
        "text",
        "en",
        instrument=inst,
    )
    html = rs.render_report(result, "html", "en", instrument=inst)
    assert f"<code>{inst.overlay.digest}</code>" in html


def test_a_report_without_an_overlay_has_no_overlay_rows() -> None:
    text = rs.render_report(SARA.assess(answers()), "text", "en")
    assert "overlay" not in text.lower()


def test_the_example_report_shows_both_digests() -> None:
    inst = rs.load_instrument(EXAMPLE)
    assert inst.overlay is not None
    given = answers(context={"children_in_household": True})
    text = rs.render_report(inst.assess(given), "markdown", "nb", instrument=str(EXAMPLE))
    assert SARA.digest in text
    assert inst.overlay.digest in text
    assert "Oppfølging ved familievoldskoordinatoren" in text


def test_an_overlay_needs_both_languages(write: Write) -> None:
    text = OVERLAY.replace(
        "rationale: {nb: Sjekk våpen, en: Check for weapons}", "rationale: {en: Check}"
    )
    found = check_file(write(text), properties=False)
    (problem,) = [f for f in found if f.severity == "error"]
    assert (problem.stage, problem.path, problem.line) == (
        "translation",
        "measures.0.rationale.nb",
        16,
    )
    assert "missing nb text" in problem.message
    assert any(f.stage == "case" for f in found)  # filled in from English; the cases ran


# --- what an overlay may not do -------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(overlays.REFUSED))
def test_an_overlay_may_not_change_what_is_scored(write: Write, key: str) -> None:
    path = write(OVERLAY + f"{key}: []\n")
    (problem,) = problems(path)
    assert problem.path == key
    assert problem.message.startswith("an overlay may not change")
    assert (problem.line, problem.column) == (len(OVERLAY.splitlines()) + 1, 1)


def test_an_overlay_may_not_change_items(write: Write) -> None:
    path = write(OVERLAY + "items:\n  - {id: N1, weight: 2}\n")
    (line,) = errors(path)
    line_no = len(OVERLAY.splitlines()) + 1
    assert line == (
        f"test-district.yaml:{line_no}:1: error: items: an overlay may not change the items: "
        "it adds measure rules, warnings and catalogue measures to sara-v3, and may relabel; "
        "to retitle them, use 'labels.items'"
    )


def test_an_overlay_may_not_change_scales_or_scoring(write: Write) -> None:
    path = write(OVERLAY + "scales: []\nscoring: {level_from: [serious_harm]}\n")
    found = errors(path)
    assert len(found) == 2
    assert all("an overlay may not change" in f for f in found)
    assert "write an instrument of its own" in found[1]


def test_a_label_may_change_only_texts(write: Write) -> None:
    text = OVERLAY.replace(
        "    N2: {guidance:", "    N2: {weight: 2, scale: presence, guidance:"
    ).replace("    high: {title:", "    high: {min_score: 3, title:")
    found = {f.split(": error: ", 1)[1] for f in errors(write(text))}
    assert found == {
        "labels.levels.high.min_score: an overlay may relabel a level's title and description "
        "only; it may not change its 'min_score'",
        "labels.items.N2.weight: an overlay may relabel an item's title and guidance only; "
        "it may not change its 'weight'",
        "labels.items.N2.scale: an overlay may relabel an item's title and guidance only; "
        "it may not change its 'scale'",
    }


def test_a_label_gives_a_text(write: Write) -> None:
    found = errors(write(OVERLAY.replace("    N2: {guidance:", "    N2: {}\n    N3: {guidance:")))
    assert any("labels.items.N2: a label gives 'title' or 'guidance'" in f for f in found)


def test_labels_name_parts_of_the_base(write: Write) -> None:
    text = OVERLAY.replace("    high: {title:", "    hihg: {title:").replace(
        "    N2: {guidance:", "    N22: {guidance:"
    )
    found = errors(write(text))
    assert any(
        "labels.levels.hihg: sara-v3 has no level 'hihg'; did you mean 'high'?" in f for f in found
    )
    assert any("labels.items.N22: sara-v3 has no item 'N22'" in f for f in found)


def test_integer_label_keys_name_items_by_their_decimal_id(tmp_path: Path) -> None:
    dash = rs.load_instrument("dash")
    path = tmp_path / "test-dash.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            id: test-dash
            version: "1"
            title: {{nb: T, en: T}}
            description: {{nb: T, en: T}}
            extends: {{instrument: dash, version: "{dash.version}"}}
            labels:
              items:
                1: {{title: {{nb: Skadet, en: Injured}}}}
            """
        ),
        encoding="utf-8",
    )
    assert rs.load_instrument(path).item_by_id["1"].title.en == "Injured"


def test_an_overlay_adds_rules_and_cannot_replace_one(write: Write) -> None:
    text = OVERLAY.replace("  - id: district-weapons-check", "  - id: safety-advice")
    found = errors(write(text))
    assert any(
        "measures.0.id: sara-v3 already has a measure rule 'safety-advice'" in f for f in found
    )


def test_a_district_measure_needs_an_id_of_its_own(write: Write) -> None:
    text = OVERLAY.replace("  - id: district_weapons_check", "  - id: tolk")
    found = errors(write(text))
    assert any("catalogue.0.id: the catalogue already has a measure 'tolk'" in f for f in found)


def test_an_overlay_needs_an_id_of_its_own(write: Write) -> None:
    found = errors(write(OVERLAY.replace("id: test-district\n", "id: sara-v3\n"), name="sara-v3"))
    assert any("an overlay needs an id of its own" in f for f in found)


# --- a base that changed under the overlay -------------------------------------------------


def test_a_changed_base_refuses_the_overlay(write: Write) -> None:
    """The built-in is no longer the version the overlay was written for: an error at
    `extends.version`, from load_instrument and check alike."""
    text = OVERLAY.replace(f'  version: "{SARA.version}"', '  version: "2015.1"')
    path = write(text)
    (problem,) = problems(path)
    assert problem.path == "extends.version"
    assert (problem.line, problem.column) == (7, 12)
    assert f"the built-in sara-v3 is version '{SARA.version}'" in problem.message
    assert "the base changed under the overlay" in problem.message
    (line,) = [f for f in errors(path) if "extends" in f]
    assert line.startswith("test-district.yaml:7:12: error: extends.version: ")


def test_a_base_whose_content_changed_refuses_an_overlay_pinned_to_its_digest(
    write: Write,
) -> None:
    pinned = OVERLAY.replace(
        f'  version: "{SARA.version}"\n', f'  version: "{SARA.version}"\n  digest: "{"0" * 64}"\n'
    )
    (problem,) = problems(write(pinned))
    assert problem.path == "extends.digest"
    assert problem.line == 8
    assert f"has digest {SARA.digest}" in problem.message
    right = pinned.replace("0" * 64, SARA.digest)
    assert rs.load_instrument(write(right)).overlay is not None


def test_an_overlay_follows_its_base_file_when_it_changes(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A built-in that changes on disk is read again, and so is every overlay on it: a new
    version refuses the overlay even after it was loaded (and cached)."""
    builtins = tmp_path / "builtins"
    shutil.copytree(loading.builtin_dir(), builtins, ignore=shutil.ignore_patterns("cases"))
    monkeypatch.setattr(loading, "builtin_dir", lambda: builtins)
    path = write()
    first = rs.load_instrument(path)
    assert rs.load_instrument(path) is first  # cached
    sara = builtins / "sara-v3.yaml"
    text = sara.read_text(encoding="utf-8")
    sara.write_text(text.replace(f'version: "{SARA.version}"', 'version: "2099.1"', 1), "utf-8")
    (problem,) = problems(path)
    assert problem.path == "extends.version"
    assert "'2099.1'" in problem.message


def test_an_unknown_base_gets_a_did_you_mean(write: Write) -> None:
    (problem,) = problems(write(OVERLAY.replace("instrument: sara-v3", "instrument: sara-v2")))
    assert problem.path == "extends.instrument"
    assert "no built-in instrument 'sara-v2'; did you mean 'sara-v3'?" in problem.message


def test_an_overlay_extends_only_a_built_in_id(write: Write) -> None:
    (problem,) = problems(write(OVERLAY.replace("instrument: sara-v3", "instrument: ../x.yaml")))
    assert problem.path == "extends.instrument"
    assert "should match pattern" in problem.message


# --- check -------------------------------------------------------------------------------------


def test_check_verifies_the_example_overlay() -> None:
    summary = check_definitions([EXAMPLE.parent])
    assert summary.count("error") == 0, "\n".join(map(str, summary.findings))
    assert summary.count("warning") == 0
    assert summary.cases == 4
    (note,) = [f for f in summary.findings if f.severity == "note"]
    assert note.stage == "base"
    assert f"digest: {SARA.digest}" in note.message


def test_check_finds_every_broken_reference_in_the_overlays_own_file(write: Write) -> None:
    text = (
        OVERLAY.replace("id: N2, dimension: recent", "id: N22, dimension: recnt")
        .replace("at_least: moderate}", "at_least: moderat}")
        .replace("id: children_in_household", "id: children")
        .replace("in: [low]", "in: [lav]")
        .replace("measure: district_weapons_check", "measure: district_weapon_check")
    )
    found = errors(write(text))
    assert found == [
        "test-district.yaml:10:14: error: measures.0.measure: unknown measure "
        "'district_weapon_check'; did you mean 'district_weapons_check'? (expected one of "
        + ", ".join(repr(m) for m in sorted([*rs.load_catalogue().by_id, "district_weapons_check"]))
        + ")",
        "test-district.yaml:14:23: error: measures.0.when.all.0.item.id: unknown item 'N22'",
        "test-district.yaml:14:39: error: measures.0.when.all.0.item.dimension: unknown "
        "dimension 'recnt'; did you mean 'recent'? (expected one of 'past', 'recent', 'relevance')",
        "test-district.yaml:15:52: error: measures.0.when.all.1.judgement.at_least: unknown "
        "level 'moderat'; did you mean 'moderate'? (expected one of 'high', 'low', 'moderate')",
        "test-district.yaml:21:26: error: warnings.0.when.all.0.context.id: unknown context field "
        "'children'; expected one of "
        + ", ".join(repr(f) for f in sorted(c.id for c in SARA.context)),
        "test-district.yaml:22:53: error: warnings.0.when.all.1.judgement.in: unknown level "
        "'lav'; expected one of 'high', 'low', 'moderate'",
    ]


def test_check_runs_the_overlays_own_golden_cases(write: Write) -> None:
    rated = {**ITEMS, "N2": {"recent": "Y"}}
    case = f"""\
        description: "recent threats, moderate serious harm: a wrong order expected"
        answers:
          items: {json.dumps(rated)}
          judgements:
            {{case_prioritization: moderate, serious_harm: moderate, imminent_violence: low}}
        expect:
          level: moderate
          measures: [sikkerhetsrad, district_weapons_check, fortrolig_adresse]
        """
    path = write(cases={"threats": case})
    inst = rs.load_instrument(path)
    (case_path,) = case_files(inst)
    assert case_path == path.parent / "cases" / "test-district" / "threats.yaml"
    (problem,) = run_case(inst, case_path)
    assert problem.path == "expect.measures"
    assert problem.message.endswith(
        "got ['district_weapons_check', 'sikkerhetsrad', 'fortrolig_adresse']"
    )
    summary = check_definitions([path], properties=False)
    assert summary.cases == 1
    assert [(f.stage, f.line) for f in summary.findings if f.severity == "error"] == [("case", 8)]


def test_an_overlay_without_golden_cases_is_a_warning(write: Write) -> None:
    found = check_file(write(), properties=False)
    (warning,) = [f for f in found if f.severity == "warning"]
    assert "no golden cases" in warning.message
    assert "cases/test-district/" in warning.message


def test_an_overlay_cites_the_built_in_keys_or_its_own(write: Write) -> None:
    text = OVERLAY.replace(
        "    rationale: {nb: Sjekk våpen, en: Check for weapons}\n",
        "    rationale: {nb: Sjekk våpen, en: Check for weapons}\n"
        '    source: "[district-memo] and [sifer-sara-v3]; [no-such-key]"\n',
    ) + (
        "references:\n"
        "  - {id: district-memo, author: District, title: Memo, grade: primary}\n"
        "  - {id: sifer-sara-v3, author: District, title: Copy, grade: weak}\n"
    )
    found = [f for f in check_file(write(text), properties=False) if f.stage == "citation"]
    assert [f.path for f in found] == ["measures.0.source", "references.1.id"]
    assert "unknown reference [no-such-key] (not in sources.yaml or the overlay's references)" in (
        found[0].message
    )
    assert "the built-in bibliography already has [sifer-sara-v3]" in found[1].message


def test_the_overlays_unverified_values_are_its_notes(write: Write) -> None:
    text = OVERLAY.replace(
        "    priority: urgent\n",
        '    priority: urgent\n    verified: false\n    source: "[sifer-sara-v3] a guess"\n',
    )
    notes = [f for f in check_file(write(text), properties=False) if f.stage == "unverified"]
    assert [(n.path, n.line) for n in notes] == [("measures.0", 12)]


def test_the_pytest_plugin_and_golden_cases_find_the_overlays_own_cases() -> None:
    inst = rs.load_instrument(EXAMPLE)
    folder = EXAMPLE.parent / "cases" / "oslo-sara-v3"
    assert case_files(inst) == sorted(folder.glob("*.yaml"))
    for path in case_files(inst):
        assert run_case(inst, path) == [], path


def test_check_and_load_agree_on_the_first_failing_stage(write: Write) -> None:
    text = OVERLAY.replace('  version: "', '  version: "0') + "items: []\n"
    path = write(text)
    stages = [f.stage for f in check_file(path, properties=False) if f.severity == "error"]
    assert stages == ["base", "schema"]  # sorted by position; the schema stage comes first
    (problem,) = problems(path)
    assert problem.path == "items"


# --- the command line -------------------------------------------------------------------------


def test_assess_takes_answers_naming_the_base_with_the_overlay_as_instrument(
    write: Write, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from risk_scoring.tooling.cli import main

    path = write()
    given = tmp_path / "case.json"
    given.write_text(json.dumps({"instrument": "sara-v3", **answers(items={"N2": "Y"})}))
    run = CliRunner().invoke(main, ["assess", str(given), "--instrument", str(path)])
    assert run.exit_code == 0, run.output
    result = rs.Result.model_validate_json(run.stdout)
    assert result.provenance.overlay is not None
    assert result.measures[0].id == "district_weapons_check"
    stored = tmp_path / "result.json"
    stored.write_text(run.stdout)
    refused = CliRunner().invoke(main, ["report", str(stored), "--format", "text"])
    assert refused.exit_code == 1
    assert "--instrument on the command line" in refused.output
    shown = CliRunner().invoke(
        main, ["report", str(stored), "--format", "text", "--instrument", str(path)]
    )
    assert shown.exit_code == 0, shown.output
    assert "Distriktstillegg: test-district 1" in shown.stdout


# --- docs/district-rules.md is replayed ----------------------------------------------------

PAGE = ROOT / "docs" / "district-rules.md"
BLOCK = re.compile(
    r"<!-- (file|try|append|run|doctest)(?:: (\S+))? -->\n```\w*\n(.*?)^```", re.S | re.M
)
VARYING = [
    (re.compile(r"in \d+(?:\.\d+)? s\b"), "in … s"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),  # digests change with every correction
]


def _steady(line: str) -> str:
    for pattern, replacement in VARYING:
        line = pattern.sub(replacement, line)
    return line


def _command() -> list[str]:
    (script,) = importlib.metadata.entry_points(group="console_scripts", name="risk-scoring")
    module, _, function = script.value.partition(":")
    return [
        sys.executable,
        "-c",
        f"import sys; from {module} import {function}; sys.exit({function}())",
    ]


def _run(console: str, cwd: Path) -> None:
    """Run each `$ risk-scoring ...` line and compare what it prints with the lines below."""
    steps = re.split(r"^\$ ", console, flags=re.M)[1:]
    assert steps, "a run block without a command"
    for step in steps:
        line, *expected = step.rstrip("\n").split("\n")
        program, *args = shlex.split(line)
        assert program == "risk-scoring", line
        done = subprocess.run(
            [*_command(), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
        )
        printed = (done.stdout + done.stderr).rstrip("\n").split("\n")
        assert [_steady(x) for x in printed] == [_steady(x) for x in expected], f"$ {line}"
        failed = any(": error: " in x for x in expected)
        assert done.returncode == (1 if failed else 0), f"$ {line}: exit {done.returncode}"


def test_the_district_rules_page_replays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files the page shows are the shipped ones; its commands print what it shows (a
    `try:` block is a file and an `append:` block an addition, for the next `run` only);
    its Python sessions run as doctests. It all runs on a copy of examples/districts/."""
    shutil.copytree(EXAMPLE.parent, tmp_path / "examples" / "districts")
    blocks = [(m.group(1), m.group(2), m.group(3)) for m in BLOCK.finditer(PAGE.read_text("utf-8"))]
    assert {kind for kind, _, _ in blocks} == {"file", "try", "append", "run", "doctest"}
    changed: dict[Path, str | None] = {}
    session: dict[str, Any] = {}  # the doctest blocks are one Python session
    for kind, path, text in blocks:
        if kind == "file":
            assert path is not None
            assert (ROOT / path).read_text(encoding="utf-8") == text, (
                f"{path} differs from the page"
            )
        elif kind in ("try", "append"):
            assert path is not None
            target = tmp_path / path
            before = target.read_text(encoding="utf-8") if target.exists() else None
            changed.setdefault(target, before)
            target.write_text(text if kind == "try" else (before or "") + text, encoding="utf-8")
        elif kind == "run":
            _run(text, tmp_path)
            for target, before in changed.items():
                if before is None:
                    target.unlink()
                else:
                    target.write_text(before, encoding="utf-8")
            changed.clear()
        else:
            monkeypatch.chdir(tmp_path)
            test = doctest.DocTestParser().get_doctest(
                text, session, "district-rules", str(PAGE), 0
            )
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
            runner.run(test, clear_globs=False)
            session.update(test.globs)  # a DocTest works on a copy
            assert runner.failures == 0, "a doctest block of docs/district-rules.md failed"

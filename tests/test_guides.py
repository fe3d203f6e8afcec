"""Hand-written guide pages that state facts about the code are checked against it.

- ``docs/contract.md``: the fixed vocabulary table matches the built-in instruments, every
  ``rs.`` name it shows is public, and what it calls *coming in the next release* is not
  yet in the code (when it lands, the page must say so).
- ``docs/installation.md``: its extras table lists exactly the extras of pyproject.toml.
- No page tells a reader to install from a package index that does not serve us.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import risk_scoring as rs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CONTRACT = (DOCS / "contract.md").read_text(encoding="utf-8")
COMING = "*Coming in the next release"


def _table(text: str, heading: str) -> list[list[str]]:
    """The rows (cells stripped) of the first Markdown table after `heading`."""
    section = text.split(heading, 1)[1]
    rows = []
    for line in section.splitlines():
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
        elif rows:
            break
    return rows[2:]  # without the header and the |---| line


def _ids(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _item_ids(cell: str) -> set[str]:
    """`N1`, en dash, `N8` and `3a` -> {"N1", ..., "N8", "3a"}."""
    found: set[str] = set()
    for start, end in re.findall(r"`([^`]+)`\u2013`([^`]+)`", cell):
        prefix = re.match(r"\D*", start).group()  # type: ignore[union-attr]
        first, last = int(start[len(prefix) :]), int(end[len(prefix) :])
        found |= {f"{prefix}{n}" for n in range(first, last + 1)}
    singles = re.sub(r"`[^`]+`\u2013`[^`]+`", "", cell.split("(default")[0])
    return found | set(_ids(singles))


VOCABULARY = _table(CONTRACT, "## Fixed vocabulary")


def test_the_vocabulary_table_lists_every_built_in_instrument() -> None:
    assert sorted(_ids(row[0])[0] for row in VOCABULARY) == rs.list_instruments()


@pytest.mark.parametrize("row", VOCABULARY, ids=lambda row: _ids(row[0])[0])
def test_the_vocabulary_table_matches_the_instrument(row: list[str]) -> None:
    ident, kind, items, values, judgements, _how, levels = row
    inst = rs.load_instrument(_ids(ident)[0])
    assert _ids(kind) == [inst.kind]
    assert _item_ids(items) == {item.id for item in inst.items}
    assert _ids(levels) == list(inst.levels)
    assert set(_ids(judgements)) == {j.id for j in inst.judgements}
    scale_values = {v.id for scale in inst.scales for v in scale.values}
    dimensions = {d.id for d in inst.dimensions}
    for word in _ids(values):
        assert word in scale_values | dimensions, (inst.id, word)


def test_the_contract_shows_only_public_names() -> None:
    shown = set(re.findall(r"\brs\.([A-Za-z_]+)", CONTRACT))
    assert shown <= set(rs.__all__), sorted(shown - set(rs.__all__))


def _sara_answers(**extra: object) -> dict[str, object]:
    parts = (("N", 8), ("P", 10), ("V", 6))
    items = {f"{domain}{n}": "N" for domain, count in parts for n in range(1, count + 1)}
    judgements = {"case_prioritization": "low", "serious_harm": "high", "imminent_violence": "low"}
    return {"items": items, "judgements": judgements, **extra}


def _record_landed() -> list[str]:
    """What of the SPJ case record the code already does."""
    done = []
    try:
        rs.assess("sara-v3", _sara_answers(review={"due": "2027-01-15"}))
        done.append("assess takes the case record's keys")
    except rs.AnswerError:
        pass
    if rs.assess("sara-v3", _sara_answers()).high_risk_case is not None:
        done.append("results compute high_risk_case")
    return done


def test_what_the_contract_calls_coming_is_not_in_the_code_yet() -> None:
    # When a part lands, its page must say so: this fails until the marker is dropped.
    record = CONTRACT.split("## The SPJ case record", 1)[1].split("\n## ", 1)[0]
    if COMING in record:
        landed = _record_landed()
        assert not landed, (
            f"the SPJ case record has landed ({'; '.join(landed)}): "
            "update docs/contract.md (drop 'Coming in the next release')"
        )
    answers = CONTRACT.split("## The answer format", 1)[1].split("\n## ", 1)[0]
    if COMING in answers:
        with pytest.raises(rs.AnswerError):  # an integer item key is not read yet
            rs.assess("odara", {"items": dict.fromkeys(range(1, 14), "no")})


# --- Installation ------------------------------------------------------------------------


def test_the_installation_page_lists_every_extra() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = pyproject.split("[project.optional-dependencies]\n", 1)[1].split("\n[", 1)[0]
    extras = set(re.findall(r"^([A-Za-z0-9_-]+)\s*=", section, re.M))
    assert {"testing", "frames", "pdf", "plots", "dask", "dev"} <= extras
    page = (DOCS / "installation.md").read_text(encoding="utf-8")
    listed = {ids[0] for row in _table(page, "## Extras") if (ids := _ids(row[0]))}
    assert listed == extras


def test_no_page_installs_from_an_index_that_does_not_serve_us() -> None:
    # `pip install 'risk_scoring[...]'` needs an index that serves the package; none does.
    # A requirement with `@ <url>` or a path (`.`, a wheel) is what works.
    pattern = re.compile(r"""pip install\s+(?:-\S+\s+)*['"]?risk_scoring(?![^'"\s]*\s*@)""")
    pages = [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]
    found = [
        f"{page.relative_to(ROOT)}:{number}: {line.strip()}"
        for page in pages
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, "\n".join(found)

"""The documentation: generated pages are up to date, references are complete, the site builds.

The pages under ``docs/instruments/``, ``docs/measures.md`` and ``docs/unverified.md`` are
generated from the instrument YAML by ``scripts/gen_docs.py``; a change to a definition
without regenerating them fails here. Run ``make docs`` (or
``python scripts/gen_docs.py``) to bring them up to date.

The site build runs wherever mkdocs is installed (the ``dev`` extra, so in CI); with the
``CI`` environment variable set, a missing mkdocs is a failure rather than a skip.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import types
import typing
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel

import risk_scoring as rs
from risk_scoring.definition.bibliography import Bibliography
from risk_scoring.definition.catalogue import Catalogue
from risk_scoring.definition.instrument import Instrument
from risk_scoring.definition.overlay import Overlay

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _load_script(name: str) -> types.ModuleType:
    path = ROOT / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_docs_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen_docs = _load_script("gen_docs")
griffe_doctest = _load_script("griffe_doctest")
offline = _load_script("mkdocs_offline")


@pytest.fixture(scope="module")
def pages() -> dict[Path, str]:
    generated: dict[Path, str] = gen_docs.generate()
    return generated


def test_generated_pages_are_up_to_date(pages: dict[Path, str]) -> None:
    stale = [path.relative_to(ROOT).as_posix() for path in gen_docs.stale(pages)]
    assert not stale, (
        f"generated documentation is out of date: {', '.join(stale)}; "
        "run `make docs` (or python scripts/gen_docs.py)"
    )


def test_generation_is_deterministic(pages: dict[Path, str]) -> None:
    assert gen_docs.generate() == pages


def test_every_instrument_has_a_page(pages: dict[Path, str]) -> None:
    for ident in rs.list_instruments():
        assert DOCS / "instruments" / f"{ident}.md" in pages


def test_instrument_page_lists_items_levels_rules_and_unverified(
    pages: dict[Path, str],
) -> None:
    for ident in rs.list_instruments():
        inst = rs.load_instrument(ident)
        page = pages[DOCS / "instruments" / f"{ident}.md"]
        for heading in (
            "## How the level is reached",
            "## Levels",
            "## Scales",
            "## Items",
            "## Judgements",
            "## Warnings",
            "## Measure rules",
            "## Sources",
            "## Unverified values",
        ):
            assert heading in page, (ident, heading)
        for item in inst.items:
            assert f"| `{item.id}` |" in page, (ident, item.id)
        for level in inst.levels:
            assert f"| `{level}` |" in page, (ident, level)
        rules = [r.id for r in inst.escalations] + [r.id for r in inst.warning_rules]
        for rule in rules + [r.id for r in inst.measure_rules]:
            assert f"| `{rule}` |" in page, (ident, rule)
        assert inst.digest in page


def test_unverified_listing_counts_every_value(pages: dict[Path, str]) -> None:
    from risk_scoring.tooling.check import unverified

    page = pages[DOCS / "unverified.md"]
    total = sum(len(unverified(rs.load_instrument(i))) for i in rs.list_instruments())
    total += len(unverified(rs.load_catalogue(), ROOT / "instruments" / "measures.yaml"))
    (row,) = [line for line in page.splitlines() if line.startswith("| **Total** |")]
    assert row.endswith(f"| **{total}** |")
    assert "secondary" in page
    assert "**unverified**" in page


def test_sources_page_lists_each_reference_once_with_its_url(pages: dict[Path, str]) -> None:
    from risk_scoring.definition.bibliography import load_bibliography

    page = pages[DOCS / "sources.md"]
    bibliography = load_bibliography()
    for reference in bibliography.references:
        assert page.count(f"{{#{reference.id}}}") == 1, reference.id
        if reference.url:
            assert f"<{reference.url}>" in page, reference.id
    assert f"| **Total** | **{len(bibliography.references)}** |" in page
    assert "no definition" not in page, "a reference no source: cites"


def test_citation_keys_link_to_the_sources_page(pages: dict[Path, str]) -> None:
    page = pages[DOCS / "instruments" / "dash.md"]
    assert "[safelives-repeat-definition](../sources.md#safelives-repeat-definition)" in page
    assert "[prop-128-l-2022-2023](sources.md#prop-128-l-2022-2023)" in pages[DOCS / "measures.md"]


def test_nothing_outside_the_repository_is_cited() -> None:
    for folder in ("instruments", "docs", "src"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in {".yaml", ".md", ".py", ".j2"}:
                text = path.read_text(encoding="utf-8")
                assert "research/instruments.md" not in text, path


def test_measures_page_has_every_measure(pages: dict[Path, str]) -> None:
    page = pages[DOCS / "measures.md"]
    for measure in rs.load_catalogue().measures:
        assert f"{{#{measure.id}}}" in page


def test_nav_lists_every_generated_page() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            listed.add(node)
        elif isinstance(node, list):
            for part in node:
                walk(part)
        elif isinstance(node, dict):
            for part in node.values():
                walk(part)

    walk(config["nav"])
    for ident in rs.list_instruments():
        assert f"instruments/{ident}.md" in listed
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert pages <= listed, f"pages missing from the nav: {sorted(pages - listed)}"


# --- Hand-written references stay complete ------------------------------------------


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """`root` and every model reachable through its fields, in a stable order."""
    found: list[type[BaseModel]] = []

    def visit(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.append(annotation)
                for info in annotation.model_fields.values():
                    visit(info.annotation)
            return
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(root)
    return found


@pytest.mark.parametrize(
    "root",
    [Instrument, Catalogue, Bibliography, Overlay],
    ids=["instrument", "catalogue", "bibliography", "overlay"],
)
def test_authoring_reference_names_every_yaml_key(root: type[BaseModel]) -> None:
    text = (DOCS / "authoring.md").read_text(encoding="utf-8")
    missing = sorted(
        {
            f"{model.__name__}.{info.alias or name}"
            for model in _models(root)
            for name, info in model.model_fields.items()
            if f"`{info.alias or name}`" not in text
        }
    )
    assert not missing, f"docs/authoring.md does not document: {', '.join(missing)}"


def test_authoring_example_instrument_loads(tmp_path: Path) -> None:
    text = (DOCS / "authoring.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- example-instrument -->\n```yaml\n(.*?)```", text, re.S)
    assert found, "the example instrument block is missing from docs/authoring.md"
    path = tmp_path / "example-spj.yaml"
    path.write_text(found.group(1), encoding="utf-8")
    inst = rs.load_instrument(path)
    result = inst.assess(
        {
            "items": {"A1": "Y", "A2": "N"},
            "judgements": {"serious_harm": "moderate", "imminent_violence": "high"},
        }
    )
    assert result.level == "high"
    assert [m.id for m in result.measures] == ["besoksforbud"]


def test_api_reference_covers_every_public_name() -> None:
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    missing = [
        name
        for name in rs.__all__
        if name != "__version__" and not re.search(rf"\b{re.escape(name)}\b", text)
    ]
    assert not missing, f"docs/api.md does not document: {', '.join(missing)}"


def test_doctest_lines_become_code_blocks() -> None:
    text = 'Load it.\n\n>>> x["a"]["b"]  # doctest: +SKIP\n1\n\nMore text.'
    assert griffe_doctest.fence_doctests(text) == (
        'Load it.\n\n```pycon\n>>> x["a"]["b"]\n1\n```\n\nMore text.'
    )


# --- The site builds with warnings as errors ----------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once for this module with ``mkdocs build --strict``."""
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("CI"):
            pytest.fail("mkdocs is not installed; CI installs the dev extra")
        pytest.skip("mkdocs is not installed (pip install -e '.[dev]')")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "JUPYTER_PLATFORM_DIRS": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def test_site_builds_strict(site: Path) -> None:
    assert (site / "instruments" / "sara-v3" / "index.html").is_file()


def test_the_notebook_page_shows_the_executed_notebook(site: Path) -> None:
    page = (site / "notebooks" / "analysis" / "index.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') >= 3, "the plots are not on the page"
    assert "&#x27;identical&#x27;" in page or "'identical'" in page  # a cell's output
    assert (site / "notebooks" / "analysis" / "analysis.ipynb").is_file()  # to download


# --- The site loads nothing from outside (police networks are often offline) -------------


def test_the_offline_check_finds_what_a_browser_would_fetch() -> None:
    page = """
    <link rel="preconnect" href="https://fonts.gstatic.com">
    <link rel="stylesheet" href="//fonts.googleapis.com/css?family=Roboto">
    <script src="https://cdn.example/x.js"></script>
    <img srcset="a.png 1x, https://cdn.example/b.png 2x">
    <style>@import "https://cdn.example/a.css"; .a { background: url(http://cdn.example/i) }</style>
    <div style="background: url('https://cdn.example/s.png')"></div>
    <script type="module">await import("https://cdnjs.example.com/mermaid.mjs")</script>
    <a href="https://www.example.org/">a page elsewhere is a link, not a load</a>
    <img src="data:image/png;base64,AAAA"><img src="../img/report-nb.png">
    <link rel="stylesheet" href="../assets/stylesheets/main.css">
    """
    found = offline.html_external(page)
    assert len(found) == 8, found
    assert not any("www.example.org" in ref for ref in found)
    assert offline.css_external("@import url('https://x.example/a.css'); b{src:url(f.woff)}") == [
        "https://x.example/a.css"
    ]


def test_the_site_loads_nothing_from_outside(site: Path) -> None:
    found = [
        f"{path.relative_to(site)}: {ref}"
        for path in sorted(site.rglob("*.html"))
        for ref in offline.html_external(path.read_text(encoding="utf-8"))
    ]
    found += [
        f"{path.relative_to(site)}: {url}"
        for path in sorted(site.rglob("*.css"))
        for url in offline.css_external(path.read_text(encoding="utf-8"))
    ]
    assert not found, "the site fetches from outside:\n" + "\n".join(found)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in index
    assert "fonts.gstatic.com" not in index

"""The example notebook in docs/ runs from top to bottom, so it cannot rot, and shows every
plot and its cards in one language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from risk_scoring.analysis import plots

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "notebooks" / "analysis.ipynb"


def _outputs(notebook: Any, kind: str) -> list[str]:
    return [
        str(output["data"][kind])
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if kind in output.get("data", {})
    ]


def test_the_notebook_is_stored_without_outputs_and_uses_every_plot() -> None:
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    for name in plots.__all__:
        if callable(getattr(plots, name)):
            assert f"plots.{name}(" in code, f"the notebook does not show {name}"
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")
def test_the_analysis_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # figures shown
    monkeypatch.setenv("HYPOTHESIS_NO_PLUGINS", "1")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert not errors
    assert any("identical" in str(cell.get("outputs")) for cell in notebook.cells)
    drawn = sum(1 for cell in notebook.cells if "plots." in cell.source)
    assert len(_outputs(notebook, "image/png")) >= drawn  # every plot cell shows its figure
    cards = [html for html in _outputs(notebook, "text/html") if "rs-card" in html]
    heads = ("<h4>Nivå:", "<h4>Utvikling:", "<h4>Samsvar:")  # results, comparison, agreement
    shown = [card for card in cards if any(head in card for head in heads)]
    assert len(shown) == 3  # a result, the comparison, the agreement
    text = re.sub(r"<[^>]+>", " ", " ".join(shown))
    for mixed in ("high (Høy)", "Utvikling: up", "case_prioritization", "synthetic-case-A"):
        assert mixed not in text

"""An opt-in pytest plugin: golden cases of instrument definitions as test items.

``pytest --risk-instruments=DIR`` collects, for every instrument definition in DIR
(``DIR/*.yaml``, the measures catalogue excepted), one test item per golden case in
``DIR/cases/<id>/``, and one ``properties`` item running the Hypothesis properties that
`risk-scoring check` runs. A failing case reports ``case.yaml:line:col`` of each
expectation that differs; a definition that does not load becomes one failing
``definition`` item listing every error `risk-scoring check` finds in it. The option
may be given more than once.

Installed with risk_scoring (entry point ``pytest11``), the plugin does nothing unless
the option is given, and imports nothing from risk_scoring until then.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..definition.instrument import Instrument

OPTION = "--risk-instruments"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("risk-scoring", "risk_scoring instrument definitions")
    group.addoption(
        OPTION,
        action="append",
        default=[],
        metavar="DIR",
        dest="risk_instruments",
        help="Collect the golden cases of the instrument definitions in DIR as tests.",
    )


def _folders(config: pytest.Config) -> list[Path]:
    return [Path(d).resolve() for d in config.getoption("risk_instruments") or []]


def pytest_configure(config: pytest.Config) -> None:
    """Add each DIR to the paths pytest collects from, so the option alone is enough."""
    for folder in _folders(config):
        if not folder.is_dir():
            raise pytest.UsageError(f"{OPTION}: {folder} is not a folder")
        if str(folder) not in config.args:
            config.args.append(str(folder))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    folders = _folders(parent.config)
    not_instruments = ("measures.yaml", "sources.yaml")
    if not folders or file_path.suffix != ".yaml" or file_path.name in not_instruments:
        return None
    if file_path.resolve().parent not in folders:
        return None
    collector: InstrumentFile = InstrumentFile.from_parent(parent, path=file_path)
    return collector


class InstrumentFile(pytest.File):
    """An instrument definition: its golden cases and its properties."""

    def collect(self) -> Iterator[pytest.Item]:
        from ..definition.loading import load_instrument
        from ..errors import InstrumentError
        from .golden import case_files

        try:
            inst = load_instrument(self.path)
        except InstrumentError as exc:
            from .check import check_file

            found = [f for f in check_file(self.path, properties=False) if f.severity == "error"]
            problems = tuple(found) or exc.problems
            yield DefinitionItem.from_parent(self, name="definition", problems=problems)
            return
        for case in case_files(inst):
            yield CaseItem.from_parent(self, name=case.stem, instrument=inst, case=case)
        yield PropertiesItem.from_parent(self, name="properties", instrument=inst)


class RiskFailure(Exception):
    """A failure to report as located lines, without a Python traceback."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class _Item(pytest.Item):
    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        if isinstance(excinfo.value, RiskFailure):
            return "\n".join(excinfo.value.lines)
        return super().repr_failure(excinfo, style=style)


class DefinitionItem(_Item):
    """A definition that does not load: fails with every problem."""

    def __init__(self, *, problems: tuple[Any, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise RiskFailure([str(p) for p in self.problems])

    def reportinfo(self) -> tuple[Path, int | None, str]:
        first = self.problems[0] if self.problems else None
        line = first.line - 1 if first is not None and first.line else 0
        return self.path, line, f"definition {self.path.name}"


class CaseItem(_Item):
    """One golden case: assess its answers and compare with its `expect`."""

    def __init__(self, *, instrument: Instrument, case: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.instrument = instrument
        self.case = case

    def runtest(self) -> None:
        from .golden import run_case

        problems = run_case(self.instrument, self.case)
        if problems:
            raise RiskFailure([str(p) for p in problems])

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = 0
        try:
            from .golden import read_case

            _, doc = read_case(self.case)
            found, _, _ = doc.locate(("expect",), at_key=True)
            line = (found or 1) - 1
        except Exception:  # the failure itself reports an unreadable case
            line = 0
        return self.case, line, f"golden case {self.instrument.id}/{self.case.name}"


class PropertiesItem(_Item):
    """The Hypothesis properties `risk-scoring check` runs, with the same fixed seed."""

    def __init__(self, *, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.instrument = instrument

    def runtest(self) -> None:
        from .check import check_properties

        findings = [f for f in check_properties(self.instrument) if f.severity == "error"]
        if findings:
            raise RiskFailure([str(f) for f in findings])

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, 0, f"properties of {self.instrument.id}"

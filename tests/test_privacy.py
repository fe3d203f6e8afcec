"""Personal data never leaves through errors, reprs, logs or warnings.

Threat model: docs/security.md §4. Notes, justifications, case references, text
judgements, text context fields, assessor ids and names, and every text of the SPJ case
record (sources, other considerations, scenarios, the plan's responsible and reasons,
review triggers) hold special-category personal data (health, offences). A sentinel
that looks like such data is planted in every one of them, then every error path we
can reach is triggered: invalid answers (with the sentinel also typed into the wrong
fields and used as keys), refused reports and templates, tampered result JSON,
batches, answer frames and the command line. The sentinel must not appear in any
exception (message, args, attributes, chained exceptions), repr or str, log record
(captured at DEBUG on every logger) or warning.
"""

from __future__ import annotations

import json
import logging
import random
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner

import risk_scoring as rs
from risk_scoring.engine import answers as answers_module
from risk_scoring.engine.batch import RowError, assess_many
from tests.security_support import (
    RECORD_FIELDS,
    SENTINEL,
    fill_free_text,
    fill_record_free_text,
    free_text_fields,
    leaks,
    seeded_answers,
    write_free_text_instrument,
)

INSTRUMENTS = rs.list_instruments()


@pytest.fixture(scope="module")
def free_text(tmp_path_factory: pytest.TempPathFactory) -> rs.Instrument:
    return write_free_text_instrument(tmp_path_factory.mktemp("privacy"))


def _instrument(ident: str, free_text: rs.Instrument) -> rs.Instrument:
    return free_text if ident == "free-text" else rs.load_instrument(ident)


def planted(inst: rs.Instrument) -> dict[str, Any]:
    """Valid answers for `inst`, with the case record, and the sentinel in every
    free-text field."""
    answers = fill_free_text(inst, seeded_answers(inst, random.Random(7), None), SENTINEL)
    return fill_record_free_text(inst, answers, SENTINEL)


# --- where to look ----------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def watched() -> Iterator[None]:
    """Capture every log record (DEBUG and up, every logger) and every warning."""
    handler = _Records()
    root = logging.getLogger()
    old_level = root.level
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    old_levels = [logger.level for logger in loggers]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for logger, level in zip(loggers, old_levels, strict=False):
            logger.setLevel(level)
    for record in handler.records:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            text += "".join(traceback.format_exception(record.exc_info[1]))
        assert not leaks(text), f"log record from {record.name} leaks personal data"
    for warning in caught:
        assert not leaks(warning.message), f"warning leaks personal data: {warning.category}"


def assert_no_leak(exc: BaseException) -> None:
    """Nothing reachable from `exc` shows the sentinel, chained exceptions included."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        name = type(current).__name__
        assert not leaks(str(current)), f"{name} message leaks personal data"
        assert not leaks(repr(current)), f"{name} repr leaks personal data"
        assert not any(leaks(arg) for arg in current.args), f"{name} args leak personal data"
        for key, value in vars(current).items():
            assert not leaks(value), f"{name}.{key} leaks personal data"
        for problem in getattr(current, "problems", ()):
            assert not leaks(problem)
            assert not leaks(repr(problem))
        assert not leaks("".join(traceback.format_exception(current)))
        todo += [current.__cause__, current.__context__]


E = TypeVar("E", bound=BaseException)


def raises_cleanly(error: type[E], call: Callable[[], object]) -> E:
    """Run `call`, which must raise `error`, and check the error and the logs."""
    with watched(), pytest.raises(error) as info:
        call()
    assert_no_leak(info.value)
    return info.value


# --- answers ---------------------------------------------------------------------------

LONG = SENTINEL * (answers_module.MAX_TEXT // len(SENTINEL) + 1)


def _defects(inst: rs.Instrument) -> Iterator[tuple[str, Callable[[dict[str, Any]], None]]]:
    """Ways to break planted answers; in most, the sentinel is what is wrong."""
    item = inst.items[0].id
    primary = inst.primary.id

    def item_is(value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda a: a["items"].__setitem__(item, value)

    def note_is(value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda a: a["items"][item].__setitem__("note", value)

    def top(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda a: a.__setitem__(key, value)

    yield "sentinel as item value", item_is(SENTINEL)
    yield "sentinel as a list item value", item_is([SENTINEL])
    yield "sentinel as dimension value", lambda a: a["items"][item].__setitem__(primary, SENTINEL)
    yield "sentinel as unknown dimension", lambda a: a["items"][item].__setitem__(SENTINEL, "x")
    yield "sentinel as unknown item", lambda a: a["items"].__setitem__(SENTINEL, "x")
    yield "sentinel as unknown key", top(SENTINEL, 1)
    yield "sentinel as items", top("items", SENTINEL)
    yield "sentinel as context", top("context", SENTINEL)
    yield "sentinel as judgements", top("judgements", SENTINEL)
    yield "sentinel as assessors", top("assessors", SENTINEL)
    yield "sentinel as assessed_on", top("assessed_on", SENTINEL)
    yield "sentinel as unknown context field", lambda a: a["context"].__setitem__(SENTINEL, 1)
    yield (
        "sentinel as unknown judgement",
        lambda a: a.setdefault("judgements", {}).__setitem__(SENTINEL, "high"),
    )
    yield "sentinel as assessor key", lambda a: a["assessors"][0].__setitem__(SENTINEL, 1)
    yield "three assessors", lambda a: a["assessors"].append({"role": "x", "id": SENTINEL})
    yield "assessor without role", lambda a: a["assessors"].__setitem__(0, {"id": SENTINEL})
    yield "note too long", note_is(LONG)
    yield "note not text", note_is([SENTINEL])
    yield "note with a lone surrogate", note_is(SENTINEL + "\ud800")
    yield "justification too long", top("justification", LONG)
    yield "justification not text", top("justification", {"text": SENTINEL})
    yield "case_ref too long", top("case_ref", LONG)
    yield "case_ref not text", top("case_ref", (SENTINEL,))
    yield "assessor id too long", lambda a: a["assessors"][0].__setitem__("id", LONG)
    yield "assessor role too long", lambda a: a["assessors"][0].__setitem__("role", LONG)
    yield from _record_defects(inst)
    for field in inst.context:
        yield (
            f"sentinel as context {field.id}",
            _put("context", field.id, LONG if field.type == "text" else SENTINEL),
        )
    for judgement in inst.judgements:
        value = LONG if judgement.type == "text" else SENTINEL
        yield f"sentinel as judgement {judgement.id}", _put("judgements", judgement.id, value)


def _record_defects(inst: rs.Instrument) -> Iterator[tuple[str, Callable[[dict[str, Any]], None]]]:
    """Ways to break the case record of planted answers, the sentinel typed in wrongly."""
    item = inst.items[0].id

    def part(
        key: str, index: int | None, field: str, value: Any
    ) -> Callable[[dict[str, Any]], None]:
        def put(answers: dict[str, Any]) -> None:
            target = answers[key] if index is None else answers[key][index]
            target[field] = value

        return put

    def top(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
        return lambda a: a.__setitem__(key, value)

    role = "risk_analyst"
    for field in ("type", "likelihood", "severity", "imminence", SENTINEL):
        yield f"sentinel as scenario {field[:9]}", part("scenarios", 0, field, SENTINEL)
    for field in ("measure", "strategy", "decision", "due", "consent", SENTINEL):
        yield f"sentinel as management {field[:9]}", part("management", 0, field, SENTINEL)
    for field in ("relevance", "recent", "current", SENTINEL):
        yield (
            f"sentinel as consideration {field[:9]}",
            part("other_considerations", 0, field, SENTINEL),
        )
    yield "sentinel as review due", part("review", None, "due", SENTINEL)
    yield "sentinel as review key", part("review", None, SENTINEL, SENTINEL)
    yield "sentinel as signed_on", part("assessors", 0, "signed_on", SENTINEL)
    yield "name on two lines", part("assessors", 0, "name", f"{SENTINEL}\n{SENTINEL}")
    yield "role on two lines", part("assessors", 0, "role", f"{SENTINEL}\r")
    yield "assessor id with a bidi control", part("assessors", 1, "id", f"\u202e{SENTINEL}")
    yield "case_ref on two lines", top("case_ref", f"{SENTINEL}\nRisk level: STANDARD")
    yield "name too long", part("assessors", 0, "name", LONG)
    yield "sentinel as sources", top("sources", SENTINEL)
    yield "sentinel as scenarios", top("scenarios", SENTINEL)
    yield "sentinel as management", top("management", [SENTINEL])
    yield "sentinel as review", top("review", [SENTINEL])
    yield "sentinel as raters", top("raters", [SENTINEL])
    yield "too many sources", top("sources", [SENTINEL] * 51)
    yield "source too long", top("sources", [LONG])
    yield (
        "warning sign not text",
        lambda a: a["scenarios"][0].__setitem__("warning_signs", [{SENTINEL: 1}]),
    )
    yield "reason too long", part("management", 0, "reason", LONG)
    recommended = [m.id for m in inst.assess(planted(inst)).measures]
    if recommended:

        def unexplained(answers: dict[str, Any]) -> None:
            answers["management"][0]["measure"] = recommended[0]
            del answers["management"][0]["reason"]

        yield "reason missing", unexplained
    yield "trigger with a lone surrogate", part("review", None, "triggers", [SENTINEL + "\ud800"])
    yield "sentinel as rater", lambda a: a["raters"].__setitem__(SENTINEL, {})
    yield "sentinel as rater key", lambda a: a["raters"][role].__setitem__(SENTINEL, 1)
    yield (
        "sentinel as rater item",
        lambda a: a["raters"][role].__setitem__("items", {SENTINEL: "x"}),
    )
    yield (
        "sentinel as rater value",
        lambda a: a["raters"][role].__setitem__("items", {item: SENTINEL}),
    )
    yield (
        "sentinel as rater dimension",
        lambda a: a["raters"][role].__setitem__("items", {item: {SENTINEL: "x"}}),
    )
    yield (
        "sentinel as rater note",
        lambda a: a["raters"][role].__setitem__("items", {item: {"note": SENTINEL}}),
    )
    yield (
        "sentinel as rater judgement",
        lambda a: a["raters"][role].__setitem__("judgements", {SENTINEL: SENTINEL}),
    )
    for judgement in inst.judgements:
        yield (
            f"sentinel as rater judgement {judgement.id}",
            _rater_judgement(role, judgement.id),
        )


def _rater_judgement(role: str, ident: str) -> Callable[[dict[str, Any]], None]:
    return lambda a: a["raters"][role].__setitem__("judgements", {ident: SENTINEL})


def _put(section: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def put(answers: dict[str, Any]) -> None:
        answers.setdefault(section, {})[key] = value

    return put


@pytest.mark.parametrize("ident", [*INSTRUMENTS, "free-text"])
def test_answer_errors_never_show_personal_data(ident: str, free_text: rs.Instrument) -> None:
    inst = _instrument(ident, free_text)
    for label, defect in _defects(inst):
        raw = planted(inst)
        defect(raw)
        try:
            error = raises_cleanly(rs.AnswerError, partial(inst.assess, raw))
        except pytest.fail.Exception:
            pytest.fail(f"{label}: not refused")
        assert error.problems, label


@pytest.mark.parametrize("ident", [*INSTRUMENTS, "free-text"])
def test_answers_that_are_not_a_mapping_never_show_personal_data(
    ident: str, free_text: rs.Instrument
) -> None:
    inst = _instrument(ident, free_text)
    not_mappings: list[Any] = [SENTINEL, [SENTINEL], (SENTINEL, 1), {SENTINEL}]
    for raw in not_mappings:
        raises_cleanly(rs.AnswerError, partial(inst.assess, raw))


def test_every_free_text_field_holds_the_sentinel(free_text: rs.Instrument) -> None:
    """The planted answers really carry the sentinel everywhere the tests claim."""
    result = free_text.assess(planted(free_text))
    dumped = result.model_dump(mode="json")
    assert len(free_text_fields(free_text)) == 9
    assert all(note == SENTINEL for note in dumped["notes"].values())
    assert dumped["justification"] == dumped["case_ref"] == SENTINEL
    assert dumped["judgement_texts"] == {"victims": SENTINEL}
    assert dumped["context"]["circumstances"] == SENTINEL
    assert [a["id"] for a in dumped["assessors"]] == [SENTINEL, SENTINEL]
    # The case record: every free-text field of it.
    assert len(RECORD_FIELDS) == 11
    assert [a["name"] for a in dumped["assessors"]] == [SENTINEL, SENTINEL]
    assert dumped["sources"] == [SENTINEL]
    (considered,) = dumped["other_considerations"]
    assert considered["title"] == considered["note"] == SENTINEL
    scenario = dumped["scenarios"][0]
    assert scenario["description"] == scenario["victims"] == SENTINEL
    assert scenario["warning_signs"] == [SENTINEL]
    (decided,) = dumped["management"]
    assert decided["responsible"] == decided["reason"] == SENTINEL
    assert dumped["plan"][-1]["decision"]["reason"] == SENTINEL
    assert dumped["review"]["triggers"] == [SENTINEL]


@pytest.mark.parametrize("ident", INSTRUMENTS)
def test_results_never_show_personal_data_in_repr(ident: str) -> None:
    inst = rs.load_instrument(ident)
    with watched():
        result = inst.assess(planted(inst))
    parts = (
        result,
        result.assessors,
        result.measures,  # (result.sources is a plain list of texts: not repr-safe)
        result.other_considerations,
        result.scenarios,
        result.management,
        result.review,
        result.raters,
        result.plan,
        result.disagreements,
        result.domains,
    )
    assert result.plan
    assert result.scenarios
    for part in parts:
        assert not leaks(repr(part))
        assert not leaks(str(part))


def test_results_never_show_text_context_fields_in_repr(free_text: rs.Instrument) -> None:
    result = free_text.assess(planted(free_text))
    assert not leaks(repr(result))


def test_validated_answers_never_show_personal_data_in_repr(free_text: rs.Instrument) -> None:
    valid = answers_module.validate_answers(free_text, planted(free_text))
    assert not leaks(repr(valid))


def test_batches_never_show_personal_data(free_text: rs.Instrument) -> None:
    good = planted(free_text)
    bad = planted(free_text)
    bad["items"]["A1"]["note"] = LONG
    bad[SENTINEL] = SENTINEL
    with watched():
        rows = list(assess_many(free_text, [good, bad, good], on_error="collect"))
    refused = rows[1]
    assert isinstance(refused, RowError)
    assert not leaks(str(refused))
    assert not leaks(repr(refused))
    raises_cleanly(rs.AnswerError, lambda: list(assess_many(free_text, [good, bad])))


# --- reports ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planted_result(free_text: rs.Instrument) -> rs.Result:
    return free_text.assess(planted(free_text))


def test_report_errors_never_show_personal_data(
    free_text: rs.Instrument, planted_result: rs.Result
) -> None:
    inst = free_text
    raises_cleanly(
        rs.ReportError, lambda: rs.render_report(planted_result, "pdf", "en", instrument=inst)
    )
    raises_cleanly(
        rs.ReportError, lambda: rs.render_report(planted_result, "html", "sv", instrument=inst)
    )
    raises_cleanly(rs.ReportError, lambda: rs.render_report(planted_result, "html", "en"))
    raises_cleanly(
        rs.ReportError,
        lambda: rs.render_report(
            planted_result, "html", "en", instrument=rs.load_instrument("dash")
        ),
    )
    raises_cleanly(
        rs.ReportError,
        lambda: rs.render_report(
            planted_result, "html", "en", instrument=inst, rendered_at=SENTINEL
        ),
    )
    not_a_result: Any = {"case_ref": SENTINEL}
    raises_cleanly(rs.ReportError, lambda: rs.render_report(not_a_result, "html", "en"))


TEMPLATE_FAILURES = [
    "{{ report.case_ref.__class__ }}",
    "{{ report.case_ref.nope }}",
    "{{ report.case_ref + 1 }}",
    "{{ '%d'|format(report.case_ref) }}",
    "{{ report.case_ref|wordwrap(report.case_ref) }}",
    "{{ report.case_ref() }}",
    "{{ range(report.case_ref) }}",
    "{{ report.justification|int // 0 }}",
    "{% for x in report.case_ref %}{{ x.y.z }}{% endfor %}",
    "{{ undefined_name }}",
    "{% if %}",
]
TEMPLATE_KEY_FAILURES = [
    "{{ {}[report.case_ref] }}",
    "{{ report[report.justification] }}",
    "{% include report.case_ref %}",
    "{% import report.case_ref as x %}",
]


@pytest.mark.parametrize("body", TEMPLATE_FAILURES)
def test_failing_custom_templates_never_show_personal_data(
    tmp_path: Path, free_text: rs.Instrument, planted_result: rs.Result, body: str
) -> None:
    template = tmp_path / "report.html.j2"
    template.write_text(body, encoding="utf-8")
    raises_cleanly(
        rs.ReportError,
        lambda: rs.render_report(
            planted_result, "html", "en", instrument=free_text, template=template
        ),
    )


@pytest.mark.parametrize("body", TEMPLATE_KEY_FAILURES)
def test_templates_that_look_up_free_text_never_show_it(
    tmp_path: Path, free_text: rs.Instrument, planted_result: rs.Result, body: str
) -> None:
    template = tmp_path / "report.html.j2"
    template.write_text(body, encoding="utf-8")
    raises_cleanly(
        rs.ReportError,
        lambda: rs.render_report(
            planted_result, "html", "en", instrument=free_text, template=template
        ),
    )


def test_rendering_logs_and_warns_nothing_personal(
    free_text: rs.Instrument, planted_result: rs.Result
) -> None:
    with watched():
        for fmt in ("html", "markdown", "text"):
            for lang in ("nb", "en"):
                assert SENTINEL in rs.render_report(planted_result, fmt, lang, instrument=free_text)


# --- stored results --------------------------------------------------------------------


def _tampered(result: rs.Result) -> Iterator[tuple[str, str]]:
    data = json.loads(result.model_dump_json())
    yield "truncated", result.model_dump_json()[:-40]
    yield "level not text", json.dumps({**data, "level": [SENTINEL]})
    yield "score is the sentinel", json.dumps({**data, "score": SENTINEL})
    yield "kind is the sentinel", json.dumps({**data, "kind": SENTINEL})
    yield "note not text", json.dumps({**data, "notes": {"A1": [SENTINEL]}})
    yield "not an object", json.dumps([SENTINEL])
    yield "assessors wrong", json.dumps({**data, "assessors": [{"id": SENTINEL}]})
    yield "scenario type", json.dumps({**data, "scenarios": [{"type": SENTINEL}]})
    yield "scenario key", json.dumps({**data, "scenarios": [{"type": "repeat", SENTINEL: 1}]})
    yield "management wrong", json.dumps({**data, "management": [{"reason": SENTINEL}]})
    yield "plan status", json.dumps({**data, "plan": [{**data["plan"][0], "status": SENTINEL}]})
    yield "review wrong", json.dumps({**data, "review": {"triggers": SENTINEL}})
    yield "raters wrong", json.dumps({**data, "raters": {SENTINEL: {"items": SENTINEL}}})
    yield "sources wrong", json.dumps({**data, "sources": [[SENTINEL]]})
    yield "high_risk_case", json.dumps({**data, "high_risk_case": SENTINEL})


def test_tampered_results_never_show_personal_data_in_the_message(
    planted_result: rs.Result,
) -> None:
    for _label, text in _tampered(planted_result):
        with watched(), pytest.raises(rs.ResultError) as info:
            rs.Result.model_validate_json(text)
        assert not leaks(str(info.value))
        assert not any(leaks(p) for p in info.value.problems)


def test_tampered_results_never_chain_personal_data(planted_result: rs.Result) -> None:
    for _label, text in _tampered(planted_result):
        raises_cleanly(rs.ResultError, partial(rs.Result.model_validate_json, text))


def test_unknown_keys_in_stored_results_are_not_quoted(planted_result: rs.Result) -> None:
    data = json.loads(planted_result.model_dump_json())
    with pytest.raises(rs.ResultError) as info:
        rs.Result.model_validate_json(json.dumps({**data, SENTINEL: 1}))
    assert not leaks(str(info.value))


# --- answer frames ---------------------------------------------------------------------


def test_answer_frames_never_show_personal_data(free_text: rs.Instrument) -> None:
    frames = pytest.importorskip("risk_scoring.analysis.frames")
    pytest.importorskip("pandas")
    rows = [planted(free_text), planted(free_text)]
    frame = frames.answers_to_frame(free_text, rows)
    frame.loc[frame.index[1], "A1"] = SENTINEL
    frame.loc[frame.index[0], "case_ref"] = LONG
    raises_cleanly(rs.AnswerError, lambda: frames.score_frame(free_text, frame))
    with watched():
        collected = frames.score_frame(free_text, frame, on_error="collect")
    assert not leaks(collected["problems"].to_string())


# --- the command line ------------------------------------------------------------------


def _answers_file(folder: Path, inst: rs.Instrument, raw: dict[str, Any], suffix: str) -> Path:
    path = folder / f"answers{suffix}"
    data = {"instrument": inst.origin if inst.id == "free-text" else inst.id, **raw}
    if suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        import yaml

        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _cli_failures(folder: Path, inst: rs.Instrument) -> Iterator[tuple[str, Path]]:
    for label, defect in _defects(inst):
        raw = planted(inst)
        defect(raw)
        if "surrogate" in label:
            continue  # neither JSON text nor YAML text can be written with a lone surrogate here
        for suffix in (".yaml", ".json"):
            try:
                yield label, _answers_file(folder, inst, raw, suffix)
            except (TypeError, ValueError):  # a Python-only value (a set, a tuple key)
                continue
    clean = planted(inst)
    text = _answers_file(folder, inst, clean, ".yaml").read_text(encoding="utf-8")
    broken = {
        "unclosed quote": text.replace(f"note: {SENTINEL}", f'note: "{SENTINEL}', 1),
        "tab after the note": text.replace(f"note: {SENTINEL}", f"note: {SENTINEL}\n\t- x", 1),
        "duplicate free-text key": text + f"{SENTINEL}: 1\n{SENTINEL}: 2\n",
        "alias": text.replace(f"case_ref: {SENTINEL}", "case_ref: *x", 1),
    }
    for n, (label, body) in enumerate(broken.items()):
        path = folder / f"broken{n}.yaml"
        path.write_text(body, encoding="utf-8")
        yield label, path
    path = folder / "latin1.yaml"
    path.write_bytes(text.replace("Kari", "Kåri").encode("latin-1", "replace"))
    yield "not UTF-8", path


@pytest.mark.parametrize("command", ["assess", "report"])
def test_the_command_line_never_shows_personal_data_on_errors(tmp_path: Path, command: str) -> None:
    from risk_scoring.tooling.cli import main

    inst = write_free_text_instrument(tmp_path)
    runner = CliRunner()
    for label, path in _cli_failures(tmp_path, inst):
        with watched():
            outcome = runner.invoke(main, [command, str(path)], catch_exceptions=True)
        assert outcome.exit_code != 0, label
        assert outcome.exception is None or isinstance(outcome.exception, SystemExit), (
            f"{label}: {type(outcome.exception).__name__}"
        )
        assert not leaks(outcome.output), f"{command}: {label}"
        stderr = outcome.stderr if outcome.stderr_bytes is not None else ""
        assert not leaks(stderr), f"{command}: {label}"


def test_roles_that_are_free_text_never_show_in_reprs() -> None:
    inst = rs.load_instrument("sara-v3")
    raw = planted(inst)
    first, second = f"{SENTINEL} A", f"{SENTINEL} B"
    raw["assessors"][0]["role"], raw["assessors"][1]["role"] = first, second
    item = inst.items[0].id
    raw["raters"] = {first: {"items": {item: "Y"}}, second: {"items": {item: "N"}}}
    with watched():
        result = inst.assess(raw)
    assert result.disagreements
    for part in (result, result.assessors, result.disagreements, result.plan):
        assert not leaks(repr(part))
        assert not leaks(str(part))
    raw["raters"][f"{SENTINEL} C"] = {}
    raises_cleanly(rs.AnswerError, partial(inst.assess, raw))

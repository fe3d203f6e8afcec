"""FHIR R4 exchange: an instrument as a Questionnaire, a QuestionnaireResponse as answers.

The clinician's half of the pair works in health systems that speak FHIR. An
instrument becomes an R4 `Questionnaire` (`to_fhir_questionnaire`): one question per
item and dimension with its answer options as codings, the context fields, the summary
judgements, the case facts and, for spj instruments, the case record, titled in
Norwegian bokmål or English with the other language in the standard translation
extension, and identified by `url|version` from the instrument. A `QuestionnaireResponse`
to it becomes the answers mapping `assess` takes (`answers_from_fhir`); the reverse,
`to_fhir_response`, lets a system send answers it holds.

Every question's `linkId` is the key of `interop.fields`: the item id, or
``<item>.<dimension>`` for an instrument with several dimensions; keys of everything
else hold a ``:`` (``context:children_in_household``), which an item id never does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..definition.instrument import Instrument
from ..definition.loading import catalogue_for
from ..errors import AnswerError, Problem
from .fields import Field, Group, Node, fields, walk

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
MAX_OCCURS = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
LANGUAGES = ("nb", "en")
_VALUE = {
    "choice": "valueCoding",
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "date": "valueDate",
    "string": "valueString",
    "text": "valueString",
}

__all__ = ["answers_from_fhir", "canonical_url", "to_fhir_questionnaire", "to_fhir_response"]


def canonical_url(inst: Instrument) -> str:
    """The Questionnaire's canonical URL (without the version)."""
    return f"urn:risk-scoring:questionnaire:{inst.id}"


def _tree(inst: Instrument) -> tuple[Node, ...]:
    return fields(inst, catalogue_for(inst))


def _texts(nb: str, en: str, lang: str) -> tuple[str, dict[str, Any]]:
    """The text in `lang`, and the element extension carrying the other language."""
    other = "en" if lang == "nb" else "nb"
    shown, translated = (nb, en) if lang == "nb" else (en, nb)
    extension = {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [
                    {"url": "lang", "valueCode": other},
                    {"url": "content", "valueString": translated},
                ],
            }
        ]
    }
    return shown, extension


def to_fhir_questionnaire(instrument: Instrument | str, lang: str = "nb") -> dict[str, Any]:
    """`instrument` as an R4 Questionnaire (a JSON-ready dict), titled in `lang`.

    >>> q = to_fhir_questionnaire("dash", "en")
    >>> q["resourceType"], q["url"], q["item"][0]["item"][0]["item"][0]["linkId"]
    ('Questionnaire', 'urn:risk-scoring:questionnaire:dash', '1')
    """
    from ..definition.loading import load_instrument

    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    if lang not in LANGUAGES:
        message = f"{lang!r} is not allowed; expected one of 'nb', 'en'"
        raise AnswerError([Problem("lang", message, code="value_not_allowed")])
    title, title_ext = _texts(inst.title.nb, inst.title.en, lang)
    description, description_ext = _texts(inst.description.nb, inst.description.en, lang)
    return {
        "resourceType": "Questionnaire",
        "id": inst.id,
        "url": canonical_url(inst),
        "version": inst.version,
        "name": inst.id.replace("-", "_").upper(),
        "title": title,
        "_title": title_ext,
        "status": "active",
        "language": lang,
        "description": description,
        "_description": description_ext,
        "copyright": inst.source.licence.get(lang),
        "item": [_question(node, lang) for node in _tree(inst)],
    }


def _question(node: Node, lang: str) -> dict[str, Any]:
    text, text_ext = _texts(node.nb, node.en, lang)
    out: dict[str, Any] = {"linkId": node.key, "text": text, "_text": text_ext}
    extensions: list[dict[str, Any]] = []
    children: list[dict[str, Any]] = []
    if isinstance(node, Group):
        out["type"] = "group"
        if node.repeats:
            out["repeats"] = True
        if node.max_repeats is not None:
            extensions.append({"url": MAX_OCCURS, "valueInteger": node.max_repeats})
        children = [_question(child, lang) for child in node.children]
    else:
        out["type"] = node.type
        if node.required:
            out["required"] = True
        if node.repeats:
            out["repeats"] = True
        if node.options:
            out["answerOption"] = [
                {"valueCoding": _coding(node, option.code, lang)} for option in node.options
            ]
        if node.minimum is not None:
            extensions.append({"url": MIN_VALUE, "valueInteger": node.minimum})
        if node.maximum is not None:
            extensions.append({"url": MAX_VALUE, "valueInteger": node.maximum})
        if node.help_nb:
            help_text, help_ext = _texts(node.help_nb, node.help_en, lang)
            children.append(
                {
                    "linkId": f"{node.key}:help",
                    "text": help_text,
                    "_text": help_ext,
                    "type": "display",
                    "extension": [
                        {
                            "url": ITEM_CONTROL,
                            "valueCodeableConcept": {
                                "coding": [
                                    {
                                        "system": "http://hl7.org/fhir/questionnaire-item-control",
                                        "code": "help",
                                    }
                                ]
                            },
                        }
                    ],
                }
            )
    if extensions:
        out["extension"] = extensions
    if children:
        out["item"] = children
    return out


def _coding(node: Field, code: str, lang: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": node.system, "code": code}
    if lang is not None:
        option = next(o for o in node.options if o.code == code)
        display, display_ext = _texts(option.nb, option.en, lang)
        coding["display"] = display
        coding["_display"] = display_ext
    return coding


# --- answers → QuestionnaireResponse --------------------------------------------------


def to_fhir_response(instrument: Instrument | str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """A QuestionnaireResponse to `instrument`'s Questionnaire holding `answers`.

    `answers` is in the format `assess` takes; values are carried as given (the library
    checks them when the response is read back and assessed), and keys the Questionnaire
    has no question for are left out.
    """
    from ..definition.loading import load_instrument

    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    items = [
        answered
        for node in _tree(inst)
        for answered in _respond(inst, node, _normalised(inst, answers))
    ]
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{canonical_url(inst)}|{inst.version}",
        "status": "completed",
        "item": items,
    }


def _normalised(inst: Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """`answers` with every item as a mapping of dimensions and the raters as a list."""
    out = dict(answers)
    primary = inst.primary.id

    def ratings(raw: object) -> dict[str, Any]:
        given = raw if isinstance(raw, Mapping) else {}
        return {
            str(k): v if isinstance(v, Mapping) else {primary: v}
            for k, v in given.items()
            if v is not None
        }

    out["items"] = ratings(answers.get("items"))
    raters = answers.get("raters")
    if isinstance(raters, Mapping):
        out["raters"] = [
            {"role": role, "items": ratings(r.get("items")), "judgements": r.get("judgements")}
            for role, r in raters.items()
            if isinstance(r, Mapping)
        ]
    return out


def _get(data: object, path: Sequence[str]) -> object:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _respond(inst: Instrument, node: Node, data: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, Group):
        if node.repeats:
            for entry in _get(data, node.path) or ():  # type: ignore[attr-defined]
                children = [a for child in node.children for a in _respond(inst, child, entry)]
                if children:
                    yield {"linkId": node.key, "item": children}
            return
        inner = _get(data, node.path) if node.path else data
        children = [a for child in node.children for a in _respond(inst, child, inner)]
        if children:
            yield {"linkId": node.key, "item": children}
        return
    value = _get(data, node.path)
    if value is None:
        return
    values = value if node.repeats and isinstance(value, list) else [value]
    answers = [{_VALUE[node.type]: _carried(node, v)} for v in values if v is not None]
    if answers:
        yield {"linkId": node.key, "answer": answers}


def _carried(node: Field, value: object) -> object:
    if node.type == "choice":
        return _coding(node, str(value))
    return value


# --- QuestionnaireResponse → answers --------------------------------------------------


def answers_from_fhir(
    instrument: Instrument | str, questionnaire_response: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers mapping (SPEC §3) a QuestionnaireResponse to `instrument` holds.

    Raises `AnswerError` listing every structural problem at once: a resource that is
    not a QuestionnaireResponse, one to another questionnaire or version, an unknown
    `linkId`, an answer of the wrong type, several answers to a question that takes
    one. Values are checked by `assess`, as for any answers. Free text is never quoted.
    """
    from ..definition.loading import load_instrument

    inst = load_instrument(instrument) if isinstance(instrument, str) else instrument
    problems: list[Problem] = []
    qr = questionnaire_response
    if not isinstance(qr, Mapping) or qr.get("resourceType") != "QuestionnaireResponse":
        message = "expected a FHIR QuestionnaireResponse (resourceType QuestionnaireResponse)"
        raise AnswerError([Problem("resourceType", message, code="not_a_response")], inst.id)
    _check_reference(inst, qr.get("questionnaire"), problems)
    tree = _tree(inst)
    index = {node.key: node for node in walk(tree)}
    answers: dict[str, Any] = {}
    _read_items(inst, qr.get("item"), "item", index, answers, None, problems)
    if problems:
        raise AnswerError(problems, inst.id)
    return _finished(answers)


def _check_reference(inst: Instrument, reference: object, problems: list[Problem]) -> None:
    if reference is None:
        return
    if not isinstance(reference, str):
        problems.append(Problem("questionnaire", "must be a canonical URL", code="bad_reference"))
        return
    url, _, version = reference.partition("|")
    if url != canonical_url(inst):
        message = f"answers a questionnaire other than {canonical_url(inst)!r}"
        problems.append(Problem("questionnaire", message, code="other_questionnaire"))
    elif version and version != inst.version:
        message = f"answers version {_code(version)} of the questionnaire, not {inst.version!r}"
        problems.append(Problem("questionnaire", message, code="other_version"))


def _code(text: str) -> str:
    return (
        repr(text)
        if len(text) <= 40 and text.replace(".", "").replace("-", "").isalnum()
        else "another"
    )


def _read_items(
    inst: Instrument,
    items: object,
    path: str,
    index: dict[str, Node],
    target: dict[str, Any],
    group: Group | None,
    problems: list[Problem],
) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        problems.append(Problem(path, "must be a list of items", code="not_a_list"))
        return
    for i, item in enumerate(items):
        where = f"{path}.{i}"
        if not isinstance(item, Mapping) or not isinstance(item.get("linkId"), str):
            problems.append(Problem(where, "an item needs a linkId", code="missing"))
            continue
        key = item["linkId"]
        node = index.get(key)
        if node is None:
            shown = f" {_code(key)}" if _code(key) != "another" else ""
            problems.append(Problem(where, f"unknown linkId{shown}", code="unknown_link_id"))
            continue
        if isinstance(node, Group):
            if node.repeats:
                entry: dict[str, Any] = {}
                _read_items(inst, item.get("item"), f"{where}.item", index, entry, node, problems)
                target.setdefault(_group_key(node), []).append(entry)
            else:
                inner = target
                for part in node.path:
                    inner = inner.setdefault(part, {})
                _read_items(inst, item.get("item"), f"{where}.item", index, inner, group, problems)
            continue
        _read_answer(node, item.get("answer"), f"{where}.answer", target, problems)


def _group_key(node: Group) -> str:
    return "\0" + node.path[-1]  # a repeating group's entries, placed by _finished


def _read_answer(
    node: Field, raw: object, path: str, target: dict[str, Any], problems: list[Problem]
) -> None:
    if raw is None:
        return
    if not isinstance(raw, list):
        problems.append(Problem(path, "must be a list of answers", code="not_a_list"))
        return
    kind = _VALUE[node.type]
    values = []
    for j, answer in enumerate(raw):
        if not isinstance(answer, Mapping) or kind not in answer:
            message = f"question {node.key!r} takes {kind}"
            problems.append(Problem(f"{path}.{j}", message, code="wrong_type"))
            continue
        value = answer[kind]
        if node.type == "choice":
            value = value.get("code") if isinstance(value, Mapping) else None
            if not isinstance(value, str):
                message = f"question {node.key!r} takes a valueCoding with a code"
                problems.append(Problem(f"{path}.{j}", message, code="wrong_type"))
                continue
        values.append(value)
    if not values:
        return
    if not node.repeats and len(values) > 1:
        message = f"question {node.key!r} takes one answer, not {len(values)}"
        problems.append(Problem(path, message, code="too_many_answers"))
        return
    _put(target, node.path, values if node.repeats else values[0])


def _put(target: dict[str, Any], path: Sequence[str], value: object) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _finished(data: dict[str, Any]) -> dict[str, Any]:
    """Place each repeating group's entries at its path; the raters become a mapping."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not key.startswith("\0"):
            out[key] = _finished(value) if isinstance(value, dict) else value
            continue
        name = key[1:]
        entries = [_finished(entry) for entry in value]
        if name == "raters":
            out["raters"] = {
                entry.pop("role"): entry for entry in entries if isinstance(entry.get("role"), str)
            }
        else:
            out[name] = entries
    return out

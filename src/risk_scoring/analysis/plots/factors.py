"""How often each risk factor is present, by domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...definition.instrument import Instrument
from .. import checks
from ._cells import (
    _frame,
)
from ._look import (
    _axes,
    _count,
    _lang,
    _share_axis,
    _short_title,
    _style,
    _w,
    domain_colours,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes


def factor_prevalence(
    instrument: Instrument | str,
    frame: pd.DataFrame,
    *,
    present: Sequence[str] | str | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars: the share of rows where each item is present, coloured by domain.

    `present` are the primary values that count as present; by default every value
    worth points (P and Y on the SARA-V3 scale, yes on DASH), stacked from the highest
    (solid) to the lowest (hatched). Missing and unknown answers count in the
    denominator: the bar is the share of all rows. Labels are in `lang`.
    """
    lang = _lang(lang)
    inst = checks.instrument(instrument)
    frame = _frame(
        frame,
        "frame",
        "for answer mappings, make a frame with answers_to_frame(instrument, answers)",
    )
    scales = {item.id: inst.scale_for(item, inst.primary) for item in inst.items}
    chosen: list[str] | None = None
    if present is not None:
        chosen = [present] if isinstance(present, str) else _values(present)
        known = list(dict.fromkeys(v.id for s in scales.values() for v in s.values))
        wrong = [v for v in chosen if v not in known]
        if wrong:
            raise checks.refuse(
                "present", f"{wrong[0]!r} is no value of {inst.id}; expected some of {known}"
            )
    checks.columns(frame, [item.id for item in inst.items])
    colours_of = domain_colours(inst)
    labels: list[str] = []
    shares: list[list[float]] = []
    colours: list[str] = []
    layers: list[list[str]] = []  # value labels, highest first
    n = len(frame)
    for item in inst.items:
        scale = scales[item.id]
        values = (
            [v for v in scale.values if v.id in chosen]
            if chosen is not None
            else [v for v in scale.values if (v.points or 0) > 0 and not v.unknown]
        )
        counts = frame[item.id].astype(object).value_counts()
        labels.append(f"{item.id} {item.title.get(lang)}")
        shares.append([float(counts.get(v.id, 0)) / (n or 1) for v in reversed(values)])
        colours.append(colours_of[item.domain])
        layers.append([v.label.get(lang) for v in reversed(values)])
    from matplotlib.patches import Patch

    with _style():
        own = ax is None
        ax = _axes(ax, (9.0, 2.4 + 0.24 * len(inst.items) + 0.2 * len(inst.domains)))
        positions = list(range(len(labels)))
        depth = max((len(s) for s in shares), default=0)
        left = [0.0] * len(labels)
        for layer in range(depth):
            widths = [s[layer] if layer < len(s) else 0.0 for s in shares]
            ax.barh(
                positions,
                widths,
                left=left,
                color=colours,
                edgecolor="white",
                linewidth=0.5,
                hatch="//" if layer else None,
            )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        ax.set_yticks(positions, labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        _share_axis(ax.xaxis, lang)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        names = _layer_names(layers)
        marks = [_w(lang, "solid" if i == 0 else "hatched", value=v) for i, v in enumerate(names)]
        shown = f" ({', '.join(marks)})" if len(marks) > 1 else ""
        ax.set_xlabel(_w(lang, "present_share") + shown)
        ax.set_title(f"{_w(lang, 'prevalence')}\n{_short_title(inst, lang)}, {_count(n, lang)}")
        handles = [Patch(color=colours_of[d.id], label=d.title.get(lang)) for d in inst.domains]
        where: dict[str, Any] = {"bbox_to_anchor": (1.01, 1), "loc": "upper left"}
        if own:  # below the bars, where the long item labels leave room
            where = {"loc": "outside lower left"}
        (ax.figure if own else ax).legend(handles=handles, title=_w(lang, "domain"), **where)
    return ax


def _values(present: object) -> list[str]:
    if not isinstance(present, Sequence) or not all(isinstance(v, str) for v in present):
        raise checks.refuse("present", "expected a list of value ids, such as ['Y', 'P']")
    return list(present)


def _layer_names(layers: list[list[str]]) -> list[str]:
    """What each layer of bars means: the value label it holds on every item."""
    depth = max((len(x) for x in layers), default=0)
    names = []
    for k in range(depth):
        found = list(dict.fromkeys(x[k] for x in layers if k < len(x)))
        names.append(" / ".join(found))
    return names

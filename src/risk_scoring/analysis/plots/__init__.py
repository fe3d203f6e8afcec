"""Plots for analysts (matplotlib and pandas; the `plots` extra).

- `level_distribution(frame, by)`: the share of each level per group (district, year).
- `level_trend(frame, by)`: the share of each level per year, one panel per district.
- `factor_prevalence(instrument, frame)`: how often each item is present, by domain.
- `level_over_time(results)`: one case's level at each assessment.
- `agreement_matrix(found)`: two raters' levels (or one judgement or item) against each
  other, with the weighted kappa in the title.

Each draws on the Axes it is given (`ax=`) or on a new figure, and returns the Axes
(`level_trend`, which draws one panel per group, returns the Figure). Every label is in
`lang`, Norwegian bokmål (``nb``, the default, like reports) or English (``en``): level
titles, domain names and value labels come from the instrument, numbers and dates are
written the way the language writes them, and each group shows how many assessments it
holds. Colours are fixed per level rank and per domain, and a new figure is drawn in a
fixed style whatever the session's matplotlib settings, so the same data always give
the same image.

`frame` is a result frame from `score_frame`/`to_frame` (for levels) or an answer frame
(for factor prevalence: `score_frame`'s input, or ``to_frame(..., items=True)``).
Wrong arguments raise `AnswerError` naming the argument; a missing matplotlib or pandas
raises `ExtraNotInstalledError` naming the `plots` extra.
"""

from __future__ import annotations

from ._look import LANGUAGES, LEVEL_PALETTE as LEVEL_PALETTE, level_colours as level_colours
from .agreement import agreement_matrix
from .factors import factor_prevalence
from .levels import level_distribution, level_over_time, level_trend

__all__ = [
    "LANGUAGES",
    "agreement_matrix",
    "factor_prevalence",
    "level_distribution",
    "level_over_time",
    "level_trend",
]

"""Do the scope's teams differ on a dimension? One-way and Welch ANOVA, Kruskal-Wallis and Games-Howell pairwise
comparisons of the teams' scale scores, shown in the agreement report beside the ICCs.

Which teams enter: exactly the ICC's (`app.reports.agreement`): teams that are visible cells whose respondents with
a score on the dimension are a visible cell of that dimension's own map, with at least two scale scores. A hidden
team never enters a test, so no statistic here rests on a group the report does not show (docs/anonymity.md,
"Limits": non-additive figures are computed for visible groups only). The additive figures a reader could take from
here are each team's n and mean (published beside its rwg(j), as in the breakdown) and the pairwise differences of
those means; the attacker (`tests/attack/figures.py`) reads all three.

Multiple testing: the Welch ANOVA is the primary test (unequal team sizes and variances are the rule); its p-values
are Holm-adjusted over the report's dimensions, and `significant` follows them. The one-way ANOVA and
Kruskal-Wallis p-values are each a Holm family of their own. Games-Howell p-values are simultaneous over the
dimension's pairs already (studentized range), and are not adjusted across dimensions.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from app.reports.figures import Interval, PValue, num
from app.reports.readings import ALPHA, LANGS, Phrase, Reading, is_significant
from app.stats import (
    AnovaResult,
    FrequencyTable,
    PairwiseDifference,
    SignificanceTest,
    holm,
    kruskal_wallis,
    oneway_anova,
    welch_anova,
)
from app.stats import games_howell as gh

Pairs = Literal["significant", "all"]
MAX_PAIRWISE_TEAMS = 40  # 780 pairs; beyond, only the pair furthest apart (a list of thousands helps no reader)


class TeamPair(BaseModel):
    """Games-Howell comparison of two teams: `difference` = mean of `first` - mean of `second`."""

    first: str = Field(description="Unit id of the first team")
    first_name: str
    first_path: list[str]
    second: str = Field(description="Unit id of the second team")
    second_name: str
    second_path: list[str]
    difference: float | None = Field(description="Difference of the two teams' mean scale scores (scale points)")
    difference_ci: Interval | None = Field(description="Games-Howell interval: simultaneous over the dimension's "
                                                       "pairs")
    t: float | None = Field(description="Welch's t of the pair")
    df: float | None = Field(description="Welch-Satterthwaite degrees of freedom")
    p: float | None = Field(description="Games-Howell p (studentized range over the dimension's teams: already "
                                        "simultaneous over its pairs)")
    significant: bool | None = Field(description="p < 0.05")
    reason: str | None = Field(description="Why the figures are missing (`n_below_2`, `zero_variance`)")


class TeamsDiffer(BaseModel):
    """Across the teams that enter (those of the ICC: shown, with at least two scale scores)."""

    n_teams: int = Field(description="Teams entering the tests (as `n_teams` of the ICC)")
    n: int = Field(description="Respondents with a scale score in those teams")
    oneway_f: float | None = Field(description="One-way ANOVA F (equal variances assumed)")
    oneway_df: list[float] | None = Field(description="Its degrees of freedom: between, within")
    oneway: PValue | None = Field(description="Its p; Holm over the report's dimensions (a family of its own)")
    welch_f: float | None = Field(description="Welch's ANOVA F (Welch 1951; unequal variances)")
    welch_df: list[float] | None = Field(description="Its degrees of freedom: between, within (fractional)")
    welch: PValue | None = Field(description="Its p; Holm over the report's dimensions: the primary test")
    kruskal_h: float | None = Field(description="Kruskal-Wallis H (tie corrected) of the scale scores")
    kruskal_df: float | None = Field(description="Its degrees of freedom: the teams entering minus 1")
    kruskal: PValue | None = Field(description="Its p; Holm over the report's dimensions (a family of its own)")
    significant: bool | None = Field(description="Holm-adjusted Welch ANOVA p < 0.05: the teams differ more than "
                                                 "chance explains")
    reason: str | None = Field(description="Why the Welch ANOVA is missing (`one_group`: fewer than two teams "
                                           "enter; `n_below_2`; `zero_variance`: a team gave one score only)")
    n_pairs: int = Field(description="Pairs of teams compared (Games-Howell); with more than 40 teams only the pair "
                                     "furthest apart is")
    n_significant_pairs: int | None = Field(description="Pairs with Games-Howell p < 0.05; null when not every pair "
                                                        "was compared")
    pairs_reason: Literal["too_many_teams"] | None = Field(default=None, description="Why `pairs` holds only "
                                                                                    "`largest_difference`: more than "
                                                                                    "40 teams enter")
    largest_difference: TeamPair | None = Field(description="The pair whose means lie furthest apart")
    pairs: list[TeamPair] = Field(description="Games-Howell pairs, largest |difference| first: the significant "
                                              "ones, or every pair with `pairs=all`")
    reading: Reading | None = Field(description="The result in one sentence (English and Dutch)")


@dataclass(frozen=True)
class Entering:
    """One dimension's teams that enter the tests: their scale-score frequency table (rows in `names` order)."""

    table: FrequencyTable
    unit_ids: Sequence[str]
    names: Sequence[str]
    paths: Sequence[list[str]]


@dataclass(frozen=True)
class _Tests:
    oneway: AnovaResult
    welch: AnovaResult
    kruskal: SignificanceTest
    pairs: tuple[PairwiseDifference, ...]


def _tests(entering: Entering) -> _Tests:
    table = FrequencyTable(np.arange(entering.table.n_groups), entering.table.values, entering.table.counts)
    moments = table.moments()
    if moments.n_groups <= MAX_PAIRWISE_TEAMS:
        pairs = gh(moments)
    else:  # only the pair furthest apart: the highest mean against the lowest
        pairs = gh(moments, pairs=[(int(np.argmax(moments.mean)), int(np.argmin(moments.mean)))])
    return _Tests(oneway_anova(moments), welch_anova(moments), kruskal_wallis(table), pairs)


def _pvalue(p: float | None, adjusted: float | None, family: int) -> PValue | None:
    return None if p is None else PValue(p=p, p_adjusted=adjusted, correction="holm", family_size=family)


def _pair(entering: Entering, pair: PairwiseDifference) -> TeamPair:
    i, j = int(pair.first), int(pair.second)
    p = pair.test.pvalue
    reason = pair.test.reason or pair.difference.reason
    ci = pair.difference.ci
    return TeamPair(first=entering.unit_ids[i], first_name=entering.names[i], first_path=entering.paths[i],
                    second=entering.unit_ids[j], second_name=entering.names[j], second_path=entering.paths[j],
                    difference=num(pair.difference.value),
                    difference_ci=None if ci is None else Interval(low=num(ci.low), high=num(ci.high), level=ci.level),
                    t=num(pair.test.statistic), df=num(pair.test.df), p=num(p),
                    significant=None if p is None else p < ALPHA, reason=reason.value if reason else None)


def _largest_first(pair: PairwiseDifference) -> float:
    difference = num(pair.difference.value)
    return -abs(difference) if difference is not None else 0.0


def _significant(pair: PairwiseDifference) -> bool:
    return pair.test.pvalue is not None and pair.test.pvalue < ALPHA


def _number(p: float, lang: str) -> str:
    text = f"{p:.3f}" if p >= 0.001 else "< 0.001"
    if (p < ALPHA) != (float(text) < ALPHA if p >= 0.001 else True):  # 0.0496 is not "0.050"
        text = f"{p:.4f}"
    return text.replace(".", ",") if lang == "nl" else text


def teams_reading(dimension: Phrase, p_adjusted: float | None, largest: TeamPair | None) -> Reading | None:
    """"Teams differ in openness more than chance explains (Welch ANOVA, adjusted p = 0.003); Team A and Team C
    differ most." / "... do not differ ... more than chance explains (...)." (None without a test)."""
    if p_adjusted is None:
        return None
    texts: Phrase = {}
    for lang in LANGS:
        dim = dimension[lang][:1].lower() + dimension[lang][1:] if not dimension[lang][1:2].isupper() else \
            dimension[lang]
        p = _number(p_adjusted, lang)
        p_text = f"p {p}" if p.startswith("<") else f"p = {p}"
        if lang == "en":
            verb = "differ" if p_adjusted < ALPHA else "do not differ"
            text = f"Teams {verb} in {dim} more than chance explains (Welch ANOVA, adjusted {p_text})"
        else:
            not_ = "" if p_adjusted < ALPHA else "niet "
            text = f"Teams verschillen in {dim} {not_}meer dan toeval verklaart (Welch-ANOVA, gecorrigeerde {p_text})"
        if p_adjusted < ALPHA and largest is not None and largest.significant:
            higher, lower = ((largest.first_name, largest.second_name) if (largest.difference or 0) >= 0
                             else (largest.second_name, largest.first_name))
            text += (f"; {higher} and {lower} differ most." if lang == "en"
                     else f"; {higher} en {lower} verschillen het meest.")
        else:
            text += "."
        texts[lang] = text
    return Reading(**texts)


def teams_differ(per_dimension: Sequence[Entering], names: Mapping[str, list[str]], pairs: Pairs) -> list[TeamsDiffer]:
    """The tests of every dimension (`names`: the dimensions' names per language), Holm over the dimensions."""
    results = [_tests(e) for e in per_dimension]
    welch = holm([r.welch.pvalue for r in results])
    oneway = holm([r.oneway.pvalue for r in results])
    kruskal = holm([r.kruskal.pvalue for r in results])
    out = []
    for d, (entering, r) in enumerate(zip(per_dimension, results, strict=True)):
        # Ordered, counted and chosen on the statistics; only the pairs shown become response models (by default
        # the significant ones of hundreds: building every pair was most of the report's time).
        every = sorted(r.pairs, key=_largest_first)
        first = next((x for x in every if num(x.difference.value) is not None), None)
        chosen = every if pairs == "all" else [x for x in every if _significant(x)]
        shown = [_pair(entering, x) for x in chosen]
        largest = None if first is None else _pair(entering, first)
        capped = r.welch.n_groups > MAX_PAIRWISE_TEAMS
        reason = r.welch.reason
        out.append(TeamsDiffer(
            n_teams=r.welch.n_groups, n=r.welch.n,
            oneway_f=num(r.oneway.statistic),
            oneway_df=None if r.oneway.df_between is None or r.oneway.df_within is None
            else [r.oneway.df_between, r.oneway.df_within],
            oneway=_pvalue(r.oneway.pvalue, oneway.adjusted[d], oneway.n_tests),
            welch_f=num(r.welch.statistic),
            welch_df=None if r.welch.df_between is None or r.welch.df_within is None
            else [r.welch.df_between, r.welch.df_within],
            welch=_pvalue(r.welch.pvalue, welch.adjusted[d], welch.n_tests),
            kruskal_h=num(r.kruskal.statistic), kruskal_df=num(r.kruskal.df),
            kruskal=_pvalue(r.kruskal.pvalue, kruskal.adjusted[d], kruskal.n_tests),
            significant=is_significant(welch.adjusted[d]), reason=reason.value if reason else None,
            n_pairs=1 if capped else len(every),
            n_significant_pairs=None if capped else sum(1 for x in every if _significant(x)),
            pairs_reason="too_many_teams" if capped else None,
            largest_difference=largest, pairs=shown,
            reading=teams_reading({lang: names[lang][d] for lang in LANGS}, welch.adjusted[d], largest)))
    return out


TEAMS_DIFFER_COLUMNS = [
    "mean", "mean_rwg_j", "oneway_f", "oneway_df1", "oneway_df2", "oneway_p", "oneway_p_adjusted", "welch_f",
    "welch_df1", "welch_df2", "welch_p", "welch_p_adjusted", "kruskal_h", "kruskal_df", "kruskal_p",
    "kruskal_p_adjusted", "family_size", "significant", "test_reason", "n_pairs", "n_significant_pairs",
    "second_unit_id", "second_unit_path", "difference", "difference_ci_low", "difference_ci_high", "t", "df", "p",
    "reading_en", "reading_nl"]
Cell = str | int | float | bool | None


def team_cells(mean: float | None) -> list[Cell]:
    """The columns above of a `team` row: its mean."""
    return [mean, *[None] * (len(TEAMS_DIFFER_COLUMNS) - 1)]


def _p(p: PValue | None) -> list[Cell]:
    return [None, None] if p is None else [p.p, p.p_adjusted]


def dimension_cells(mean_rwg_j: float | None, t: TeamsDiffer | None) -> list[Cell]:
    """The columns above of a `dimension` row: mean rwg(j) and the tests across teams."""
    if t is None:
        return [None, mean_rwg_j, *[None] * (len(TEAMS_DIFFER_COLUMNS) - 2)]
    family = t.welch.family_size if t.welch else None
    no_df: list[Cell] = [None, None]
    return [None, mean_rwg_j, t.oneway_f, *(t.oneway_df or no_df), *_p(t.oneway), t.welch_f,
            *(t.welch_df or no_df), *_p(t.welch), t.kruskal_h, t.kruskal_df, *_p(t.kruskal), family,
            t.significant, t.reason, t.n_pairs, t.n_significant_pairs, *[None] * 8,
            t.reading.en if t.reading else None, t.reading.nl if t.reading else None]


def pair_cells(pair: TeamPair) -> list[Cell]:
    """The columns above of a `pair` row: the second team and the Games-Howell figures."""
    ci = pair.difference_ci
    return [*[None] * 17, pair.significant, None, None, None, pair.second, "/".join(pair.second_path),
            pair.difference, None if ci is None else ci.low, None if ci is None else ci.high, pair.t, pair.df, pair.p,
            None, None]

"""The partially overlapping samples t-test against R (tests/stats/reference/make_overlap_reference.R: T_new2 from
its published formula in base R, and base R's paired and Welch t-tests for the two limits)."""

from typing import Any

import numpy as np
import pytest

from app.stats import MissingReason, paired, partially_overlapping
from tests.stats.helpers import close, load_csv, load_ref

CASES = load_ref("overlap")["cases"]


def _data(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    if "bfi" in case:
        bfi = load_csv("bfi")
        return bfi[case["bfi"][0]], bfi[case["bfi"][1]]
    as_float = lambda xs: np.array([np.nan if x is None else x for x in xs], dtype=float)  # noqa: E731
    return as_float(case["first"]), as_float(case["second"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_r(case: dict[str, Any]) -> None:
    ref = case["value"]
    r = partially_overlapping(*_data(case))
    assert (r.n_first, r.n_second, r.n_both) == (ref["n_first"], ref["n_second"], ref["n_both"])
    close([r.mean_first, r.mean_second, r.difference.value, r.t_test.statistic, r.t_test.df, r.t_test.pvalue,
           r.d_av.value], [ref["mean_first"], ref["mean_second"], ref["difference"], ref["t"], ref["df"], ref["p"],
                           ref["d_av"]], rel=1e-10)
    assert r.difference.ci is not None
    close([r.difference.ci.low, r.difference.ci.high], ref["ci"], rel=1e-10)
    if "t_test_statistic" in ref:  # the limits agree with base R's own tests
        close([r.t_test.statistic, r.t_test.df, r.t_test.pvalue],
              [ref["t_test_statistic"], ref["t_test_df"], ref["t_test_p"]], rel=1e-10)


def test_edge_cases_say_why() -> None:
    nan = np.nan
    assert partially_overlapping([nan, nan], [1.0, 2.0]).t_test.reason is MissingReason.ALL_MISSING
    one = partially_overlapping([3.0, nan, nan], [nan, 2.0, 4.0])
    assert one.difference.value == pytest.approx(0.0) and one.t_test.reason is MissingReason.N_BELOW_2
    flat = partially_overlapping([3.0, 3.0, 3.0], [3.0, 3.0, 3.0])
    assert flat.t_test.reason is MissingReason.ZERO_VARIANCE and flat.wilcoxon.reason is not None
    with pytest.raises(ValueError):
        partially_overlapping([1.0, 2.0], [1.0])


def test_wilcoxon_rests_on_the_pairs_only() -> None:
    first = np.array([4.0, 5.0, 3.0, 4.0, np.nan, 2.0])
    second = np.array([3.0, 3.0, 2.0, 5.0, 1.0, np.nan])
    both = ~np.isnan(first) & ~np.isnan(second)
    assert partially_overlapping(first, second).wilcoxon == paired(first[both], second[both]).wilcoxon

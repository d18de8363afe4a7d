"""Holm-compatible confidence intervals: the verdict and the interval always agree (property), they equal a
separate implementation in R on Welch tests (reference), a family of one is the unadjusted interval, and the
simultaneous coverage holds in simulation."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from app.stats import holm, holm_intervals

REFERENCE = json.loads((Path(__file__).parent / "reference" / "holm_ci.json").read_text())
SETTINGS = settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _p(est: float, se: float, df: float) -> float:
    return float(2 * (stats.norm.sf(abs(est / se)) if math.isinf(df) else stats.t.sf(abs(est / se), df)))


def _excludes(low: float | None, high: float | None, est: float) -> bool:
    """0 is outside the interval or its (open) end on the estimate's far side."""
    lo = -math.inf if low is None else low
    hi = math.inf if high is None else high
    return (lo >= 0 and est > 0) or (hi <= 0 and est < 0)


family = st.lists(st.tuples(st.floats(-3, 3), st.floats(0.05, 2), st.one_of(st.just(math.inf), st.floats(2, 200))),
                  min_size=1, max_size=12)


@SETTINGS
@given(family, st.sampled_from([0.01, 0.05, 0.1]))
def test_the_interval_excludes_zero_exactly_when_holm_rejects(tests, alpha):
    est, se, df = (list(x) for x in zip(*tests, strict=True))
    p = [_p(e, s, d) for e, s, d in tests]
    adjusted = holm(p).adjusted
    for c, e, a in zip(holm_intervals(est, se, df, p, alpha=alpha), est, adjusted, strict=True):
        assert c is not None and a is not None
        assert c.excludes_zero == (a < alpha)
        assert c.low is not None and c.high is not None and c.low <= e <= c.high
        if c.excludes_zero:
            assert _excludes(c.low, c.high, e)
        else:
            assert c.low <= 0 <= c.high


@SETTINGS
@given(st.floats(-3, 3), st.floats(0.05, 2), st.floats(2, 200))
def test_a_family_of_one_is_the_unadjusted_interval(est, se, df):
    c = holm_intervals([est], [se], [df], [_p(est, se, df)])[0]
    half = stats.t.ppf(0.975, df) * se
    assert c is not None
    assert c.low == pytest.approx(est - half, abs=1e-9) and c.high == pytest.approx(est + half, abs=1e-9)


def test_missing_tests_stay_out_of_the_family_and_bad_input_is_refused():
    out = holm_intervals([0.5, None, 1.0], [0.1, 0.1, 0.0], [30, 30, 30], [1e-5, None, 0.001])
    assert out[1] is None and out[2] is None  # no p-value; no standard error (but counted in the family)
    assert out[0] is not None and out[0].excludes_zero
    with pytest.raises(ValueError):
        holm_intervals([0.1], [0.1], [10], [0.5], alpha=1.5)
    with pytest.raises(ValueError):
        holm_intervals([0.1, 0.2], [0.1], [10], [0.5])


@pytest.mark.parametrize("f", range(len(REFERENCE["families"])))
def test_matches_the_r_reference(f):
    fam = REFERENCE["families"][f]
    out = holm_intervals(fam["estimate"], fam["se"], fam["df"], fam["p"])
    assert [c.excludes_zero for c in out] == fam["excludes_zero"]  # type: ignore[union-attr]
    assert list(holm(fam["p"]).adjusted) == pytest.approx(fam["adjusted"], rel=1e-12)
    for c, lo, hi in zip(out, fam["low"], fam["high"], strict=True):
        assert c is not None
        assert c.low == pytest.approx(lo, abs=1e-12) and c.high == pytest.approx(hi, abs=1e-12)


def test_simultaneous_coverage_in_simulation():
    """2,000 families of 6 normal estimates (three true differences 0, three not): every interval covers its true
    value in at least 95% of the families (up to simulation error)."""
    rng = np.random.default_rng(15)
    truth = np.array([0.0, 0.0, 0.0, 0.5, -1.0, 3.0])
    covered = 0
    for _ in range(2000):
        est = truth + rng.normal(0, 0.3, truth.size)
        se = [0.3] * truth.size
        p = [_p(e, 0.3, math.inf) for e in est]
        out = holm_intervals(list(est), se, [math.inf] * truth.size, p)
        covered += all(c is not None and c.low is not None and c.high is not None and c.low <= t <= c.high
                       for c, t in zip(out, truth, strict=True))
    assert covered / 2000 >= 0.94

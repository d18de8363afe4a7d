"""The kernels that call scipy.special directly give what scipy.stats gives (its distributions call the same
functions after their argument checks), over random values and the edges the reports reach."""

import numpy as np
from scipy import stats

from app.stats import _kernels as k


def test_t_and_normal_functions_equal_scipy_stats() -> None:
    rng = np.random.default_rng(15)
    df = np.concatenate([[np.nan, -1.0, 0.0, 0.5, 1.0, 2.0, 1e6, np.inf], np.exp(rng.uniform(0.0, 10.0, 200))])
    t = np.concatenate([[np.nan, -np.inf, 0.0, np.inf, -3.0, 40.0, 1e-9, -7.5], rng.standard_t(2, 200)])
    np.testing.assert_array_equal(k.two_sided_t_p(t, df), 2.0 * stats.t.sf(np.abs(t), df))
    np.testing.assert_array_equal(k.two_sided_normal_p(t), 2.0 * stats.norm.sf(np.abs(t)))
    for level in (0.9, 0.95, 0.99, 0.999):
        want = np.where(df > 0, stats.t.ppf(0.5 + level / 2, np.where(df > 0, df, 1.0)), np.nan)
        np.testing.assert_array_equal(k.t_quantile(level, df), want)
    assert k.t_quantile(0.95, 10.0).shape == ()


def test_f_and_chi2_functions_equal_scipy_stats() -> None:
    rng = np.random.default_rng(16)
    for _ in range(300):
        df1, df2 = float(rng.integers(1, 300)), float(np.exp(rng.uniform(0.0, 9.0)))
        x, p = float(rng.exponential(3.0)), float(rng.uniform(0.0, 1.0))
        assert k.f_sf(x, df1, df2) == float(stats.f.sf(x, df1, df2))
        assert k.f_quantile(p, df1, df2) == float(stats.f.ppf(p, df1, df2))
        assert k.chi2_sf(x * df1, df1) == float(stats.chi2.sf(x * df1, df1))
    assert k.f_sf(0.0, 3.0, 10.0) == 1.0 and k.chi2_sf(0.0, 4.0) == 1.0

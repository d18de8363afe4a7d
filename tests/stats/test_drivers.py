"""Driver analysis (general dominance / LMG, Johnson's relative weights) against R to 1e-6 on psych's bfi and
sat.act and on generated data with known weights (reference/make_drivers_reference.R: ``lm`` R² of every ordering,
Johnson's formula by ``eigen``), plus invariants, the bootstrap and the input errors."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.stats.drivers import MIN_RESPONDENTS, driver_analysis, relative_importance_from_correlation
from tests.stats.helpers import BFI_KEYS, bfi_items, close, load_csv, load_ref

REF = load_ref("drivers")
CASES = {c["name"]: c for c in REF["cases"]}
SETTINGS = settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def bfi_scores() -> dict[str, np.ndarray]:
    x = bfi_items()
    keys = [k for ks in BFI_KEYS.values() for k in ks]
    keyed = np.where([k.startswith("-") for k in keys], 7 - x, x)
    rows = ~np.isnan(x).any(axis=1)
    out = {d: keyed[rows][:, 5 * i:5 * i + 5].mean(axis=1) for i, d in enumerate(BFI_KEYS)}
    out["gender"] = load_csv("bfi")["gender"][rows]
    return out


def case_data(name: str) -> tuple[np.ndarray, np.ndarray]:
    case = CASES[name]
    cols = bfi_scores() if name == "bfi" else load_csv({"sat_act": "sat_act", "sat_act_two": "sat_act"}.get(
        name, f"drivers_{name}"))
    return np.column_stack([cols[p] for p in case["predictors"]]), cols[case["outcome"]]


@pytest.mark.parametrize("name", list(CASES))
def test_matches_r(name: str) -> None:
    case = CASES[name]
    x, y = case_data(name)
    res = driver_analysis(x, y, n_bootstrap=0)
    assert res.n_respondents == case["n"]
    assert res.n_incomplete == x.shape[0] - case["n"]
    close(res.r_squared.value, case["r_squared"])
    close(res.general_dominance_values(), case["lmg"], abs_=1e-12)
    close(res.relative_weight_values(), case["relative_weights"], abs_=1e-12)
    assert all(e.ci is None for e in res.general_dominance)


def test_known_weights_of_orthogonal_predictors() -> None:
    x, y = case_data("orthogonal")
    res = driver_analysis(x, y, n_bootstrap=0)
    close(res.general_dominance_values(), CASES["orthogonal"]["known_weights"], rel=1e-9, abs_=1e-10)
    close(res.relative_weight_values(), CASES["orthogonal"]["known_weights"], rel=1e-9, abs_=1e-10)
    close(res.r_squared.value, 0.39, rel=1e-9)


def test_two_predictors_lmg_equals_johnson() -> None:
    r2, lmg, rw = relative_importance_from_correlation([[1, 0.5, 0.6], [0.5, 1, 0.3], [0.6, 0.3, 1]])
    close(lmg, rw, rel=1e-12)
    # by hand: R² = (.36 + .09 - 2*.5*.6*.3) / (1 - .25); LMG_1 = (.36 + (R² - .09)) / 2
    full = (0.36 + 0.09 - 0.18) / 0.75
    close(r2, full, rel=1e-12)
    close(lmg, [(0.36 + full - 0.09) / 2, (0.09 + full - 0.36) / 2], rel=1e-12)


def _random_data(seed: int, n: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mix = rng.normal(size=(p, p)) * rng.uniform(0, 1)
    x = rng.normal(size=(n, p)) @ (np.eye(p) + mix)
    y = x @ rng.normal(size=p) + rng.normal(scale=rng.uniform(0.2, 3), size=n)
    return x, y


@SETTINGS
@given(st.integers(0, 2**32 - 1), st.integers(60, 400), st.integers(1, 6))
def test_invariants(seed: int, n: int, p: int) -> None:
    x, y = _random_data(seed, n, p)
    res = driver_analysis(x, y, n_bootstrap=0)
    r2 = res.r_squared.value
    assert r2 is not None
    lmg, rw = res.general_dominance_values(), res.relative_weight_values()
    close(lmg.sum(), r2, rel=1e-10)
    close(rw.sum(), r2, rel=1e-10)
    assert (lmg >= -1e-12).all() and (rw >= -1e-12).all()
    beta = np.linalg.lstsq(np.column_stack([np.ones(n), x]), y, rcond=None)[0]
    resid = y - np.column_stack([np.ones(n), x]) @ beta
    close(r2, 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean())), rel=1e-9)
    # scaling, shifting and flipping a variable change nothing
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.1, 10, p) * rng.choice([-1, 1], p)
    moved = driver_analysis(x * a + rng.normal(size=p) * 5, 3 * y - 7, n_bootstrap=0)
    close(moved.general_dominance_values(), lmg, rel=1e-8, abs_=1e-12)
    close(moved.relative_weight_values(), rw, rel=1e-8, abs_=1e-12)
    # the order of the predictors is irrelevant
    order = rng.permutation(p)
    shuffled = driver_analysis(x[:, order], y, n_bootstrap=0)
    close(shuffled.general_dominance_values(), lmg[order], rel=1e-10, abs_=1e-14)
    close(shuffled.relative_weight_values(), rw[order], rel=1e-10, abs_=1e-14)


def test_a_predictor_unrelated_to_everything_gets_zero() -> None:
    x, y = _random_data(3, 500, 4)
    data = np.column_stack([np.ones(500), x, y, np.random.default_rng(4).normal(size=500)])
    q, _ = np.linalg.qr(data)
    unrelated = q[:, -1]  # exactly uncorrelated with every predictor and the outcome in the sample
    res = driver_analysis(np.column_stack([x, unrelated]), y, n_bootstrap=0)
    close(res.general_dominance_values()[-1], 0.0, abs_=1e-12)
    close(res.relative_weight_values()[-1], 0.0, abs_=1e-12)
    noise = np.random.default_rng(5).normal(size=(20_000, 1))  # merely independent: near zero
    x2, y2 = _random_data(6, 20_000, 4)
    res2 = driver_analysis(np.column_stack([x2, noise]), y2, n_bootstrap=100, seed=1)
    assert res2.general_dominance_values()[-1] < 5e-4 and res2.relative_weight_values()[-1] < 5e-4
    ci = res2.general_dominance[-1].ci
    assert ci is not None and ci.low >= 0 and ci.high < 1e-3


def test_bootstrap_is_seeded_and_each_replicate_is_the_resampled_fit() -> None:
    x, y = case_data("correlated")
    a = driver_analysis(x, y, n_bootstrap=60, seed=11)
    b = driver_analysis(x, y, n_bootstrap=60, seed=11)
    c = driver_analysis(x, y, n_bootstrap=60, seed=12)
    assert a.general_dominance == b.general_dominance and a.relative_weights == b.relative_weights
    assert a.general_dominance != c.general_dominance
    assert a.n_bootstrap == a.n_bootstrap_used == 60 and a.seed == 11
    close(a.replicates_general_dominance.sum(axis=1), a.replicates_r_squared, rel=1e-10)
    close(a.replicates_relative_weights.sum(axis=1), a.replicates_r_squared, rel=1e-10)
    # replicate i = the point estimate on the rows of resample i, drawn as documented
    ok = ~np.isnan(np.column_stack([x, y])).any(axis=1)
    xs, ys = x[ok], y[ok]
    rng = np.random.default_rng(11)
    for i in range(60):
        idx = rng.integers(0, xs.shape[0], xs.shape[0])
        if i % 15 == 0:
            direct = driver_analysis(xs[idx], ys[idx], n_bootstrap=0)
            close(a.replicates_general_dominance[i], direct.general_dominance_values(), rel=1e-9)
            close(a.replicates_relative_weights[i], direct.relative_weight_values(), rel=1e-9)
    lmg_ci = [e.ci for e in a.general_dominance]
    expect = np.quantile(a.replicates_general_dominance, [0.025, 0.975], axis=0)
    close([[ci.low for ci in lmg_ci if ci], [ci.high for ci in lmg_ci if ci]], expect, rel=1e-12)
    # the chunk size does not change the stream
    import app.stats.drivers as drivers

    old = drivers._CHUNK_CELLS
    drivers._CHUNK_CELLS = 7 * xs.shape[0]
    try:
        chunked = driver_analysis(x, y, n_bootstrap=60, seed=11)
    finally:
        drivers._CHUNK_CELLS = old
    close(chunked.replicates_general_dominance, a.replicates_general_dominance, rel=1e-10)


def test_predictor_order_permutes_the_intervals_too() -> None:
    x, y = case_data("sat_act")
    a = driver_analysis(x, y, n_bootstrap=50, seed=3)
    b = driver_analysis(x[:, ::-1], y, n_bootstrap=50, seed=3)
    close(b.replicates_relative_weights, a.replicates_relative_weights[:, ::-1], rel=1e-9, abs_=1e-14)
    assert a.r_squared.ci is not None and a.r_squared.ci.low < a.r_squared.value < a.r_squared.ci.high


def test_a_resample_with_a_constant_predictor_is_left_out() -> None:
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(size=8), np.r_[1.0, np.zeros(7)]])  # the second is constant without row 0
    y = x[:, 0] + rng.normal(size=8)
    res = driver_analysis(x, y, n_bootstrap=200, seed=2, min_respondents=4)
    assert 0 < res.n_bootstrap_used < 200
    assert res.replicates_general_dominance.shape == (res.n_bootstrap_used, 2)
    assert np.isfinite(res.replicates_general_dominance).all()


def test_errors() -> None:
    x, y = _random_data(1, 200, 3)
    with pytest.raises(ValueError, match="at least 50 respondents"):
        driver_analysis(x[:49], y[:49])
    assert MIN_RESPONDENTS == 50
    holes = x.copy()
    holes[:160, 0] = np.nan
    with pytest.raises(ValueError, match="every score present, got 40"):
        driver_analysis(holes, y)
    with pytest.raises(ValueError, match="predictor 1 has the same value"):
        driver_analysis(np.column_stack([x[:, 0], np.full(200, 3.2), x[:, 2]]), y)
    with pytest.raises(ValueError, match="the outcome has the same value"):
        driver_analysis(x, np.full(200, 4.0))
    with pytest.raises(ValueError, match="singular"):
        driver_analysis(np.column_stack([x, x[:, 0] - 2 * x[:, 1]]), y)
    with pytest.raises(ValueError, match="one value per respondent"):
        driver_analysis(x, y[:-1])
    with pytest.raises(ValueError, match=r"1\.\.12 predictors"):
        driver_analysis(np.zeros((200, 0)), y)
    with pytest.raises(ValueError, match="n_bootstrap"):
        driver_analysis(x, y, n_bootstrap=-1)
    with pytest.raises(ValueError, match="seed"):
        driver_analysis(x, y, seed=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level"):
        driver_analysis(x, y, level=1.5)
    with pytest.raises(ValueError, match="correlation matrix"):
        relative_importance_from_correlation([[1, 0.2], [0.3, 1]])


def test_intervals_cover_the_population_weights() -> None:
    """Simulation: 120 samples of 300 from a population with known weights; the 95% percentile intervals cover
    them in about 95% of samples (a little less: the weights are bounded below and R² is biased upwards)."""
    cov = np.array([[1, 0.5, 0.3, 0.2], [0.5, 1, 0.4, 0.1], [0.3, 0.4, 1, 0.2], [0.2, 0.1, 0.2, 1]])
    b = np.array([0.4, 0.3, 0.2, 0.15])
    full = np.zeros((5, 5))
    full[:4, :4] = cov
    full[:4, 4] = full[4, :4] = cov @ b
    full[4, 4] = b @ cov @ b + 1
    sd = np.sqrt(np.diag(full))
    r2, lmg, rw = relative_importance_from_correlation(full / np.outer(sd, sd))
    chol = np.linalg.cholesky(cov)
    rng = np.random.default_rng(1)
    hits = np.zeros(9)
    sims = 120
    for s in range(sims):
        x = rng.normal(size=(300, 4)) @ chol.T
        res = driver_analysis(x, x @ b + rng.normal(size=300), n_bootstrap=200, seed=s)
        cis = [e.ci for e in (*res.general_dominance, *res.relative_weights, res.r_squared)]
        hits += [ci is not None and ci.low <= v <= ci.high for ci, v in zip(cis, [*lmg, *rw, r2], strict=True)]
    assert ((hits / sims >= 0.85) & (hits / sims <= 0.995)).all(), hits / sims

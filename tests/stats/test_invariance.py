"""Measurement invariance of app.stats.invariance against lavaan (reference/invariance.json,
make_invariance_reference.R)."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest

from app.stats import MissingReason, _cfa
from app.stats.invariance import (
    InvarianceResult,
    InvarianceVerdict,
    _group_moments,
    invariance_by_dimension,
    measurement_invariance,
)
from tests.stats.helpers import bfi_items, bfi_scale, close, load_csv, load_ref

CASES = load_ref("invariance")["cases"]
REVERSED = {"A1", "C4", "C5", "E1", "E2", "O2", "O5"}


def _data(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    d = case["data"]
    groups = case["value"]["groups"]
    if d.get("inline"):
        x = np.column_stack([[np.nan if v is None else v for v in d[it]] for it in case["items"]]).astype(float)
        return x, np.asarray(d["layer"]), groups
    bfi = load_csv("bfi")
    x = np.column_stack([7 - bfi[it] if it in REVERSED else bfi[it] for it in case["items"]])
    g = bfi[case["group"]]
    keep = ~np.isnan(g)
    return x[keep], g[keep].astype(int).astype(str), groups


def _fit(case: dict[str, Any], **options: Any) -> InvarianceResult:
    return _cached_fit(CASES.index(case), tuple(sorted(options.items())))


@cache
def _cached_fit(i: int, options: tuple[tuple[str, Any], ...]) -> InvarianceResult:
    x, g, order = _data(CASES[i])
    return measurement_invariance(x, g, group_order=order, min_group_size=30, **dict(options))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_matches_lavaan(case: dict[str, Any]) -> None:
    ref = case["value"]
    r = _fit(case)
    assert r.reason is None and r.excluded == () and list(r.n) == ref["n"]
    assert list(r.groups) == ref["groups"]
    for name in ("configural", "metric", "scalar"):
        fit, e = getattr(r, name), ref["models"][name]
        assert e["converged"] and fit.df == e["df"]
        close(fit.chisq, e["chisq"], rel=1e-6, abs_=1e-6)
        assert (fit.pvalue is None) is (e["pvalue"] is None)
        close([fit.pvalue or 0.0, fit.cfi, fit.rmsea], [e["pvalue"] or 0.0, e["cfi"], e["rmsea"]], rel=1e-4,
              abs_=1e-8)
        close([r.baseline_chisq, r.baseline_df], [e["baseline.chisq"], e["baseline.df"]], rel=1e-8)
        assert fit.chisq <= e["chisq_default_optimizer"] + 1e-9  # never above lavaan's own optimum
        for ours, theirs in ((fit.loadings, "loadings"), (fit.residual_variances, "residual_variances"),
                             (fit.factor_variances, "factor_variances"), (fit.intercepts, "intercepts"),
                             (fit.factor_means, "factor_means")):
            close(ours, e[theirs], rel=1e-6, abs_=1e-6)
    lrt = ref["lrt"]
    for comp, i in ((r.metric_vs_configural, 0), (r.scalar_vs_metric, 1)):
        assert comp is not None and comp.df == lrt["df_diff"][i]
        close([comp.chisq, comp.pvalue], [lrt["chisq_diff"][i], lrt["p"][i]], rel=1e-4, abs_=1e-8)


@pytest.mark.parametrize(("kind", "verdict"), [("alike", InvarianceVerdict.ALIKE),
                                               ("loadings", InvarianceVerdict.LOADINGS_DIFFER),
                                               ("intercepts", InvarianceVerdict.INTERCEPTS_DIFFER)])
def test_verdicts_find_what_was_built_into_the_data(kind: str, verdict: InvarianceVerdict) -> None:
    case = next(c for c in CASES if c["name"] == f"generated layers: {kind}")
    for criterion in ("delta_cfi", "chisq", "either"):
        assert _fit(case, criterion=criterion).verdict is verdict


def test_the_criterion_decides_between_chisq_and_delta_cfi() -> None:
    """bfi openness by education: loadings differ by the chi-square test (p = 0.005), not by CFI (-0.014 < -0.01
    too, so both agree there); agreeableness by gender: intercepts differ by both."""
    case = CASES[1]
    by_cfi, by_chisq = _fit(case), _fit(case, criterion="chisq")
    assert by_chisq.verdict is InvarianceVerdict.LOADINGS_DIFFER
    m = by_cfi.metric_vs_configural
    assert m is not None and (m.delta_cfi >= -0.01) is m.holds
    assert _fit(CASES[0], criterion="either").verdict is InvarianceVerdict.INTERCEPTS_DIFFER
    lenient = _fit(case, max_cfi_drop=0.05)
    assert lenient.verdict is InvarianceVerdict.ALIKE


def test_the_discrepancy_at_lavaans_estimates_is_lavaans_chisq() -> None:
    """The same model and function, not only the same optimum: F at lavaan's estimates gives lavaan's chi-square."""
    case = CASES[1]
    x, g, order = _data(case)
    ok = ~np.isnan(x).any(axis=1)
    gm = _group_moments(x[ok], np.array([order.index(v) for v in g[ok]]), len(order))
    logdet_s = np.array([np.linalg.slogdet(s)[1] for s in gm.cov])
    for model in ("configural", "metric", "scalar"):
        e = case["value"]["models"][model]
        lay = _cfa.layout(len(order), x.shape[1], model)
        theirs = np.zeros(lay.n_free)
        for idx, name in ((lay.lam, "loadings"), (lay.theta, "residual_variances"), (lay.nu, "intercepts")):
            theirs[idx[idx >= 0]] = np.asarray(e[name], dtype=float)[idx >= 0]
        for idx, name in ((lay.phi, "factor_variances"), (lay.alpha, "factor_means")):
            theirs[idx[idx >= 0]] = np.asarray(e[name], dtype=float)[idx >= 0]
        f, _ = _cfa.objective(theirs, lay, gm, logdet_s)
        close(f * gm.n.sum(), e["chisq"], rel=1e-10)


def test_warm_starts_reach_the_cold_starts_optimum_and_a_stall_in_rounding_is_converged() -> None:
    """Each model starts from the less constrained one's estimates and ends where a cold start ends. The data are
    a case where the scalar model's Newton steps used to stop with the gradient at 1.5e-8 (F's rounding hid every
    further descent), so the dimension was reported as not estimable."""
    rng = np.random.default_rng(1)
    x = np.clip(np.rint(3 + 0.8 * rng.normal(size=1000)[:, None] + rng.normal(0, 0.7, (1000, 5))), 1, 5)
    groups = rng.integers(0, 2, 1000)
    result = measurement_invariance(x, groups)
    assert result.verdict is InvarianceVerdict.ALIKE
    gm = _group_moments(x, groups, 2)
    previous = None
    for model, fitted in (("configural", result.configural), ("metric", result.metric), ("scalar", result.scalar)):
        cold = _cfa.fit(gm, model)
        warm = _cfa.fit(gm, model, previous)
        previous = warm.params
        assert cold.converged and warm.converged
        close(warm.chisq, cold.chisq, rel=1e-9)
        close(fitted.chisq, cold.chisq, rel=1e-9)


def test_by_dimension_keys_the_reverse_items_and_fits_each_dimension() -> None:
    g = load_csv("bfi")["gender"].astype(int)
    results = invariance_by_dimension(bfi_items(), scale=bfi_scale(), groups=g)
    assert len(results) == 5
    agree = results[0]
    e = CASES[0]["value"]["models"]["scalar"]
    close(agree.scalar.chisq if agree.scalar else None, e["chisq"], rel=1e-6)


def _small(seed: int = 5, n: int = 200, k: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    eta = rng.normal(size=n)
    x = np.clip(np.rint(3 + 0.8 * eta[:, None] + rng.normal(0, 0.7, (n, k))), 1, 5)
    return x, np.where(np.arange(n) % 4 == 0, "leader", "employee")


def test_a_small_group_is_left_out_and_named() -> None:
    x, g = _small()
    g = g.astype(object)
    g[:12] = "board"
    r = measurement_invariance(x, g)
    assert r.excluded == ("board",) and set(r.groups) == {"employee", "leader"} and r.reason is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [("two_items", MissingReason.TOO_FEW_ITEMS), ("one_group", MissingReason.ONE_GROUP),
     ("small", MissingReason.GROUP_TOO_SMALL), ("constant_item", MissingReason.ZERO_VARIANCE),
     ("duplicate_item", MissingReason.NOT_ESTIMABLE)],
)
def test_data_that_cannot_carry_the_models_give_a_reason(change: str, reason: MissingReason) -> None:
    x, g = _small()
    if change == "two_items":
        x = x[:, :2]
    elif change == "one_group":
        g = np.full(g.shape, "employee")
    elif change == "small":
        g = np.where(np.arange(g.size) < 20, "leader", "employee")
    elif change == "constant_item":
        x[g == "leader", 2] = 3.0
    elif change == "duplicate_item":
        x[:, 3] = x[:, 1]
    r = measurement_invariance(x, g)
    assert r.verdict is InvarianceVerdict.CANNOT_FIT and r.reason is reason
    assert r.configural is None and r.scalar_vs_metric is None


@pytest.mark.parametrize("kwargs", [{"criterion": "aic"}, {"alpha": 0.0}, {"max_cfi_drop": -0.01},
                                    {"min_group_size": 1}, {"group_order": ["leader"]}])
def test_bad_options_raise(kwargs: dict[str, Any]) -> None:
    x, g = _small()
    with pytest.raises(ValueError):
        measurement_invariance(x, g, **kwargs)

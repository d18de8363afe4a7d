"""Reliability against psych::alpha (pairwise covariances), psych::alpha.ci (Feldt) and psych::omega.

Definitions are the same as psych's except where noted in app.stats.reliability: omega's items are not flipped
(all loadings are positive here, so it makes no difference), and psych's optimiser stops slightly before the
minres minimum — we also compare with the precise minimum computed by the R script (``minres_precise``).
"""

import sys

import numpy as np
import pytest

from app.stats import (
    MissingReason,
    cronbach_alpha,
    omega_total,
    reliability,
    reliability_by_dimension,
    reliability_from_cross_products,
    reverse_key,
    summarize,
)
from app.stats.sufficient import CrossProducts
from tests.stats.helpers import BFI_KEYS, bfi_items, bfi_scale, close, load_csv, load_ref, value

REF = load_ref("reliability")


def keyed(d: int) -> np.ndarray:
    scale = bfi_scale()
    idx = scale.items_of(d)
    return reverse_key(bfi_items()[:, idx], reverse=scale.reverse[idx], scale_min=1, scale_max=6)


@pytest.mark.parametrize("d, dim", list(enumerate(BFI_KEYS)))
def test_bfi_matches_psych(d: int, dim: str) -> None:
    ref = REF[dim]
    r = reliability(keyed(d))
    assert r.n_respondents == ref["n_rows"]
    assert r.alpha.value is not None and r.alpha.ci is not None
    close(r.alpha.value, value(ref["raw_alpha"]))
    close([r.alpha.ci.low, r.alpha.ci.high], [value(ref["feldt"])["lower"], value(ref["feldt"])["upper"]])
    close(r.item_total_correlation, value(ref["r_drop"]))
    close(r.alpha_if_deleted, value(ref["alpha_drop"]))
    precise = value(ref["minres_precise"])
    close(r.omega_total.value, precise["omega_tot"], rel=1e-8)
    close(r.loadings, precise["loadings"], rel=1e-6)
    close(r.omega_total.value, value(ref["omega_tot"]), rel=1e-6)  # psych::omega itself
    close(r.loadings, value(ref["loadings"]), rel=1e-4)  # psych::fa, whose optimiser stops a bit early
    assert r.item_reasons == (None,) * 5


def test_lq2002_leadership_matches_psych() -> None:
    lq = load_csv("lq2002")
    x = np.column_stack([lq[f"LEAD{i:02d}"] for i in range(1, 12)])
    ref = REF["lq2002_lead"]
    r = reliability(x)
    assert r.alpha.ci is not None
    close(r.alpha.value, value(ref["raw_alpha"]))
    close([r.alpha.ci.low, r.alpha.ci.high], [value(ref["feldt"])["lower"], value(ref["feldt"])["upper"]])
    close(r.item_total_correlation, value(ref["r_drop"]))
    close(r.alpha_if_deleted, value(ref["alpha_drop"]))
    close(r.omega_total.value, value(ref["minres_precise"])["omega_tot"], rel=1e-8)
    close(r.omega_total.value, value(ref["omega_tot"]), rel=1e-6)


def test_summary_and_by_dimension_paths_agree() -> None:
    x = bfi_items()
    summary = summarize(x, scale=bfi_scale(), groups=np.zeros(x.shape[0], dtype=int))
    by_dim = reliability_by_dimension(x, scale=bfi_scale())
    for d in range(5):
        direct = reliability(keyed(d))
        for other in (summary.reliability(d), by_dim[d]):
            close(other.alpha.value, direct.alpha.value, rel=1e-12)
            close(other.item_total_correlation, direct.item_total_correlation, rel=1e-10)
            close(other.omega_total.value, direct.omega_total.value, rel=1e-9)
    assert cronbach_alpha(keyed(0)).value == reliability(keyed(0)).alpha.value
    assert omega_total(keyed(0)).value == reliability(keyed(0)).omega_total.value


def test_too_few_items() -> None:
    one = reliability(np.array([[1.0], [2.0], [3.0]]))
    assert one.alpha.value is None and one.alpha.reason is MissingReason.TOO_FEW_ITEMS
    two = reliability(np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 4.0], [5.0, 4.0]]))
    assert two.alpha.value is not None
    assert two.omega_total.reason is MissingReason.TOO_FEW_ITEMS
    assert two.item_reasons == (MissingReason.TOO_FEW_ITEMS,) * 2 and np.isnan(two.alpha_if_deleted).all()
    assert not np.isnan(two.item_total_correlation).any()


def test_too_few_respondents() -> None:
    r = reliability(np.array([[1.0, 2.0, 3.0], [np.nan, np.nan, np.nan]]))
    assert r.n_respondents == 1 and r.alpha.reason is MissingReason.N_BELOW_2
    pair_missing = reliability(np.array([[1.0, np.nan, 3.0], [2.0, np.nan, 3.0], [np.nan, 4.0, 5.0]]))
    assert pair_missing.alpha.reason is MissingReason.N_BELOW_2


def test_zero_variance() -> None:
    flat = reliability(np.full((5, 3), 4.0))
    assert flat.alpha.reason is MissingReason.ZERO_VARIANCE and flat.omega_total.reason is MissingReason.ZERO_VARIANCE
    x = np.array([[1, 2, 3], [2, 3, 3], [4, 4, 3], [5, 4, 3.0]])
    r = reliability(x)
    assert r.alpha.value is not None
    assert r.item_reasons[2] is MissingReason.ZERO_VARIANCE and np.isnan(r.item_total_correlation[2])
    assert r.omega_total.reason is MissingReason.ZERO_VARIANCE


def test_sufficient_statistics_are_shift_invariant() -> None:
    x = keyed(0)
    a = reliability_from_cross_products(CrossProducts.from_items(x))
    b = reliability_from_cross_products(CrossProducts.from_items(x + 100.0))
    close(a.alpha.value, b.alpha.value, rel=1e-12)
    close(a.omega_total.value, b.omega_total.value, rel=1e-9)


def test_bad_input_raises() -> None:
    with pytest.raises(ValueError):
        reliability(np.ones(3))
    with pytest.raises(ValueError):
        reliability(np.ones((3, 3)), level=0)


def test_an_item_nobody_answered() -> None:
    r = reliability(np.array([[1, np.nan, 3], [2, np.nan, 4], [3, np.nan, 4.0]]))
    assert r.alpha.reason is MissingReason.N_BELOW_2  # its pairs have no respondents


def test_a_nearly_singular_correlation_matrix_neither_warns_nor_fails() -> None:
    """Five respondents on five items (a small team) give a singular correlation matrix; omega is still fitted
    from a neutral start, with no LinAlgWarning (warnings are errors in these tests)."""
    # n - 1 = 4 < 5 items: r has rank 4 at most, singular in theory and ill-conditioned in floating point
    items = np.array([[1, 2, 3, 4, 2], [2, 3, 4, 5, 3], [3, 3, 4, 4, 5], [4, 5, 5, 5, 4], [5, 4, 2, 3, 1]], float)
    result = reliability(items)
    assert result.alpha.value is not None
    assert result.omega_total.value is None or 0 <= result.omega_total.value <= 1


def test_omega_is_fitted_on_first_use_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The factor fit behind omega is the costly part: alpha and the item-total figures don't start it, the first
    read of omega or the loadings does, once, with the same result as an eager fit."""
    module = sys.modules["app.stats.reliability"]  # the package's `reliability` function hides the module
    fits = []
    real = module.one_factor_minres
    monkeypatch.setattr(module, "one_factor_minres", lambda r: fits.append(1) or real(r))
    r = reliability(keyed(0))
    assert r.alpha.value is not None and not np.isnan(r.item_total_correlation).any()
    assert fits == []
    omega, loadings = r.omega_total, r.loadings
    assert fits == [1] and r.omega_total is omega and r.loadings is loadings
    close(omega.value, value(REF[next(iter(BFI_KEYS))]["minres_precise"])["omega_tot"], rel=1e-8)


def test_remembered_factor_fit_is_the_fit_and_cannot_be_changed_by_a_caller() -> None:
    """The one-factor fit is remembered per matrix (three reports of a dashboard fit the same ones): a remembered
    answer must equal a fresh fit, and a caller changing the loadings it got must not change the next answer."""
    from app.stats import _factor

    rng = np.random.default_rng(15)
    lam = rng.uniform(0.4, 0.8, 6)
    r = np.outer(lam, lam) + np.diag(1.0 - lam * lam) + np.triu(rng.normal(0.0, 0.02, (6, 6)), 1)
    r = np.triu(r) + np.triu(r, 1).T
    fresh = _factor._fit(r)
    assert fresh is not None
    first = _factor.one_factor_minres(r)
    assert first is not None
    np.testing.assert_array_equal(first, fresh)
    first[:] = 0.0
    again = _factor.one_factor_minres(r.copy())
    assert again is not None
    np.testing.assert_array_equal(again, fresh)

"""Holm and Benjamini-Hochberg against R's p.adjust on a real family: the Welch p-values of every education pair
for every bfi dimension (50 tests), also with two of them missing."""

import numpy as np
import pytest

from app.stats import MissingReason, adjust_pvalues, benjamini_hochberg, compare_groups, holm, summarize
from tests.stats.helpers import bfi_items, bfi_scale, close, load_csv, load_ref, value

REF = load_ref("multitest")


def test_family_from_our_own_comparisons_matches_r() -> None:
    edu = load_csv("bfi")["education"]
    keep = ~np.isnan(edu)
    summary = summarize(bfi_items()[keep], scale=bfi_scale(), groups=edu[keep])
    family = [c.welch.pvalue for d in range(5) for c in compare_groups(summary.score_tables[d])]
    close(np.array(family, dtype=float), REF["pvalues"], rel=1e-6)
    close(np.array(holm(family).adjusted, dtype=float), value(REF["holm"]), rel=1e-6)
    close(np.array(benjamini_hochberg(family).adjusted, dtype=float), value(REF["bh"]), rel=1e-6)


@pytest.mark.parametrize("method, key", [("holm", "holm"), ("bh", "bh"), ("holm", "holm_na"), ("bh", "bh_na")])
def test_p_adjust_matches_r(method: str, key: str) -> None:
    p = REF["pvalues_with_na"] if key.endswith("_na") else REF["pvalues"]
    res = adjust_pvalues(p, method=method)  # type: ignore[arg-type]
    expected = value(REF[key])
    got = [np.nan if v is None else v for v in res.adjusted]
    close(got, [np.nan if v is None else v for v in expected], rel=1e-12)
    assert res.n_tests == sum(v is not None for v in p)


def test_missing_and_empty_families() -> None:
    res = holm([None, float("nan"), 0.2])
    assert res.adjusted == (None, None, 0.2) and res.n_tests == 1
    assert res.reasons == (MissingReason.ALL_MISSING, MissingReason.ALL_MISSING, None)
    assert benjamini_hochberg([]).adjusted == ()
    assert holm(np.array([0.01, 0.5])).adjusted == (0.02, 0.5)
    with pytest.raises(ValueError):
        holm([1.5])
    with pytest.raises(ValueError):
        adjust_pvalues([0.1], method="bonferroni")  # type: ignore[arg-type]

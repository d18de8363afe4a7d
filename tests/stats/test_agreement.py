"""rwg, rwg(j), ICC(1), ICC(2) against Bliese's multilevel package (rwg, rwg.j, ICC1, ICC2 on aov)."""

from typing import Any

import numpy as np
import pytest

from app.stats import GroupAgreement, ItemCounts, MissingReason, Moments, icc, icc_from_moments, rwg, rwg_j, summarize
from tests.stats.helpers import bfi_items, bfi_scale, close, load_csv, load_ref, value

REF = load_ref("agreement")
LQ = load_csv("lq2002")
LEAD = np.column_stack([LQ[f"LEAD{i:02d}"] for i in range(1, 12)])
TSIG = np.column_stack([LQ[f"TSIG{i:02d}"] for i in range(1, 4)])
BFI = load_csv("bfi")
HAS_EDU = ~np.isnan(BFI["education"])


def check(res: GroupAgreement, ref: dict[str, Any], key: str) -> None:
    assert res.labels.tolist() == ref["grpid"]
    assert res.n.tolist() == ref["gsize"]
    close(res.rwg, ref[key])
    assert res.reasons == (None,) * len(ref["grpid"])


def test_rwg_j_lq2002_matches_multilevel() -> None:
    check(rwg_j(LEAD, LQ["COMPID"], null_variance=2.0), value(REF["lq_lead_rwg_j"]), "rwg_j")
    check(rwg_j(TSIG, LQ["COMPID"], null_variance=2.0), value(REF["lq_tsig_rwg_j"]), "rwg_j")


def test_rwg_lq2002_matches_multilevel_including_truncation() -> None:
    check(rwg(LQ["LEAD01"], LQ["COMPID"], null_variance=2.0), value(REF["lq_lead01_rwg"]), "rwg")
    # with ranvar = 1 some companies vary more than the null: multilevel truncates them to 0, and so do we
    res = rwg(LQ["LEAD01"], LQ["COMPID"], null_variance=1.0)
    ref = value(REF["lq_lead01_rwg_ranvar1"])
    check(res, ref, "rwg")
    assert (np.array(ref["rwg"]) == 0).any()
    assert (res.mean_variance[res.rwg == 0] > 1.0).all()
    res = rwg_j(TSIG, LQ["COMPID"], null_variance=1.0)
    ref = value(REF["lq_tsig_rwg_j_ranvar1"])
    check(res, ref, "rwg_j")
    assert (np.array(ref["rwg_j"]) == 0).any()


def test_rwg_j_with_missing_answers_listwise_and_available() -> None:
    scale = bfi_scale()
    x, g = bfi_items()[HAS_EDU][:, scale.items_of(0)], BFI["education"][HAS_EDU]
    check(rwg_j(x, g, null_variance=scale.null_variance), value(REF["bfi_agree_rwg_j_listwise"]), "rwg_j")
    close(rwg_j(x, g, null_variance=scale.null_variance, missing="available").rwg,
          value(REF["bfi_agree_rwg_j_available"]))
    check(rwg(BFI["A2"][HAS_EDU], g, null_variance=35 / 12), value(REF["bfi_A2_rwg"]), "rwg")
    # the same from the one-pass summary (item counts with the listwise flag)
    summary = summarize(bfi_items()[HAS_EDU], scale=scale, groups=g)
    close(summary.agreement(0).rwg, value(REF["bfi_agree_rwg_j_listwise"])["rwg_j"])
    close(summary.agreement(0, missing="available").rwg, value(REF["bfi_agree_rwg_j_available"]))
    counts = ItemCounts.from_answers(bfi_items()[HAS_EDU], g, scale_min=1, scale_max=6,
                                     item_dimension=scale.item_dimension)
    np.testing.assert_array_equal(counts.complete_counts, summary.item_counts.complete_counts)


@pytest.mark.parametrize("key, column", [("bh_wbeing_icc", "WBEING"), ("bh_hrs_icc", "HRS")])
def test_icc_bh1996_matches_multilevel(key: str, column: str) -> None:
    bh = load_csv("bh1996")
    res = icc(bh[column], bh["GRP"])
    close(res.icc1.value, value(REF[key])["icc1"])
    close(res.icc2.value, value(REF[key])["icc2"])
    assert res.n_groups == 99 and res.n == bh["GRP"].shape[0]


def test_icc1_matches_the_published_value() -> None:
    bh = load_csv("bh1996")
    published = REF["bh_wbeing_icc1_published"]["value"]  # 0.04336905, printed to 7 significant digits
    assert abs(icc(bh["WBEING"], bh["GRP"]).icc1.value - published) < 5e-9


def test_icc_lq2002_and_bfi_match_multilevel() -> None:
    res = icc(LEAD.mean(axis=1), LQ["COMPID"])
    close([res.icc1.value, res.icc2.value], [value(REF["lq_lead_icc"])[k] for k in ("icc1", "icc2")])
    summary = summarize(bfi_items()[HAS_EDU], scale=bfi_scale(), groups=BFI["education"][HAS_EDU])
    ref = value(REF["bfi_agree_icc"])
    for r in (summary.icc(0), icc(summary.scores.scores[:, 0], BFI["education"][HAS_EDU])):
        close([r.icc1.value, r.icc2.value], [ref["icc1"], ref["icc2"]])


def test_icc_from_database_sums() -> None:
    y, g = LEAD.mean(axis=1), LQ["COMPID"].astype(int)
    c = y - 3.0
    m = Moments.from_sums(np.bincount(g), np.bincount(g, weights=c), np.bincount(g, weights=c * c), shift=3.0)
    res = icc_from_moments(m)  # empty company numbers (n = 0) are ignored, as aov never sees them
    close([res.icc1.value, res.icc2.value], [value(REF["lq_lead_icc"])[k] for k in ("icc1", "icc2")], rel=1e-9)


def test_rwg_edge_cases_say_why() -> None:
    res = rwg_j(np.array([[1, 2], [1, 2], [5, 1], [3, 3.0]]), ["a", "a", "b", "c"], null_variance=2.0)
    assert res.reasons == (None, MissingReason.N_BELOW_2, MissingReason.N_BELOW_2)
    assert res.rwg[0] == 1.0 and np.isnan(res.rwg[1])  # full agreement (zero variance) is rwg = 1, a figure
    listwise = rwg_j(np.array([[1, np.nan], [2, 2], [3, 3.0]]), ["a", "a", "b"], null_variance=2.0)
    assert listwise.reasons == (MissingReason.N_BELOW_2, MissingReason.N_BELOW_2)
    single = rwg([1.0, 5.0, 1.0, 5.0, np.nan], [0, 0, 0, 0, 1], null_variance=2.0)
    assert single.rwg[0] == 0.0  # variance 5.33 > 2: truncated to 0, as multilevel does
    assert single.reasons[1] is MissingReason.ALL_MISSING
    with pytest.raises(ValueError):
        rwg([1.0, 2.0], [0, 0], null_variance=0.0)
    with pytest.raises(ValueError):
        rwg_j(np.ones((2, 2)), [0, 0], null_variance=2.0, missing="pairwise")  # type: ignore[arg-type]


def test_icc_edge_cases_say_why() -> None:
    one = icc([1.0, 2.0, 3.0], [0, 0, 0])
    assert one.icc1.reason is MissingReason.ONE_GROUP and one.f_test.reason is MissingReason.ONE_GROUP
    singletons = icc([1.0, 2.0, 3.0], [0, 1, 2])
    assert singletons.icc1.reason is MissingReason.N_BELOW_2
    flat = icc([2.0, 2.0, 2.0, 2.0], [0, 0, 1, 1])
    assert flat.icc1.reason is MissingReason.ZERO_VARIANCE and flat.icc2.reason is MissingReason.ZERO_VARIANCE
    no_between = icc([1.0, 3.0, 1.0, 3.0], [0, 0, 1, 1])
    assert no_between.icc1.value == pytest.approx(-1.0)  # -1 / (kbar - 1) with kbar = 2
    assert no_between.icc2.reason is MissingReason.ZERO_VARIANCE
    no_within = icc([1.0, 1.0, 3.0, 3.0], [0, 0, 1, 1])
    assert no_within.icc1.value == 1.0 and no_within.f_test.reason is MissingReason.ZERO_VARIANCE
    assert icc([np.nan, np.nan], [0, 1]).icc1.reason is MissingReason.ONE_GROUP

"""Descriptives per group against R (length/mean/sd/t.test on bfi scale scores by education; table())."""

import numpy as np
import pytest

from app.stats import (
    FrequencyTable,
    ItemCounts,
    MissingReason,
    Moments,
    describe,
    favourable_shares,
    item_distribution,
    scale_scores,
    summarize,
)
from tests.stats.helpers import bfi_items, bfi_scale, close, load_csv, load_ref, value

REF = load_ref("descriptives")
EDU = load_csv("bfi")["education"]
HAS_EDU = ~np.isnan(EDU)


@pytest.mark.parametrize("d, dim", [(0, "agree"), (1, "conscientious")])
def test_describe_matches_r(d: int, dim: str) -> None:
    scores = scale_scores(bfi_items(), scale=bfi_scale()).scores[:, d]
    res = describe(scores[HAS_EDU], EDU[HAS_EDU])
    rows = value(REF[dim])
    assert res.labels.tolist() == [r["education"] for r in rows]
    assert res.n.tolist() == [r["n"] for r in rows]
    close(res.mean, [r["mean"] for r in rows])
    close(res.sd, [r["sd"] for r in rows])
    close(res.ci_low, [r["ci_low"] for r in rows])
    close(res.ci_high, [r["ci_high"] for r in rows])
    assert res.reasons == (None,) * 5
    ci = res.ci(0)
    assert ci is not None and ci.level == 0.95


@pytest.mark.parametrize("d, dim", [(0, "agree"), (1, "conscientious")])
def test_describe_from_summaries_is_the_same(d: int, dim: str) -> None:
    scores = scale_scores(bfi_items(), scale=bfi_scale()).scores[HAS_EDU, d]
    raw = describe(scores, EDU[HAS_EDU])
    table = describe(FrequencyTable.from_values(scores, EDU[HAS_EDU]))
    ok = ~np.isnan(scores)
    g = EDU[HAS_EDU][ok]
    sums = [np.bincount(g.astype(int), weights=w)[1:] for w in (np.ones(ok.sum()), scores[ok] - 3.5,
                                                               (scores[ok] - 3.5) ** 2)]
    db = describe(Moments.from_sums(*sums, shift=3.5, labels=[1, 2, 3, 4, 5]))  # as a database would give them
    for other in (table, db):
        close(other.mean, raw.mean, rel=1e-12)
        close(other.sd, raw.sd, rel=1e-10)
        close(other.ci_high, raw.ci_high, rel=1e-10)


@pytest.mark.parametrize("d, dim", [(0, "agree"), (1, "conscientious")])
def test_favourable_shares_match_r(d: int, dim: str) -> None:
    counts = ItemCounts.from_answers(bfi_items()[HAS_EDU], EDU[HAS_EDU], scale_min=1, scale_max=6)
    shares = favourable_shares(counts, scale=bfi_scale())
    ref = value(REF[f"{dim}_shares"])
    assert shares.n_answers[:, d].tolist() == ref["n_answers"]
    close(shares.favourable[:, d], ref["favourable"])
    close(shares.unfavourable[:, d], ref["unfavourable"])
    summary = summarize(bfi_items()[HAS_EDU], scale=bfi_scale(), groups=EDU[HAS_EDU])
    close(summary.favourable().favourable[:, d], ref["favourable"])


def test_item_distribution_matches_r_table() -> None:
    counts = ItemCounts.from_answers(bfi_items()[HAS_EDU], EDU[HAS_EDU], scale_min=1, scale_max=6)
    dist = item_distribution(counts, scale=bfi_scale())
    ref = value(REF["item_distribution"])
    for j, item in enumerate(ref):
        np.testing.assert_array_equal(dist.counts[:, j, :], np.array(ref[item]))
    close(dist.shares.sum(axis=2), np.ones((5, 25)))
    # A1 is reverse keyed: its favourable answers are the raw 1 and 2
    close(dist.favourable[:, 0], dist.shares[:, 0, :2].sum(axis=1))
    close(dist.favourable[:, 1], dist.shares[:, 1, 4:].sum(axis=1))


def test_small_groups_say_why() -> None:
    res = describe([1.0, 2.0, 3.0, 7.0, np.nan], ["a", "a", "a", "b", "c"])
    assert res.reasons == (None, MissingReason.N_BELOW_2, MissingReason.ALL_MISSING)
    assert res.mean[1] == 7.0 and np.isnan(res.sd[1]) and res.ci(1) is None
    assert np.isnan(res.mean[2]) and res.n[2] == 0


def test_zero_variance_gives_zero_width_ci() -> None:
    res = describe([4.0, 4.0, 4.0])
    assert res.reasons == (None,)
    assert res.sd[0] == 0 and res.ci_low[0] == res.ci_high[0] == 4.0


def test_empty_item_shares_are_missing_with_reason() -> None:
    x = np.array([[1.0, np.nan], [5.0, np.nan]])
    from app.stats import Scale

    scale = Scale.from_items(["a", "b"], scale_min=1, scale_max=5)
    dist = item_distribution(ItemCounts.from_answers(x, scale_min=1, scale_max=5), scale=scale)
    assert dist.reason(0, 1) is MissingReason.ALL_MISSING and np.isnan(dist.favourable[0, 1])
    assert dist.reason(0, 0) is None and dist.favourable[0, 0] == 0.5
    shares = favourable_shares(ItemCounts.from_answers(x, scale_min=1, scale_max=5), scale=scale)
    assert shares.reason(0, 1) is MissingReason.ALL_MISSING
    with pytest.raises(ValueError):
        favourable_shares(ItemCounts.from_answers(x, scale_min=1, scale_max=5), scale=scale, n_top=3)


def test_bad_input_raises() -> None:
    with pytest.raises(ValueError):
        describe([1.0, 2.0], ["a"])
    with pytest.raises(ValueError):
        describe([1.0, 2.0], level=1.5)
    with pytest.raises(ValueError):
        describe([1.0, 2.0], np.array([None, "a"], dtype=object))


def test_sufficient_statistics_reject_bad_input() -> None:
    with pytest.raises(ValueError):
        Moments.from_sums([2, -1], [1.0, 2.0], [1.0, 4.0])
    with pytest.raises(ValueError):
        Moments.from_sums([2, 1], [1.0], [1.0, 4.0])
    with pytest.raises(ValueError):
        ItemCounts.from_answers(np.array([[7.0]]), scale_min=1, scale_max=5)
    m = Moments.from_values([1.0, 2.0, 3.0], [0, 0, 1])
    with pytest.raises(ValueError):
        m.regroup([0, -1])
    merged = m.total()
    assert merged.n.tolist() == [3.0] and merged.mean[0] == 2.0 and merged.ss[0] == pytest.approx(2.0)

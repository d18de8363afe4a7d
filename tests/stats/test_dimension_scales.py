"""A Scale whose dimensions have their own ranges (1..5 and 0..4, and 1..7): reverse keying, scale scores,
favourable cut-offs and rwg(j)'s null variance follow each dimension; rwg(j) is checked against
``multilevel::rwg.j`` with ``ranvar`` set per dimension (reference/make_dimension_scales_reference.R)."""

import csv
import gzip

import numpy as np
import pytest

from app.stats import Scale, favourable_shares, item_distribution, rwg_j, scale_scores, summarize
from app.stats.sufficient import ItemCounts
from tests.stats.helpers import REFERENCE, load_ref

ITEMS = ["sharing_1", "sharing_2", "sharing_3", "trying_1", "trying_2"]


def mixed() -> Scale:
    return Scale.from_items(["sharing"] * 3 + ["trying"] * 2, scale_min=1, scale_max=5,
                            reverse=[False, True, False, False, True], ranges={"trying": (0, 4)})


def reference_rows() -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(REFERENCE / "dimension_scales.csv.gz", "rt", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return np.array([[float(r[k]) for k in ITEMS] for r in rows]), np.array([r["unit"] for r in rows])


def test_each_dimension_keeps_its_range():
    s = mixed()
    assert not s.uniform and (s.scale_min, s.scale_max, s.n_options) == (0, 5, 6)  # the envelope
    assert s.dimension_min.tolist() == [1, 0] and s.dimension_max.tolist() == [5, 4]
    assert s.item_min.tolist() == [1, 1, 1, 0, 0] and s.item_max.tolist() == [5, 5, 5, 4, 4]
    assert [s.options_of(d) for d in (0, 1)] == [5, 5] and s.null_variance_of(1) == 2.0
    with pytest.raises(ValueError, match="different ranges"):
        _ = s.null_variance
    assert Scale.from_items(["a", "b"], scale_min=1, scale_max=5).uniform
    with pytest.raises(ValueError, match="no items"):
        Scale.from_items(["a"], scale_min=1, scale_max=5, ranges={"b": (0, 4)})
    with pytest.raises(ValueError, match="scale_max > scale_min"):
        Scale.from_items(["a"], scale_min=1, scale_max=5, ranges={"a": (3, 3)})


def test_reverse_keying_and_scores_on_the_dimensions_own_range():
    s = mixed()
    x = np.array([[5, 1, 4, 0, 4], [1, 5, 2, 4, 0], [3, np.nan, 3, 2, np.nan]])
    keyed = s.reverse_key(x)
    np.testing.assert_array_equal(keyed[:, 1], [5, 1, np.nan])  # 6 - x on 1..5
    np.testing.assert_array_equal(keyed[:, 4], [0, 4, np.nan])  # 4 - x on 0..4 (not 6 - x)
    scores = scale_scores(x, scale=s).scores
    np.testing.assert_allclose(scores, [[14 / 3, 0.0], [4 / 3, 4.0], [3.0, 2.0]])
    summary = summarize(x, scale=s, groups=[0, 0, 0])  # the one-pass summary agrees
    np.testing.assert_allclose(summary.scores.scores, scores)
    np.testing.assert_allclose(summary.descriptives(1).mean, [2.0])
    with pytest.raises(ValueError, match=r"0\.\.4"):
        scale_scores([[1, 1, 1, 5, 0]], scale=s)  # 5 is on the envelope, not on trying's scale
    with pytest.raises(ValueError, match="'trying'"):
        summarize([[1, 1, 1, 5, 0]], scale=s, groups=[0])
    with pytest.raises(ValueError):
        summarize([[0, 1, 1, 1, 0]], scale=s, groups=[0])  # 0 is below sharing's scale


def test_favourable_cut_offs_follow_each_dimension():
    s = Scale.from_items(["a", "a", "b", "b"], scale_min=1, scale_max=7, reverse=[False, True, False, True],
                         ranges={"b": (0, 4)})
    x = np.array([[7, 1, 4, 0], [6, 2, 3, 1], [5, 3, 2, 2], [1, 7, 0, 4]], dtype=float)
    counts = ItemCounts.from_answers(x, scale_min=0, scale_max=7)
    shares = favourable_shares(counts, scale=s, n_top=[2, 2])
    # a (1..7): favourable keyed 6, 7 -> raw 6, 7 (item 1) and raw 1, 2 (reverse item 2); b (0..4): keyed 3, 4
    assert shares.favourable[0].tolist() == pytest.approx([4 / 8, 4 / 8])
    assert shares.unfavourable[0].tolist() == pytest.approx([2 / 8, 2 / 8])  # a: keyed 1, 2; b: keyed 0, 1
    dist = item_distribution(counts, scale=s, n_top=[3, 1])
    assert dist.favourable[0].tolist() == pytest.approx([3 / 4, 3 / 4, 1 / 4, 1 / 4])
    with pytest.raises(ValueError, match="'b'"):
        favourable_shares(counts, scale=s, n_top=[2, 3])  # 3 of 5 options is more than half


def test_rwg_j_per_dimension_is_multilevel_rwg_j_with_its_own_ranvar():
    ref = load_ref("dimension_scales")
    x, units = reference_rows()
    s = mixed()
    summary = summarize(x, scale=s, groups=units)
    labels = summary.labels.tolist()
    for d, key in enumerate(("sharing", "trying")):
        got = summary.agreement(d)
        for unit, want in ref["rwg_j"][key].items():
            assert got.rwg[labels.index(unit)] == pytest.approx(want, rel=1e-12)
        assert got.null_variance == ref["ranvar"][key]
    # the same as rwg_j on the keyed items with the dimension's null variance, and not the envelope's
    keyed = s.reverse_key(x)
    direct = rwg_j(keyed[:, 3:], units, null_variance=s.null_variance_of(1))
    np.testing.assert_allclose(direct.rwg, summary.agreement(1).rwg, rtol=1e-12)
    wrong = ref["rwg_j_envelope_wrong"]["trying"]
    assert all(abs(summary.agreement(1).rwg[labels.index(u)] - w) > 0.05 for u, w in wrong.items())

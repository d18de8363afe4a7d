"""Reverse keying and scale scores against R (psych::reverse.code, psych::scoreItems, rowMeans)."""

import numpy as np
import pytest

from app.stats import MissingReason, Scale, reverse_key, scale_scores, summarize
from tests.stats.helpers import BFI_KEYS, bfi_items, bfi_scale, close, load_csv, load_ref, value

REF = load_ref("scales")


def test_reverse_key_matches_psych_reverse_code() -> None:
    a1 = load_csv("bfi")["A1"][:20]
    close(reverse_key(a1, reverse=True, scale_min=1, scale_max=6), value(REF["reverse_code_A1_first20"]))


@pytest.mark.parametrize("d, dim", list(enumerate(BFI_KEYS)))
def test_scale_scores_match_score_items(d: int, dim: str) -> None:
    # psych::scoreItems(impute = "none") averages the answered items, like min_share = 0 here.
    s = scale_scores(bfi_items(), scale=bfi_scale(), min_share=0.0)
    close(s.scores[:200, d], value(REF[dim]["scoreItems_first200"]))
    close(np.nansum(s.scores[:, d]), value(REF[dim]["scoreItems_sum"]), rel=1e-12)
    close(np.nansum(s.scores[:, d]), REF[dim]["rowMeans_min_share_0"]["sum"], rel=1e-12)
    assert s.valid[:, d].sum() == REF[dim]["rowMeans_min_share_0"]["n_valid"]


@pytest.mark.parametrize("d, dim", list(enumerate(BFI_KEYS)))
def test_min_share_rules_match_r(d: int, dim: str) -> None:
    half = scale_scores(bfi_items(), scale=bfi_scale())  # default: at least half (3 of 5) answered
    ref = value(REF[dim]["half"])
    assert half.valid[:, d].sum() == ref["n_valid"]
    close(np.nansum(half.scores[:, d]), ref["sum"], rel=1e-12)
    close(np.nansum(half.scores[:, d] ** 2), ref["sumsq"], rel=1e-12)
    assert (np.flatnonzero(~half.valid[:, d]) + 1).tolist() == list(np.atleast_1d(ref["na_rows"]))
    full = scale_scores(bfi_items(), scale=bfi_scale(), min_share=1.0)
    ref = value(REF[dim]["complete"])
    assert full.valid[:, d].sum() == ref["n_valid"]
    close(np.nansum(full.scores[:, d]), ref["sum"], rel=1e-12)
    assert (np.flatnonzero(~full.valid[:, d])[:50] + 1).tolist() == ref["na_rows_first50"]


def test_summarize_gives_the_same_scores() -> None:
    x = bfi_items()
    direct = scale_scores(x, scale=bfi_scale())
    summary = summarize(x.astype(np.float32), scale=bfi_scale(), groups=np.zeros(x.shape[0], dtype=int))
    np.testing.assert_array_equal(summary.scores.scores, direct.scores)
    np.testing.assert_array_equal(summary.scores.n_answered, direct.n_answered)


def test_reverse_key_twice_is_identity_and_keeps_nan() -> None:
    x = np.array([[1.0, np.nan, 5.0], [2.0, 3.0, np.nan]])
    once = reverse_key(x, reverse=[True, True, False], scale_min=1, scale_max=5)
    assert once[0, 0] == 5.0 and np.isnan(once[0, 1]) and once[0, 2] == 5.0
    np.testing.assert_array_equal(reverse_key(once, reverse=[True, True, False], scale_min=1, scale_max=5), x)


def test_missing_scores_say_why() -> None:
    scale = Scale.from_items(["a", "a", "a", "a", "b"], scale_min=1, scale_max=5)
    x = np.array([[1, 2, np.nan, np.nan, np.nan], [1, np.nan, np.nan, np.nan, 3], [2, 2, 2, 2, 2.0]])
    s = scale_scores(x, scale=scale)
    assert s.scores[0, 0] == 1.5  # 2 of 4 answered = half: enough
    assert s.reason(0, 0) is None
    assert np.isnan(s.scores[0, 1]) and s.reason(0, 1) is MissingReason.ALL_MISSING
    assert np.isnan(s.scores[1, 0]) and s.reason(1, 0) is MissingReason.TOO_FEW_ANSWERED
    assert s.scores[1, 1] == 3.0
    assert s.dimensions == ("a", "b")


def test_all_missing_matrix() -> None:
    scale = Scale.from_items(["a", "a"], scale_min=1, scale_max=5)
    s = scale_scores(np.full((3, 2), np.nan), scale=scale)
    assert not s.valid.any() and np.isnan(s.scores).all()
    assert s.reason(2, 0) is MissingReason.ALL_MISSING


@pytest.mark.parametrize(
    "answers",
    [np.array([[0.0, 1.0]]), np.array([[1.5, 1.0]]), np.array([[6.0, 1.0]]), np.ones((2, 3)), np.ones(2),
     np.array([[np.inf, 1.0]])],
)
def test_bad_answers_raise(answers: np.ndarray) -> None:
    scale = Scale.from_items(["a", "a"], scale_min=1, scale_max=5)
    with pytest.raises(ValueError):
        scale_scores(answers, scale=scale)


def test_bad_scales_and_options_raise() -> None:
    with pytest.raises(ValueError):
        Scale.from_items(["a"], scale_min=3, scale_max=3)
    with pytest.raises(ValueError):
        Scale.from_items(["a", "b"], scale_min=1, scale_max=5, reverse=[True])
    with pytest.raises(ValueError):
        Scale.from_items([], scale_min=1, scale_max=5)
    scale = Scale.from_items(["a"], scale_min=1, scale_max=5)
    with pytest.raises(ValueError):
        scale_scores(np.ones((2, 1)), scale=scale, min_share=1.5)
    with pytest.raises(ValueError):
        reverse_key(np.ones((2, 3)), reverse=[True, False], scale_min=1, scale_max=5)


def test_scale_properties() -> None:
    scale = Scale.from_items(["x", "y", "x"], scale_min=1, scale_max=5, reverse=[False, True, False])
    assert scale.n_options == 5 and scale.null_variance == 2.0  # (5^2 - 1) / 12, multilevel's ranvar = 2
    assert scale.items_of(0).tolist() == [0, 2]

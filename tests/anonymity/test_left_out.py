"""Rule 4 of the raw export (`app.responses.export_cells.protect_left_out`): within a group of rows, those who left
out the same written dimensions number 0 or at least k, and of all such choices the one writing the most answers."""

from collections import Counter
from itertools import combinations

import numpy as np
import pytest

from app.responses.export_cells import protect_left_out


def _classes(complete: np.ndarray, written: list[bool]) -> Counter[tuple[bool, ...]]:
    return Counter(tuple(row[np.array(written, dtype=bool)]) for row in complete)


def _answers(complete: np.ndarray, written: list[bool], per_pair: list[int]) -> int:
    return sum(per_pair[p] * int(complete[:, p].sum()) for p, w in enumerate(written) if w)


@pytest.mark.parametrize("seed", range(40))
def test_every_class_holds_k_and_no_other_choice_writes_more(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, pairs, k = int(rng.integers(3, 25)), int(rng.integers(1, 7)), int(rng.integers(2, 6))
    complete = rng.random((rows, pairs)) < rng.uniform(0.5, 1.0)
    allowed = list(rng.random(pairs) < 0.85)
    per_pair = [int(x) for x in rng.integers(1, 6, pairs)]
    written = protect_left_out(complete, allowed, k, per_pair)
    assert all(a or not w for a, w in zip(allowed, written, strict=True))
    assert min(_classes(complete, written).values()) >= min(k, rows) or rows < k
    best = 0
    candidates = [p for p in range(pairs) if allowed[p]]
    for size in range(len(candidates) + 1):
        for chosen in combinations(candidates, size):
            choice = [p in chosen for p in range(pairs)]
            if min(_classes(complete, choice).values()) >= k:
                best = max(best, _answers(complete, choice, per_pair))
    assert _answers(complete, written, per_pair) == (best if rows >= k else 0)


def test_two_who_skipped_openness_take_it_from_the_whole_team() -> None:
    complete = np.array([[True, True]] * 5 + [[False, True]] * 2)
    assert protect_left_out(complete, [True, True], 5, [5, 5]) == [False, True]
    assert protect_left_out(complete, [True, True], 2, [5, 5]) == [True, True]


@pytest.mark.parametrize(("rows", "pairs", "share"), [(200, 12, 0.79), (5000, 12, 0.93), (60, 18, 0.99)])
def test_large_groups_and_many_dimensions_are_protected(rows: int, pairs: int, share: float) -> None:
    """Against every choice by brute force where that is feasible (12 pairs: 4,096 choices)."""
    rng = np.random.default_rng(7)
    complete = rng.random((rows, pairs)) < share
    written = protect_left_out(complete, [True] * pairs, 5, [5] * pairs)
    assert min(_classes(complete, written).values()) >= 5 and any(written)
    if pairs <= 12:
        codes = complete.astype(np.int64) @ (1 << np.arange(pairs))
        best = max(_answers(complete, [bool(c >> p & 1) for p in range(pairs)], [5] * pairs)
                   for c in range(1 << pairs) if min(Counter(codes & c).values()) >= 5)
        assert _answers(complete, written, [5] * pairs) == best

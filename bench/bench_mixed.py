"""Benchmark of the random-intercept layer model: ``python bench/bench_mixed.py`` (``make bench-mixed``).

Data: N respondents (default 100,000) in T teams (default 500) and 5 layers, one scale score each (a mean of five
1..5 answers, so multiples of 0.2), with a team effect (SD 0.35), layer effects and 3% missing scores.

Timed, on one core (BLAS threads pinned to 1 before numpy loads), best of ``--repeats`` runs:

* ``app.stats.layer_mixed_model`` from the raw rows (team x layer table, REML fit, Satterthwaite df of the 5 layer
  means, the 10 pairwise differences and the F test, Holm; and the CR2 cluster-robust check of those 15 estimates);
* the same from the team x layer cell moments (what the database hands over: the fit alone);
* the baseline: Welch's t test (``scipy.stats.ttest_ind(equal_var=False)``) of the same 10 layer pairs on the raw
  rows, the test the reports use today;
* with ``--statsmodels``: ``statsmodels`` ``MixedLM`` (REML) on the same rows, for scale (no Satterthwaite df).

Reports the ratio mixed / Welch. The figures of the fit are also printed, so a run shows it fitted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from itertools import combinations
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # one core: set before numpy (and its BLAS) is imported

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.stats import Moments  # noqa: E402
from app.stats.mixed import layer_mixed_model  # noqa: E402

N_LAYERS = 5


def make_data(n: int, n_teams: int, seed: int = 20261217) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    team = rng.integers(0, n_teams, n)
    layer = rng.choice(N_LAYERS, n, p=[0.7, 0.15, 0.08, 0.05, 0.02])
    effect = np.array([0.0, 0.3, 0.4, 0.5, 0.45])
    latent = 3.2 + rng.normal(0, 0.35, n_teams)[team] + effect[layer] + rng.normal(0, 0.7, n)
    y = np.clip(np.rint(latent * 5) / 5, 1, 5)
    y[rng.random(n) < 0.03] = np.nan
    return y, team, layer


def welch_all_pairs(y: np.ndarray, layer: np.ndarray) -> list[Any]:
    from scipy import stats

    ok = ~np.isnan(y)
    groups = [y[ok & (layer == g)] for g in range(N_LAYERS)]
    return [stats.ttest_ind(groups[a], groups[b], equal_var=False) for a, b in combinations(range(N_LAYERS), 2)]


def statsmodels_fit(y: np.ndarray, team: np.ndarray, layer: np.ndarray) -> Any:
    import statsmodels.api as sm

    ok = ~np.isnan(y)
    x = np.column_stack([np.ones(ok.sum())] + [(layer[ok] == g).astype(float) for g in range(1, N_LAYERS)])
    return sm.MixedLM(y[ok], x, groups=team[ok]).fit(reml=True)


def best(fn: Any, *args: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--teams", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--statsmodels", action="store_true", help="also time statsmodels MixedLM (slow)")
    args = ap.parse_args()
    with contextlib.suppress(AttributeError, OSError):  # one CPU where the OS allows
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    y, team, layer = make_data(args.n, args.teams)
    ok = ~np.isnan(y)
    cells = Moments.from_values(y[ok], team[ok] * N_LAYERS + layer[ok])
    cell_team, cell_layer = cells.labels // N_LAYERS, cells.labels % N_LAYERS

    def mixed_rows() -> Any:
        return layer_mixed_model(y, clusters=team, layers=layer)

    def mixed_cells() -> Any:
        return layer_mixed_model(cells, clusters=cell_team, layers=cell_layer)

    result = mixed_rows()
    t_rows = best(mixed_rows, repeats=args.repeats)
    t_cells = best(mixed_cells, repeats=args.repeats)
    t_welch = best(welch_all_pairs, y, layer, repeats=args.repeats)
    v = result.variance
    print(f"random-intercept layer model: {int(ok.sum()):,} respondents (of {args.n:,}), {args.teams} teams, "
          f"{N_LAYERS} layers, {cells.n_groups} team x layer cells")
    print(f"  fit: between {v.between:.4f}, within {v.within:.4f}, ICC {v.icc:.4f}, design effect "
          f"{v.design_effect:.1f}; layer F = {result.layer_test.statistic:.1f} on ({result.layer_test.df_between:.0f}, "
          f"{result.layer_test.df_within:.1f}) df")
    print(f"  app.stats mixed model from the rows    {t_rows * 1000:8.1f} ms  (best of {args.repeats})")
    print(f"  app.stats mixed model from cell sums   {t_cells * 1000:8.1f} ms")
    print(f"  baseline: Welch t, 10 layer pairs      {t_welch * 1000:8.1f} ms")
    print(f"  ratio mixed (rows) / Welch: {t_rows / t_welch:.2f}; mixed (cells) / Welch: {t_cells / t_welch:.2f}")
    if args.statsmodels:
        t0 = time.perf_counter()
        sm_fit = statsmodels_fit(y, team, layer)
        t_sm = time.perf_counter() - t0
        print(f"  statsmodels MixedLM (REML, no df)      {t_sm * 1000:8.1f} ms  (one run; between "
              f"{float(np.asarray(sm_fit.cov_re)[0, 0]):.4f}, within {sm_fit.scale:.4f})")
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, numpy "
          f"{np.__version__}, load average {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()

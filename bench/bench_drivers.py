"""Benchmark of the driver analysis: ``python bench/bench_drivers.py`` (``make bench-drivers``).

Data: N respondents (default 100,000) x 5 dimension scores and one outcome score, survey-like (means of five 1..5
answers, so multiples of 0.2), correlated predictors, 3% missing per score (complete cases are used).

Timed, on one core (BLAS threads pinned to 1 before numpy loads), best of ``--repeats`` runs:

* ``app.stats.driver_analysis`` point estimate (R², general dominance over the 32 subsets, Johnson's weights),
  ``n_bootstrap=0``;
* the same with ``--bootstrap`` resamples (default 1,000) for the percentile intervals;
* the baseline: one ``numpy.linalg.lstsq`` of the full model (intercept + 5 predictors) on the complete rows;
* the straightforward way: LMG by one ``lstsq`` per subset of predictors on the rows (31 fits), and its bootstrap
  (resampled rows, 31 fits each) timed on ``--naive-resamples`` resamples and scaled to ``--bootstrap``.

Reports ratios against the baseline and checks that both ways give the same weights.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from itertools import combinations
from math import factorial
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # one core: set before numpy (and its BLAS) is imported

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.stats.drivers import driver_analysis  # noqa: E402

P = 5


def make_data(n: int, seed: int = 20261216) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, P))
    x = f @ (np.eye(P) + 0.35 * np.triu(np.ones((P, P)), 1))
    y = x @ np.array([0.45, 0.25, 0.15, 0.2, 0.05]) + rng.normal(0, 1.2, n)
    data = np.column_stack([x, y])
    data = np.clip(np.rint((3.2 + 0.7 * (data - data.mean(0)) / data.std(0)) * 5) / 5, 1, 5)
    data[rng.random(data.shape) < 0.03] = np.nan
    return data[:, :P], data[:, P]


def complete(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = ~np.isnan(np.column_stack([x, y])).any(axis=1)
    return x[ok], y[ok]


def lstsq_full(x: np.ndarray, y: np.ndarray) -> Any:
    return np.linalg.lstsq(np.column_stack([np.ones(x.shape[0]), x]), y, rcond=None)


def naive_lmg(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """LMG by one least-squares fit per subset of predictors on the rows, as an analyst would write it."""
    n, p = x.shape
    tss = float(((y - y.mean()) ** 2).sum())
    r2: dict[tuple[int, ...], float] = {(): 0.0}
    for k in range(1, p + 1):
        for s in combinations(range(p), k):
            design = np.column_stack([np.ones(n), x[:, s]])
            resid = y - design @ np.linalg.lstsq(design, y, rcond=None)[0]
            r2[s] = 1.0 - float(resid @ resid) / tss
    out = np.zeros(p)
    for s, v in r2.items():
        for j in range(p):
            if j not in s:
                w = factorial(len(s)) * factorial(p - len(s) - 1) / factorial(p)
                out[j] += w * (r2[tuple(sorted((*s, j)))] - v)
    return out


def best(fn: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--naive-resamples", type=int, default=5)
    args = ap.parse_args()
    with contextlib.suppress(AttributeError, OSError):  # one CPU where the OS allows
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    x, y = make_data(args.n)
    xc, yc = complete(x, y)
    point = driver_analysis(x, y, n_bootstrap=0)
    t_point = best(lambda: driver_analysis(x, y, n_bootstrap=0), args.repeats)
    boot_repeats = max(1, args.repeats // 2)
    t_boot = best(lambda: driver_analysis(x, y, n_bootstrap=args.bootstrap, seed=1), boot_repeats)
    t_base = best(lambda: lstsq_full(xc, yc), args.repeats)
    lmg_naive = naive_lmg(xc, yc)
    t_naive = best(lambda: naive_lmg(xc, yc), max(1, args.repeats // 2))
    rng = np.random.default_rng(2)
    t0 = time.perf_counter()
    for _ in range(args.naive_resamples):
        idx = rng.integers(0, xc.shape[0], xc.shape[0])
        naive_lmg(xc[idx], yc[idx])
    t_naive_boot = (time.perf_counter() - t0) / args.naive_resamples * args.bootstrap
    res = driver_analysis(x, y, n_bootstrap=args.bootstrap, seed=1)
    diff = float(np.max(np.abs(lmg_naive - point.general_dominance_values()) / np.abs(lmg_naive)))
    print(f"driver analysis: {point.n_respondents:,} complete respondents (of {args.n:,}) x {P} predictors")
    print(f"  R² {point.r_squared.value:.4f}; LMG {np.round(point.general_dominance_values(), 4).tolist()}; "
          f"Johnson {np.round(point.relative_weight_values(), 4).tolist()}")
    print("  95% CI of LMG: " + ", ".join(f"[{e.ci.low:.4f}, {e.ci.high:.4f}]" for e in res.general_dominance
                                          if e.ci is not None))
    print(f"  baseline: one lstsq of the full model        {t_base * 1000:9.1f} ms  (best of {args.repeats})")
    print(f"  point estimate (LMG + Johnson)               {t_point * 1000:9.1f} ms  = "
          f"{t_point / t_base:6.1f}x baseline")
    print(f"  with {args.bootstrap} bootstrap resamples            {t_boot * 1000:9.1f} ms  = "
          f"{t_boot / t_base:6.1f}x baseline (best of {boot_repeats})")
    print(f"  straightforward LMG (31 lstsq on the rows)   {t_naive * 1000:9.1f} ms  = {t_naive / t_base:6.1f}x "
          f"baseline; {t_naive / t_point:.1f}x the point estimate")
    print(f"  straightforward bootstrap, {args.bootstrap} resamples   {t_naive_boot:9.1f} s   = "
          f"{t_naive_boot / t_boot:.0f}x app.stats (extrapolated from {args.naive_resamples})")
    print(f"  largest relative difference of LMG, app.stats vs straightforward: {diff:.1e}")
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, numpy "
          f"{np.__version__}, load average {os.getloadavg()[0]:.2f} (1 min)")


if __name__ == "__main__":
    main()

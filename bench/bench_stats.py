"""Benchmark of app.stats on a synthetic survey: ``python bench/bench_stats.py`` (``--quick`` for a small size).

The work ("the whole set"), on N respondents x 30 items (6 dimensions of 5, 1..5 scale, one reverse-keyed item per
dimension, 3% missing answers), T teams and 5 layers:

1. scale scores of every respondent on every dimension;
2. descriptives per team and per layer for every dimension (n, mean, SD, 95% CI), favourable / unfavourable
   shares per team and layer and dimension, and the answer distribution of every item per team and layer;
3. reliability per dimension (alpha with Feldt CI, omega total, corrected item-total r, alpha if deleted);
4. ICC(1), ICC(2) and rwg(j) per team for every dimension;
5. every layer-against-layer comparison for every dimension (mean difference with CI, Welch t, Mann-Whitney U,
   Hedges' g with CI), Holm-adjusted across the family.

It is timed on one core (BLAS/OpenMP threads pinned to 1 before numpy is imported, and the process pinned to one
CPU where the OS allows), with peak memory from tracemalloc (numpy's allocations during the work, the input
excluded) and the growth of the process's peak RSS (``resource.getrusage`` maxrss). The same work done the
straightforward way (pandas group-by loops over teams and layers with pingouin/scipy per group) runs on a
subsample of whole teams (1/20 of them) and is extrapolated linearly to the full size; both are also timed on that
subsample. The baseline omits omega (pingouin has none) and uses scipy's Mann-Whitney U (pingouin.mwu builds an
n1 x n2 matrix for its effect size, which would not fit in memory at full size): both favour the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"  # one core: set before numpy (and its BLAS) is imported

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import app.stats as st  # noqa: E402

N_ITEMS, N_DIMS, N_LAYERS = 30, 6, 5


def make_data(n: int, n_teams: int, seed: int = 20240601) -> tuple[np.ndarray, np.ndarray, np.ndarray, st.Scale]:
    """Answers (float32, NaN = missing), team and layer labels, and the scale."""
    rng = np.random.default_rng(seed)
    team = rng.integers(0, n_teams, n)
    layer = rng.integers(0, N_LAYERS, n)
    team_eff = rng.normal(0, 0.35, (n_teams, N_DIMS)).astype(np.float32)
    layer_eff = rng.normal(0, 0.2, (N_LAYERS, N_DIMS)).astype(np.float32)
    x = np.empty((n, N_ITEMS), dtype=np.float32)
    per = N_ITEMS // N_DIMS
    for d in range(N_DIMS):
        latent = rng.standard_normal(n, dtype=np.float32) * 0.8 + team_eff[team, d] + layer_eff[layer, d]
        for i in range(per):
            col = d * per + i
            v = np.rint(3.2 + latent + rng.standard_normal(n, dtype=np.float32) * 0.9)
            np.clip(v, 1, 5, out=v)
            x[:, col] = 6 - v if i == per - 1 else v  # the last item of each dimension is reverse keyed
    for start in range(0, n, 100_000):  # in blocks, to keep the generator's temporaries small
        blk = x[start:start + 100_000]
        blk[rng.random(blk.shape, dtype=np.float32) < 0.03] = np.nan
    dims = [f"dim{c // per + 1}" for c in range(N_ITEMS)]
    scale = st.Scale.from_items(dims, scale_min=1, scale_max=5, reverse=[c % per == per - 1 for c in range(N_ITEMS)])
    return x, team, layer, scale


def run_fast(x: np.ndarray, team: np.ndarray, layer: np.ndarray, scale: st.Scale) -> dict[str, Any]:
    """The whole set with app.stats (one pass over the rows, then per-group tables)."""
    cells = st.cross_groups(team, layer)
    summary = st.summarize(x, scale=scale, groups=cells.codes)
    by_team = summary.regroup(cells.cell_levels[0], labels=cells.levels[0])
    by_layer = summary.regroup(cells.cell_levels[1], labels=cells.levels[1])
    out: dict[str, Any] = {"scores": summary.scores}
    for name, s in (("team", by_team), ("layer", by_layer)):
        out[f"descriptives_{name}"] = [s.descriptives(d) for d in range(scale.n_dimensions)]
        out[f"favourable_{name}"] = s.favourable()
        out[f"items_{name}"] = st.item_distribution(s.item_counts, scale=scale)
    out["reliability"] = [summary.reliability(d) for d in range(scale.n_dimensions)]
    out["icc"] = [by_team.icc(d) for d in range(scale.n_dimensions)]
    out["rwg_j"] = [by_team.agreement(d) for d in range(scale.n_dimensions)]
    comparisons = [c for d in range(scale.n_dimensions) for c in by_layer.compare(d)]
    out["comparisons"] = comparisons
    out["holm"] = st.holm([c.welch.pvalue for c in comparisons])
    return out


def run_baseline(x: np.ndarray, team: np.ndarray, layer: np.ndarray, scale: st.Scale) -> dict[str, Any]:
    """The same work the straightforward way: pandas group-by loops, pingouin/scipy per group."""
    import pandas as pd
    import pingouin as pg
    from scipy import stats

    items = [f"i{j}" for j in range(scale.n_items)]
    df = pd.DataFrame(x.astype(np.float64), columns=items)
    df["team"], df["layer"] = team, layer
    dims = list(scale.dimensions)
    keyed_cols: dict[str, list[str]] = {}
    for d, name in enumerate(dims):
        cols = [items[j] for j in scale.items_of(d)]
        keyed = df[cols].copy()
        for j, c in zip(scale.items_of(d), cols, strict=True):
            if scale.reverse[j]:
                keyed[c] = scale.scale_min + scale.scale_max - keyed[c]
        kc = [f"k_{c}" for c in cols]
        df[kc] = keyed.to_numpy()
        keyed_cols[name] = kc
        enough = keyed.notna().sum(axis=1) >= int(np.ceil(0.5 * len(cols)))
        df[name] = keyed.mean(axis=1).where(enough)
    out: dict[str, Any] = {}
    for key in ("team", "layer"):
        rows = []
        for label, sub in df.groupby(key):
            for name in dims:
                v = sub[name].dropna()
                n, mean, sd = len(v), v.mean(), v.std()
                ci = stats.t.interval(0.95, n - 1, loc=mean, scale=sd / np.sqrt(n)) if n > 1 else (np.nan, np.nan)
                answers = sub[keyed_cols[name]].stack().dropna()  # pandas 3 keeps NaN in stack()
                rows.append((label, name, n, mean, sd, *ci, (answers >= 4).mean(), (answers <= 2).mean()))
            for it in items:
                sub[it].value_counts()
        out[key] = rows
    rel = {}
    for name in dims:
        data = df[keyed_cols[name]]
        alpha = pg.cronbach_alpha(data=data)
        drop = [pg.cronbach_alpha(data=data.drop(columns=c))[0] for c in data.columns]
        total = data.sum(axis=1, min_count=1)
        r_drop = [data[c].corr(total - data[c]) for c in data.columns]
        rel[name] = (alpha, drop, r_drop)
    out["reliability"] = rel
    icc, rwg = {}, {}
    for name in dims:
        a = pg.anova(data=df, dv=name, between="team", detailed=True)
        msb, msw = a["MS"].iloc[0], a["MS"].iloc[1]
        kbar = df[name].notna().sum() / df.loc[df[name].notna(), "team"].nunique()
        icc[name] = ((msb - msw) / (msb + (kbar - 1) * msw), (msb - msw) / msb)
        vals = {}
        for label, sub in df.groupby("team"):
            complete = sub[keyed_cols[name]].dropna()
            if len(complete) > 1:
                s2 = min(complete.var().mean(), scale.null_variance) / scale.null_variance
                vals[label] = 5 * (1 - s2) / (5 * (1 - s2) + s2)
        rwg[name] = vals
    out["icc"], out["rwg"] = icc, rwg
    pvals = []
    for name in dims:
        groups = {label: sub[name].dropna().to_numpy() for label, sub in df.groupby("layer")}
        labels = sorted(groups)
        for i, a_ in enumerate(labels):
            for b_ in labels[i + 1:]:
                xa, xb = groups[a_], groups[b_]
                t = pg.ttest(xa, xb, correction=True)
                # scipy's U: pingouin.mwu also forms an n1 x n2 matrix for its effect size (quadratic memory)
                stats.mannwhitneyu(xa, xb, use_continuity=True, method="asymptotic")
                g = pg.compute_effsize(xa, xb, eftype="hedges")
                pg.compute_esci(stat=g, nx=len(xa), ny=len(xb), eftype="hedges")
                pvals.append(float(t["p_val"].iloc[0]) if "p_val" in t else float(t["p-val"].iloc[0]))
    out["holm"] = pg.multicomp(pvals, method="holm")
    return out


def cross_check(fast: dict[str, Any], base: dict[str, Any], scale: st.Scale) -> float:
    """Largest relative difference between the two ways on the figures both compute (team n/mean/SD/CI/shares,
    alpha, ICCs, rwg(j)) — a sanity check that the benchmark compares like with like."""
    diffs: list[float] = []
    dims = list(scale.dimensions)
    for label, name, n, mean, sd, lo, hi, fav, unfav in base["team"]:
        d = dims.index(name)
        res = fast["descriptives_team"][d]
        g = int(np.flatnonzero(res.labels == label)[0])
        shares = fast["favourable_team"]
        ours = [res.n[g], res.mean[g], res.sd[g], res.ci_low[g], res.ci_high[g], shares.favourable[g, d],
                shares.unfavourable[g, d]]
        diffs.extend(abs(a / b - 1) for a, b in zip(ours, [n, mean, sd, lo, hi, fav, unfav], strict=True) if b)
    for d, name in enumerate(dims):
        diffs.append(abs(fast["reliability"][d].alpha.value / base["reliability"][name][0][0] - 1))
        diffs.extend(abs(a / b - 1) for a, b in zip(
            (fast["icc"][d].icc1.value, fast["icc"][d].icc2.value), base["icc"][name], strict=True))
        rwg = fast["rwg_j"][d]
        diffs.extend(abs(rwg.rwg[int(np.flatnonzero(rwg.labels == t)[0])] / v - 1)
                     for t, v in base["rwg"][name].items() if v)
    return float(max(diffs))


def timed(fn: Any, *args: Any, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return times


def peak_memory(fn: Any, *args: Any) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    fn(*args)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"tracemalloc_peak_mb": peak / 2**20, "maxrss_growth_mb": (after - before) / 1024,
            "maxrss_mb": after / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100,000 respondents and 200 teams instead of 1e6 / 2,000")
    ap.add_argument("--repeats", type=int, default=5, help="timed runs of the full set (default 5)")
    ap.add_argument("--baseline-teams", type=int, default=None,
                    help="whole teams in the baseline subsample (default: 1/20 of the teams)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    args = ap.parse_args()
    n, n_teams = (100_000, 200) if args.quick else (1_000_000, 2_000)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    x, team, layer, scale = make_data(n, n_teams)
    run_fast(x[:1000], team[:1000], layer[:1000], scale)  # warm-up: imports, scipy distributions
    memory = peak_memory(run_fast, x, team, layer, scale)
    fast_times = timed(run_fast, x, team, layer, scale, repeats=args.repeats)

    sub_teams = args.baseline_teams or max(1, n_teams // 20)
    keep = team < sub_teams
    xs, ts, ls = x[keep], team[keep], layer[keep]
    factor = n / keep.sum()
    run_baseline(xs[:2000], ts[:2000], ls[:2000], scale)  # warm-up
    base_sub = timed(run_baseline, xs, ts, ls, scale, repeats=1)[0]
    fast_sub = min(timed(run_fast, xs, ts, ls, scale, repeats=3))
    agreement = cross_check(run_fast(xs, ts, ls, scale), run_baseline(xs, ts, ls, scale), scale)
    fast = min(fast_times)
    result = {
        "respondents": n, "items": N_ITEMS, "dimensions": N_DIMS, "teams": n_teams, "layers": N_LAYERS,
        "fast_seconds_min": fast, "fast_seconds_median": statistics.median(fast_times), "fast_seconds_all": fast_times,
        **memory,
        "baseline_subsample_respondents": int(keep.sum()), "baseline_subsample_teams": sub_teams,
        "baseline_subsample_seconds": base_sub, "fast_subsample_seconds": fast_sub,
        "ratio_same_subsample": base_sub / fast_sub, "max_relative_difference_vs_baseline": agreement,
        "baseline_extrapolated_seconds": base_sub * factor, "ratio_extrapolated_full": base_sub * factor / fast,
        "load_average_1_5_15": os.getloadavg(),
        "machine": {"python": platform.python_version(), "numpy": np.__version__, "cpu": _cpu(),
                    "cores_visible": os.cpu_count(), "pinned_cpus": sorted(os.sched_getaffinity(0))
                    if hasattr(os, "sched_getaffinity") else None},
    }
    print(f"app.stats whole set: {n:,} respondents x {N_ITEMS} items, {n_teams:,} teams, {N_LAYERS} layers")
    print(f"  time (one core)      min {fast:.3f} s   median {statistics.median(fast_times):.3f} s   "
          f"({args.repeats} runs)")
    print(f"  peak memory          tracemalloc {memory['tracemalloc_peak_mb']:.0f} MB (work only, input excluded); "
          f"process maxrss {memory['maxrss_mb']:.0f} MB (grew {memory['maxrss_growth_mb']:.0f} MB in the run)")
    print(f"baseline (pandas group-by loops + pingouin) on {keep.sum():,} respondents of {sub_teams} whole teams:")
    print(f"  baseline {base_sub:.2f} s vs app.stats {fast_sub:.3f} s on the same subsample: "
          f"{base_sub / fast_sub:.0f}x")
    print(f"  both ways agree: largest relative difference {agreement:.1e} (team descriptives, alpha, ICC, rwg(j))")
    print(f"  baseline extrapolated x{factor:.1f} to full size: {base_sub * factor:.1f} s -> "
          f"{base_sub * factor / fast:.0f}x slower than app.stats")
    print(f"machine: {_cpu()}, {os.cpu_count()} cores visible, load average {os.getloadavg()[0]:.2f} (1 min); "
          f"python {platform.python_version()}, numpy {np.__version__}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()

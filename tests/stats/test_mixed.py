"""The random-intercept model of app.stats.mixed against lmerTest (reference/mixed.json, make_mixed_reference.R)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.stats import MissingReason, Moments
from app.stats.mixed import MixedModelResult, layer_mixed_model
from tests.stats.helpers import close, load_csv, load_ref

CASES = load_ref("mixed")["cases"]


def _data(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = case["data"]
    if d.get("inline"):
        y = np.array([np.nan if v is None or v == "NA" else v for v in d["y"]], dtype=float)
        return y, np.asarray(d["team"]), np.asarray(d["layer"])
    if d["file"] == "bh1996.csv.gz":
        bh = load_csv("bh1996")
        hrs = bh["HRS"]
        layer = np.where(hrs <= 9, "short", np.where(hrs <= 11, "regular", "long"))
        return bh["WBEING"], bh["GRP"].astype(int), layer
    lq = load_csv("lq2002")
    lead = np.column_stack([lq[f"LEAD{i:02d}"] for i in range(1, 12)]).mean(axis=1)
    t = lq["TSIG01"]
    return lead, lq["COMPID"].astype(int), np.where(t <= 2, "low", np.where(t == 3, "mid", "high"))


def _fit(case: dict[str, Any]) -> MixedModelResult:
    y, team, layer = _data(case)
    return layer_mixed_model(y, clusters=team, layers=layer, layer_order=case["layer_order"])


@pytest.mark.parametrize("case", CASES, ids=[c["name"].split(":")[0] + str(i) for i, c in enumerate(CASES)])
def test_matches_lmertest(case: dict[str, Any]) -> None:
    ref = case["value"]
    r = _fit(case)
    assert r.reason is None and r.variance is not None and r.coefficients is not None
    assert (r.n, r.n_clusters) == (ref["n"], ref["n_clusters"])
    assert r.variance.at_boundary == ref["singular"]
    close(r.reml_criterion, ref["reml_criterion"], rel=1e-9)
    assert r.reml_criterion is not None and r.reml_criterion <= ref["reml_criterion_default_optimizer"] + 1e-9
    close(r.coefficients, ref["layer_means"])
    close(r.covariance, ref["layer_means_vcov"])
    close(r.variance.within, ref["within"])
    close(r.variance.between, ref["between"], abs_=1e-9)  # 0 at the boundary (R: ~1e-10 there)
    close(r.variance.icc, ref["icc"], abs_=1e-9)
    close(r.variance.design_effect, ref["design_effect"])
    for m, e in zip(r.means, ref["means"], strict=True):
        assert m.mean.ci is not None and m.se is not None
        close([m.mean.value, m.se, m.mean.ci.low, m.mean.ci.high], [e["estimate"], e["se"], e["lower"], e["upper"]])
        close(m.df, e["df"], rel=1e-4)
    for c, e in zip(r.contrasts, ref["contrasts"], strict=True):
        assert (c.first, c.second) == (e["first"], e["second"])
        assert c.difference.ci is not None
        close([c.difference.value, c.se, c.test.statistic], [e["estimate"], e["se"], e["t"]])
        close([c.difference.ci.low, c.difference.ci.high], [e["lower"], e["upper"]], rel=1e-6, abs_=1e-7)
        close([c.test.df, c.test.pvalue, c.pvalue_holm], [e["df"], e["p"], e["p_holm"]], rel=1e-4, abs_=1e-300)
    a = ref["anova"]
    close([r.layer_test.statistic, r.layer_test.df_between], [a["F"], a["ndf"]], rel=1e-6)
    close([r.layer_test.df_within, r.layer_test.pvalue], [a["ddf"], a["p"]], rel=1e-4, abs_=1e-300)


def test_cell_moments_give_the_same_fit_as_the_rows() -> None:
    """What the database hands over (count, mean, ss per team x layer) is enough: the same model to the last bits."""
    case = CASES[2]
    y, team, layer = _data(case)
    ok = ~np.isnan(y)
    keys = np.array([f"{t}|{lay}" for t, lay in zip(team[ok], layer[ok], strict=True)])
    cells = Moments.from_values(y[ok], keys)
    cell_team = np.array([k.split("|")[0] for k in cells.labels]).astype(int)
    cell_layer = np.array([k.split("|")[1] for k in cells.labels])
    a = layer_mixed_model(cells, clusters=cell_team, layers=cell_layer, layer_order=case["layer_order"])
    b = _fit(case)
    assert a.variance is not None and b.variance is not None
    for x, z in zip(a.contrasts, b.contrasts, strict=True):  # the CR2 check needs no more than the cells either
        assert x.robust is not None and z.robust is not None
        close([x.robust.se, x.robust.test.df], [z.robust.se, z.robust.test.df], rel=1e-10)
    close(a.variance.between, b.variance.between, rel=1e-10)
    close(a.coefficients, b.coefficients, rel=1e-12)
    close([c.test.pvalue for c in a.contrasts], [c.test.pvalue for c in b.contrasts], rel=1e-9)


def test_a_layer_without_respondents_is_reported_missing_and_the_rest_is_fitted() -> None:
    case = CASES[2]
    y, team, layer = _data(case)
    order = [*case["layer_order"], "board"]
    r = layer_mixed_model(y, clusters=team, layers=layer, layer_order=order)
    full = _fit(case)
    assert r.reason is None and r.means[-1].n == 0 and r.means[-1].mean.reason is MissingReason.ALL_MISSING
    assert [c.test.reason for c in r.contrasts if "board" in (c.first, c.second)] == [MissingReason.ALL_MISSING] * 3
    present = [c for c in r.contrasts if "board" not in (c.first, c.second)]
    close([c.pvalue_holm for c in present], [c.pvalue_holm for c in full.contrasts], rel=1e-12)
    assert r.coefficients is not None and np.isnan(r.coefficients[-1])


def _team_data(n_teams: int, per_team: int = 4, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    team = np.repeat(np.arange(n_teams), per_team)
    layer = np.tile(["employee"] * (per_team - 1) + ["leader"], n_teams)
    return rng.normal(3, 0.7, team.size), team, layer


@pytest.mark.parametrize(
    ("values", "teams", "min_clusters", "reason"),
    [
        ("few", 4, 5, MissingReason.TOO_FEW_CLUSTERS),
        ("few", 1, 2, MissingReason.TOO_FEW_CLUSTERS),
        ("nan", 6, 5, MissingReason.ALL_MISSING),
        ("constant", 6, 5, MissingReason.ZERO_VARIANCE),
        ("by_layer", 6, 5, MissingReason.ZERO_VARIANCE),  # the layers explain every value
        ("by_team", 6, 5, MissingReason.ZERO_VARIANCE),  # no variance within teams
        ("singletons", 6, 5, MissingReason.N_BELOW_2),
    ],
)
def test_data_that_cannot_carry_the_model_give_a_reason(values: str, teams: int, min_clusters: int,
                                                        reason: MissingReason) -> None:
    y, team, layer = _team_data(teams)
    if values == "nan":
        y[:] = np.nan
    elif values == "constant":
        y[:] = 3.0
    elif values == "by_layer":
        y = np.where(layer == "leader", 4.0, 3.0)
    elif values == "by_team":
        y = team * 0.5 + np.where(layer == "leader", 1.0, 0.0)
    elif values == "singletons":
        team = np.arange(y.size)
    r = layer_mixed_model(y, clusters=team, layers=layer, min_clusters=min_clusters)
    assert r.reason is reason and r.variance is None and r.coefficients is None
    assert r.layer_test.reason is reason
    assert all(c.test.reason is reason and c.difference.value is None for c in r.contrasts)


def test_one_layer_fits_the_variance_components_without_contrasts() -> None:
    y, team, _ = _team_data(8)
    r = layer_mixed_model(y, clusters=team, layers=np.zeros(y.size, dtype=int))
    assert r.reason is None and r.contrasts == () and r.layer_test.reason is MissingReason.ONE_GROUP
    assert r.variance is not None and 0.0 <= r.variance.icc < 1.0


@pytest.mark.parametrize(
    "kwargs",
    [{"level": 1.0}, {"min_clusters": 1}, {"min_clusters": 2.5}, {"layer_order": ["employee"]},
     {"layer_order": ["employee", "leader", "employee"]}],
)
def test_bad_options_raise(kwargs: dict[str, Any]) -> None:
    y, team, layer = _team_data(6)
    with pytest.raises(ValueError):
        layer_mixed_model(y, clusters=team, layers=layer, **kwargs)


def test_bad_shapes_raise() -> None:
    y, team, layer = _team_data(6)
    with pytest.raises(ValueError):
        layer_mixed_model(y, clusters=team[:-1], layers=layer)
    with pytest.raises(ValueError):
        layer_mixed_model(np.append(y[:-1], np.inf), clusters=team, layers=layer)


def test_shifting_scaling_and_relabelling_change_only_what_they_should() -> None:
    """y -> a + b y moves the means, scales the differences and variances, and leaves df, p and ICC alone;
    shuffling the rows or renaming the teams changes nothing."""
    case = CASES[3]
    y, team, layer = _data(case)
    base = _fit(case)
    moved = layer_mixed_model(2.0 + 0.5 * y, clusters=team, layers=layer, layer_order=case["layer_order"])
    order = np.random.default_rng(7).permutation(y.size)
    shuffled = layer_mixed_model(y[order], clusters=np.array([f"team {t}" for t in team[order]]),
                                 layers=layer[order], layer_order=case["layer_order"])
    assert base.variance is not None and moved.variance is not None and shuffled.variance is not None
    close(moved.coefficients, 2.0 + 0.5 * np.asarray(base.coefficients), rel=1e-10)
    close([moved.variance.between, moved.variance.within], [0.25 * base.variance.between,
                                                            0.25 * base.variance.within], rel=1e-8)
    for r in (moved, shuffled):
        close([c.test.df for c in r.contrasts], [c.test.df for c in base.contrasts], rel=1e-7)
        close([c.test.pvalue for c in r.contrasts], [c.test.pvalue for c in base.contrasts], rel=1e-7)
        close(r.variance.icc if r.variance else None, base.variance.icc, rel=1e-8)
    close(shuffled.coefficients, base.coefficients, rel=1e-12)


@pytest.mark.parametrize("case", CASES, ids=[c["name"].split(":")[0] + str(i) for i, c in enumerate(CASES)])
def test_cluster_robust_check_matches_clubsandwich(case: dict[str, Any]) -> None:
    """CR2 (bias-reduced linearisation) SEs with Satterthwaite df, from the cell table alone, against
    ``clubSandwich::coef_test(vcov = "CR2", test = "Satterthwaite")`` (the first layer's mean and the differences
    from it: treatment coding's coefficients) and ``Wald_test(test = "HTZ")`` of every pair (F = t², same df)."""
    checks = case["value"]["checks"]
    r = _fit(case)
    assert r.coefficients is not None
    first = r.means[0]
    assert first.robust is not None and first.robust.se is not None
    from_first = [first] + [c for c in r.contrasts if c.first == r.layers[0]]
    for got, e in zip(from_first, checks["cr2_coefficients"], strict=True):
        assert got.robust is not None and got.robust.se is not None
        sign = 1.0 if got is first else -1.0  # layerX = mean(X) - mean(first)
        beta = got.mean.value if got is first else sign * got.difference.value  # type: ignore[union-attr]
        close([beta, got.robust.se], [e["beta"], e["se"]])
        close([got.robust.test.df, got.robust.test.pvalue], [e["df"], e["p"]], rel=1e-4, abs_=1e-300)
        close(sign * got.robust.test.statistic, e["beta"] / e["se"])
    for c, e in zip(r.contrasts, checks["cr2_differences"], strict=True):
        assert (c.first, c.second) == (e["first"], e["second"])
        assert c.robust is not None and c.robust.test.statistic is not None
        close(c.robust.test.statistic**2, e["F"])
        close([c.robust.test.df, c.robust.test.pvalue], [e["df_denom"], e["p"]], rel=1e-4, abs_=1e-300)


def test_cluster_robust_check_with_a_layer_of_one_respondent() -> None:
    """One director in one team: the model gives a wide interval, the robust check a narrower SE on 3 df. Values
    from R 4.2.2, lme4 1.1.31, clubSandwich 0.5.8 on these rows (written to CSV), with the reference script's tight
    ``nloptwrap`` control: ``coef_test(lmer(y ~ layer + (1 | team), REML = TRUE), vcov = "CR2",
    cluster = d$team, test = "Satterthwaite")``."""
    rng = np.random.default_rng(17)
    team = np.repeat(np.arange(8), 6)
    layer = np.array(["employee"] * 48, dtype=object)
    layer[0] = "director"
    y = np.round(3 + rng.normal(0, 0.3, 8)[team] + rng.normal(0, 0.6, 48), 2)
    r = layer_mixed_model(y, clusters=team, layers=layer, layer_order=["employee", "director"])
    m, c = r.means[0], r.contrasts[0]
    assert m.robust is not None and c.robust is not None and c.difference.value is not None
    close([m.mean.value, m.robust.se, -c.difference.value, c.robust.se],
          [2.726835503466532, 0.138077100588892, 0.291895833606465, 0.111174366707460])
    close([m.robust.test.df, m.robust.test.pvalue, c.robust.test.df, c.robust.test.pvalue],
          [6.98917540633405, 2.17002723890781e-07, 3.05994903556493, 7.70242758449734e-02], rel=1e-4)


def test_no_cluster_robust_figures_without_a_model() -> None:
    r = layer_mixed_model([3.0, 3.2, 4.0, 4.1], clusters=[1, 1, 2, 2], layers=["a", "b", "a", "b"])
    assert r.reason is MissingReason.TOO_FEW_CLUSTERS
    assert all(c.robust is None for c in r.contrasts) and all(m.robust is None for m in r.means)


def test_cluster_robust_check_of_a_layer_that_is_one_whole_team() -> None:
    """Directors make up one team: their mean rests on that one team, whose residuals the CR2 adjustment takes
    out entirely, so its robust variance is 0 (R: ``c(1, 1) %*% vcovCR(m, type = "CR2") %*% c(1, 1)`` = 0) and
    the check says ``not_estimable``; the difference from the employees is checked by the other six teams. Values
    from R 4.2.2, lme4 1.1.31, clubSandwich 0.5.8 on these rows, as in the test above."""
    rng = np.random.default_rng(3)
    team = np.repeat(np.arange(7), 5)
    layer = np.where(team == 0, "director", "employee").astype(object)
    y = np.round(3 + rng.normal(0, 0.3, 7)[team] + rng.normal(0, 0.6, 35), 2)
    r = layer_mixed_model(y, clusters=team, layers=layer, layer_order=["employee", "director"])
    employees, directors, c = r.means[0], r.means[1], r.contrasts[0]
    assert directors.robust is not None and directors.robust.se is None
    assert directors.robust.test.reason is MissingReason.NOT_ESTIMABLE and directors.se is not None
    assert employees.robust is not None and c.robust is not None and c.difference.value is not None
    close([employees.mean.value, employees.robust.se, -c.difference.value, c.robust.se],
          [2.74166666666667, 0.206620048505571, 1.12233333333333, 0.206620048505571])
    close([employees.robust.test.df, employees.robust.test.pvalue, c.robust.test.df, c.robust.test.pvalue],
          [5, 4.34531891672841e-05, 5, 2.86752431519007e-03], rel=1e-4)

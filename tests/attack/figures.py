"""Every published figure of a report's JSON, as observations: a group of respondents (`Who`), what about them
(`What`), and the figures (`stats`) of one object of the answer.

What the attacker reads is only what the JSON says: the group's unit, layer(s) and wave, the dimension or item and
the frame. Which respondents exactly the figures rest on is left to `tests.attack.resolve`, which matches the
figures against the ground truth. Figures that are not additive (t, p, alpha, rwg, ICC, F, g, d, the rank sums U
and V, a readiness index: a mean of dimension means) are not placed; an SD or a confidence interval is read, as it
gives a sum of squares together with n and mean; a difference is read as the mean it implies beside the other.
The perception gaps' `mixed_model` (a GLS contrast, variance components, ICC, design effect, and `n_clusters`, a
count of teams) and `invariance` (chi-square, CFI, RMSEA) are not additive either and publish no n or mean of
their own: their respondents are the comparison's sides, whose n and means are read here (docs/anonymity.md,
"Models").

Comments (`app.comments`): a comments answer publishes, per open question, how many of the group's respondents
answered it (one comment per respondent and question) and the texts themselves; a theme count, how many of the
group's comments mention one of a theme's keywords. Both are read as counts over the group's respondents, each
respondent holding one unknown per question (their comment, or none) or per theme (how many of their comments
mention it); the texts are matched too.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs

from tests.attack.world import QUESTIONS

What = tuple[str, ...]


@dataclass(frozen=True)
class Who:
    wave: str
    unit: str | None = None  # None: the organisation
    layers: tuple[str, ...] = ()  # () = every layer
    rest_of: str | None = None  # the organisation without this unit's respondents (team-gaps' side b)
    union: tuple[str, ...] | None = None  # the respondents of these units together (agreement's ICC teams)
    language: str | None = None
    live: bool = False  # every stored response, published or not, with the live roll-up (response rates)
    minus: tuple[str, ...] = ()  # less the respondents of these units (the raw export's groups)
    not_layers: tuple[str, ...] = ()  # less the respondents of these layers (its `*` layer beside named ones)
    pattern: tuple[tuple[str, str, bool], ...] = ()  # (dimension, frame, completed): those who did or did not


@dataclass
class Obs:
    source: str
    who: Who
    what: What  # ("respondents",) | ("dimension", d, frame) | ("item", key, frame) | ("pairs", d) | ...
    stats: dict[str, float] = field(default_factory=dict)
    moment: int = 0  # the latest moment whose responses had been submitted when it was read
    reading: int = 0
    texts: tuple[str, ...] | None = None  # comments: the texts shown, sorted


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _stats(d: dict[str, Any], **names: str) -> dict[str, float]:
    """The numeric fields of `d` named in `names` (field -> stat), and CI bounds."""
    out = {stat: v for name, stat in names.items() if (v := _num(d.get(name))) is not None}
    for name in ("ci",):
        ci = d.get(name)
        if isinstance(ci, dict) and _num(ci.get("low")) is not None and _num(ci.get("high")) is not None:
            out["ci_low"], out["ci_high"] = float(ci["low"]), float(ci["high"])
    return out


def group_who(wave: str, group: dict[str, Any]) -> Who:
    layer = group.get("layer_key")
    return Who(wave, group.get("unit_id"), (layer,) if layer else ())


def _group_n(source: str, wave: str, group: dict[str, Any], *, live: bool = False) -> Iterator[Obs]:
    if (n := _num(group.get("n"))) is not None:
        who = group_who(wave, group)
        yield Obs(source, Who(who.wave, who.unit, who.layers, live=live), ("respondents",), {"n": n})


def _profile(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    yield from _group_n(src, w, r["group"])
    who = group_who(w, r["group"])
    for d in r["dimensions"]:
        stats = _stats(d, n="n", mean="mean", sd="sd", n_answers="n_answers", favourable="fav_share",
                       unfavourable="unfav_share")
        for point in d.get("score_distribution") or []:
            stats[f"scoreval:{point['score']!r}"] = float(point["count"])
        yield Obs(src, who, ("dimension", d["key"], "current"), stats)
        if d.get("reliability") and _num(d["reliability"].get("n")) is not None:
            yield Obs(src, who, ("reliability", d["key"]), {"n": float(d["reliability"]["n"])})
        for i in d["items"]:
            stats = _stats(i, n="n", mean="mean", favourable="fav_share", unfavourable="unfav_share")
            for point in i.get("distribution") or []:
                stats[f"point:{point['value']}"] = float(point["count"])
            yield Obs(src, who, ("item", i["key"], "current"), stats)
            if (dk := _num(i.get("dont_know"))) is not None:
                yield Obs(src, who, ("dont_know", i["key"]), {"n": dk})


def _statement(src: str, who: Who, key: str, frame: str, f: dict[str, Any] | None) -> Iterator[Obs]:
    if not f:
        return
    stats = _stats(f, n="n", mean="mean", favourable="fav_share", unfavourable="unfav_share")
    for point in f.get("distribution") or []:
        stats[f"point:{point['value']}"] = float(point["count"])
    yield Obs(src, who, ("item", key, frame), stats)


def _items(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    if r.get("level") == "children":  # each child unit's statements, as `unit_id=<child>` alone gives them
        for unit in r["units"]:
            yield from _items(src, w, unit)
        return
    yield from _group_n(src, w, r["group"])
    who = group_who(w, r["group"])
    earlier = Who(r["previous_survey_id"], who.unit) if r.get("previous_survey_id") else None
    for d in r["dimensions"]:
        yield Obs(src, who, ("dimension", d["key"], "current"), _stats(d, n="n"))
        for s in d["statements"]:
            yield from _statement(src, who, s["key"], "current", s["current"])
            yield from _statement(src, who, s["key"], "desired", s.get("desired"))
            if earlier is not None:
                yield from _statement(src, earlier, s["key"], "current", s.get("previous"))
            if (dk := _num(s.get("dont_know"))) is not None:
                yield Obs(src, who, ("dont_know", s["key"]), {"n": dk})
            if (seen := _num(s.get("seen"))) is not None:
                yield Obs(src, who, ("seen", s["key"]), {"n": seen})


def _drivers(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    """The driver report: the scope's n, its one additive figure (the respondents complete on every dimension),
    and the profile's dimension means it repeats in the focus areas. Weights, R², rooms and priorities are not
    additive (nor placed)."""
    yield from _group_n(src, w, r["group"])
    who = group_who(w, r["group"])
    yield Obs(src, who, ("drivers",), {"n": float(r["n"])})
    for f in r["focus"]["dimensions"]:
        if (mean := _num(f.get("mean"))) is not None:
            yield Obs(src, who, ("dimension", f["key"], "current"), {"mean": mean})


def _dimension_rows(src: str, who: Who, dims: list[dict[str, Any]]) -> Iterator[Obs]:
    for d in dims:
        stats = _stats(d, n="n", mean="mean")
        yield Obs(src, who, ("dimension", d["key"], "current"), stats)
        diff = _num(d.get("diff_from_organisation"))
        if diff is not None and "mean" in stats:  # the organisation's mean, implied
            yield Obs(src + "#diff", Who(who.wave), ("dimension", d["key"], "current"), {"mean": stats["mean"] - diff})


def _breakdown(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    for part in [r["organisation"], r["scope"], *r["groups"]]:
        yield from _group_n(src, w, part["group"])
        yield from _dimension_rows(src, group_who(w, part["group"]), part["dimensions"])


def _heatmap(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    for column in r["columns"]:
        if (m := _num(column.get("organisation_mean"))) is not None:
            yield Obs(src, Who(w), ("dimension", column["key"], "current"), {"mean": m})
    for row in r["rows"]:
        yield from _group_n(src, w, row["group"])
        who = group_who(w, row["group"])
        for cell in row["cells"]:
            stats = _stats(cell, n="n", mean="mean")
            yield Obs(src, who, ("dimension", cell["dimension"], "current"), stats)
            diff = _num(cell.get("diff_from_organisation"))
            if diff is not None and "mean" in stats:
                yield Obs(src + "#diff", Who(w), ("dimension", cell["dimension"], "current"),
                          {"mean": stats["mean"] - diff})


def _side(w: str, side: dict[str, Any], rest_of: str | None = None) -> Who:
    if rest_of is not None:
        return Who(w, rest_of=rest_of)
    return Who(w, side.get("unit_id"), tuple(side.get("layer_keys") or ()))


def _comparisons(src: str, w: str, comparisons: list[dict[str, Any]], *, team_gaps: bool = False) -> Iterator[Obs]:
    for c in comparisons:
        a = _side(w, c["a"])
        b = _side(w, c["b"], rest_of=c["a"].get("unit_id") if team_gaps else None)
        for side, who in (("a", a), ("b", b)):
            if (n := _num(c[side].get("n"))) is not None:
                yield Obs(src, who, ("respondents",), {"n": n})
        for d in c["dimensions"]:
            yield from _gap_figures(src, a, b, d)


def _gap_figures(src: str, a: Who, b: Who, d: dict[str, Any]) -> Iterator[Obs]:
    sa, sb = _stats(d, n_a="n", mean_a="mean"), _stats(d, n_b="n", mean_b="mean")
    diff = _num(d.get("difference"))
    if diff is not None and "mean" in sa and "mean" not in sb:
        sb["mean"] = sa["mean"] - diff
    if diff is not None and "mean" in sb and "mean" not in sa:
        sa["mean"] = sb["mean"] + diff
    yield Obs(src, a, ("dimension", d["key"], "current"), sa)
    yield Obs(src, b, ("dimension", d["key"], "current"), sb)


def _paired(src: str, who: Who, g: dict[str, Any], kind: str) -> Iterator[Obs]:
    key = g["key"]
    cur, des = _stats(g, n_current="n", mean_current="mean"), _stats(g, n_desired="n", mean_desired="mean")
    gap = _num(g.get("gap"))
    if gap is not None and "mean" in cur and "mean" not in des:
        des["mean"] = cur["mean"] + gap
    if kind == "dimension":
        yield Obs(src, who, ("dimension", key, "current"), cur)
        yield Obs(src, who, ("dimension", key, "desired"), des)
        yield Obs(src, who, ("pairs", key), _stats(g, n="n"))
    else:  # item means here are keyed
        yield Obs(src, who, ("item", key, "current"), {("mean_keyed" if s == "mean" else s): v for s, v in cur.items()})
        yield Obs(src, who, ("item", key, "desired"), {("mean_keyed" if s == "mean" else s): v for s, v in des.items()})
        yield Obs(src, who, ("pairs_item", key), _stats(g, n="n"))


def _desired(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    for group in r["groups"]:
        yield from _group_n(src, w, group["group"])
        who = group_who(w, group["group"])
        for d in group["dimensions"]:
            yield from _paired(src, who, d, "dimension")
        for i in group["items"]:
            yield from _paired(src, who, i, "item")


def _team_gaps(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    yield from _group_n(src, w, r["scope"])
    yield from _group_n(src, w, r["organisation"])
    yield from _comparisons(src, w, r["teams"], team_gaps=True)


def _perception(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    yield from _group_n(src, w, r["scope"])
    yield from _comparisons(src, w, r["comparisons"])


def _agreement(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    yield from _group_n(src, w, r["scope"])
    shown: dict[str, list[str]] = {}
    means: dict[tuple[str, str], float] = {}
    for team in r["teams"]:
        yield from _group_n(src, w, team["group"])
        who = group_who(w, team["group"])
        for d in team["dimensions"]:
            stats = _stats(d, n="n", mean="mean")
            yield Obs(src, who, ("dimension", d["key"], "current"), stats)
            if "mean" in stats:
                means[(team["group"]["unit_id"], d["key"])] = stats["mean"]
            if not team["suppressed"] and (_num(d.get("n")) or 0) >= 2:
                shown.setdefault(d["key"], []).append(team["group"]["unit_id"])
    for d in r["dimensions"]:
        union = tuple(sorted(shown.get(d["key"], [])))
        yield Obs(src, Who(w, union=union), ("dimension", d["key"], "current"), _stats(d, n="n"))
        tests = d.get("teams_differ") or {}
        if _num(tests.get("n")) is not None:  # the respondents of the teams that enter the tests (the ICC's)
            yield Obs(src, Who(w, union=union), ("dimension", d["key"], "current"), {"n": float(tests["n"])})
        pairs = list(tests.get("pairs") or []) + ([tests["largest_difference"]] if tests.get("largest_difference")
                                                  else [])
        for pair in pairs:  # a difference of two teams' means: the mean it implies beside the other
            diff = _num(pair.get("difference"))
            first, second = means.get((pair["first"], d["key"])), means.get((pair["second"], d["key"]))
            if diff is None:
                continue
            if second is not None:
                yield Obs(src + "#pair", Who(w, pair["first"]), ("dimension", d["key"], "current"),
                          {"mean": second + diff})
            if first is not None:
                yield Obs(src + "#pair", Who(w, pair["second"]), ("dimension", d["key"], "current"),
                          {"mean": first - diff})


def _trend(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    unit = r["group"]["unit_id"]
    for wave in r["waves"]:
        if (n := _num(wave.get("n"))) is not None:
            yield Obs(src, Who(wave["survey_id"], unit), ("respondents",), {"n": n})
    for kind, rows in (("dimension", r["dimensions"]), ("item", r["items"])):
        for row in rows:
            by_wave: dict[str, dict[str, float]] = {}
            for f in row["waves"]:
                by_wave[f["survey_id"]] = _stats(f, n="n", mean="mean")
            for c in row["changes"]:  # a later mean implied by an earlier one and the difference
                diff, early, late = _num(c.get("difference")), by_wave.get(c["from_survey_id"]), \
                    by_wave.get(c["to_survey_id"])
                if diff is not None and early and late and "mean" in early and "mean" not in late:
                    late["mean"] = early["mean"] + diff
            for survey, stats in by_wave.items():
                yield Obs(src, Who(survey, unit), (kind, row["key"], "current"), stats)


def _readiness(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    yield from _group_n(src, w, r["group"])
    who = group_who(w, r["group"])
    for d in r["dimensions"]:
        yield Obs(src, who, ("dimension", d["key"], "current"), _stats(d, n="n", mean="mean"))
        if (pomp := _num(d.get("pomp"))) is not None and _num(d.get("n")) is not None:
            # a share of the dimension's scale (docs/scales.md): read as the mean it implies, over the same n
            mean = d["scale_min"] + pomp * (d["scale_max"] - d["scale_min"])
            yield Obs(src.replace("readiness", "readiness-pomp", 1), who, ("dimension", d["key"], "current"),
                      {"n": float(d["n"]), "mean": mean})
        if d.get("desired_gap"):
            yield from _paired(src, who, d["desired_gap"], "dimension")
    for h in r["perception_gaps"]:
        yield from _gap_figures(src, _side(w, h["a"]), _side(w, h["b"]), h["figures"])
    for team in r["most_ready_teams"] + r["least_ready_teams"]:
        yield from _group_n(src, w, team["group"])
        stats = {"index": float(team["index"])}
        if (diff := _num(team.get("difference"))) is not None:
            stats["index_difference"] = diff
        yield Obs(src, group_who(w, team["group"]), ("index",), stats)


def _quality(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    yield from _group_n(src, w, r["group"])
    scope = group_who(w, r["group"])
    for x in r["dont_know"]:
        if (n := _num(x.get("n"))) is not None:
            yield Obs(src, scope, ("seen", x["item"]), {"n": n})
        if (dk := _num(x.get("dont_know"))) is not None:
            yield Obs(src, scope, ("dont_know", x["item"]), {"n": dk})
    for warning in r["warnings"]:
        yield from _group_n(src, w, warning["group"])
        who = group_who(w, warning["group"])
        if warning["language"]:
            who = Who(who.wave, who.unit, who.layers, language=warning["language"])
        e = warning["evidence"]
        if _num(e.get("n")) is None:
            continue
        if e["figure"] in ("alpha", "item_total_correlation"):
            yield Obs(src, who, ("reliability", warning["dimension"]), {"n": float(e["n"])})
        elif e["figure"] == "straight_lining_share":
            yield Obs(src, who, ("eligible",), {"n": float(e["n"]), "flat_share": float(e["value"])})
        elif e["figure"] == "dont_know_share":
            yield Obs(src, who, ("seen", warning["item"]), {"n": float(e["n"]), "dont_know_share": float(e["value"])})


def _rates(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    for row in [r["scope"], *r["units"], *r["layers"]]:
        yield from _group_n(src, w, row["group"], live=True)
        if (n := _num(row.get("answered"))) is not None:
            who = group_who(w, row["group"])
            yield Obs(src, Who(w, who.unit, who.layers, live=True), ("respondents",), {"n": n})


def _effect(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    """An action's before and after (`GET .../actions/{id}/effect`): the trend of its unit over two waves."""
    rows = [(r["dimension"], "dimensions")] + ([(r["item"], "items")] if r["item"] else [])
    trend: dict[str, Any] = {"group": r["group"], "waves": [], "dimensions": [], "items": []}
    for row, kind in rows:
        trend[kind].append({"key": row["key"], "waves": [f for f in (row["before"], row["after"]) if f],
                            "changes": [row["change"]] if row["change"] else []})
    yield from _trend(src, w, trend)


def _params(src: str) -> dict[str, str]:
    query = src.split("?", 1)[1].split(" ", 1)[0] if "?" in src else ""
    return {k: v[0] for k, v in parse_qs(query).items()}


def _comments(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    """Per open question (the one asked for, or every one): the group's comments to it, as a count and texts."""
    if not r["shown"]:
        return
    who = Who(w, r["unit_id"], (r["layer_key"],) if r["layer_key"] else ())
    asked = _params(src).get("question")
    by_question: dict[str, list[str]] = {}
    for c in r["comments"]:
        by_question.setdefault(c["question_key"], []).append(c["text"])
    for q in [asked] if asked else sorted(set(QUESTIONS) | set(by_question)):
        texts = tuple(sorted(by_question.get(q, [])))
        yield Obs(src, who, ("comments", q), {"count": float(len(texts))}, texts=texts)


def _themes(src: str, w: str, r: dict[str, Any]) -> Iterator[Obs]:
    for t in r["themes"]:
        if (count := _num(t["count"])) is not None:
            yield Obs(src, Who(w, r["unit_id"]), ("theme", t["key"]), {"count": count})


def comment_export(src: str, w: str, rows: list[dict[str, str]], who: Who) -> Iterator[Obs]:
    """The k-anonymous comment export: per open question, all of its comments of `who` (the organisation's
    respondents, or the topmost units whose comments are shown when the organisation's are not).
    A row's cell (unit, layer) rests on the atoms its generalisation chose, which depends on who answered: those
    are checked (`tests.attack.collect.export_problems`), not placed."""
    by_question: dict[str, list[str]] = {}
    for row in rows:
        by_question.setdefault(row["question_key"], []).append(row["text"])
    for q, texts in by_question.items():
        yield Obs(src, who, ("comments", q), {"count": float(len(texts))}, texts=tuple(sorted(texts)))


def raw_export_groups(w: str, groups: dict[tuple[str | None, str], list[dict[str, str]]],
                      parents: dict[str, str | None]) -> dict[tuple[str | None, str], Who]:
    """Whose rows each group (unit, layer) of the raw export holds: the unit's respondents less those of the other
    units the file names below it, of the layer or, for `*`, less those of the layers it names there."""
    def above(unit: str) -> set[str]:
        out, at = set(), parents.get(unit)
        while at is not None:
            out.add(at)
            at = parents.get(at)
        return out

    units = {unit for unit, _ in groups}
    whos = {}
    for unit, layer in groups:
        below = tuple(sorted(u for u in units if u is not None and u != unit and (unit is None or unit in above(u))))
        named = tuple(sorted(x for u, x in groups if u == unit and x != "*"))
        whos[unit, layer] = Who(w, unit, (layer,) if layer != "*" else (), minus=below,
                                not_layers=named if layer == "*" else ())
    return whos


def raw_export(src: str, groups: dict[tuple[str | None, str], list[dict[str, str]]],
               whos: dict[tuple[str | None, str], Who], dimension_of: dict[str, str]) -> Iterator[Obs]:
    """The wide raw export: per group of rows its size, and per written statement and frame its n, mean and answers
    per scale point; and the same within each class of rows that left out the same dimensions (a row shows which:
    its empty cells), without the class's size (a count by what people left out is not a protected group's).
    `dimension_of`: item key -> dimension."""
    def dimension(column: str) -> tuple[str, str]:
        item, _, frame = column.partition(":")
        return dimension_of[item], frame or "current"

    for key, rows in groups.items():
        who = whos[key]
        yield Obs(src, who, ("respondents",), {"n": float(len(rows))})
        written = sorted(c for c in rows[0] if c.partition(":")[0] in dimension_of and any(r[c] for r in rows))
        dims = sorted({dimension(c) for c in written})
        classes: dict[tuple[tuple[str, str, bool], ...], list[dict[str, str]]] = {}
        for r in rows:
            pattern = tuple((d, f, any(r[c] for c in written if dimension(c) == (d, f))) for d, f in dims)
            classes.setdefault(pattern, []).append(r)
        for pattern, members in [((), rows), *classes.items()]:
            for c in written:
                item, _, frame = c.partition(":")
                yield from _export_item(src, replace(who, pattern=pattern), item, frame or "current", members, c)


def raw_export_long(src: str, rows: list[dict[str, str]], whos: dict[tuple[str | None, str], Who],
                    unit_of: dict[str, str | None]) -> Iterator[Obs]:
    """The long raw export: per group, dimension and frame, each statement's n, mean and answers per scale point.
    `unit_of`: unit path -> unit (`*`: None)."""
    blocks: dict[tuple[str | None, str, str, str], list[dict[str, str]]] = {}
    for r in rows:
        blocks.setdefault((unit_of[r["unit_path"]], r["layer"], r["dimension"], r["frame"]), []).append(r)
    for (unit, layer, _, frame), members in blocks.items():
        for c in members[0]:
            if c not in ("unit_path", "unit_key", "layer", "dimension", "frame") and any(r[c] for r in members):
                yield from _export_item(src, whos[unit, layer], c, frame, members, c)


def _export_item(src: str, who: Who, item: str, frame: str, rows: list[dict[str, str]], column: str) -> Iterator[Obs]:
    values = [float(r[column]) for r in rows if r[column]]
    if values:
        stats = {"n": float(len(values)), "mean": sum(values) / len(values)}
        for v in sorted(set(values)):
            stats[f"point:{v:g}"] = float(values.count(v))
        yield Obs(src, who, ("item", item, frame), stats)


WALKERS = {"profile": _profile, "item-profile": _items, "drivers": _drivers, "breakdown": _breakdown,
           "heatmap": _heatmap,
           "data-quality": _quality, "response-rates": _rates, "perception-gaps": _perception, "team-gaps": _team_gaps,
           "desired-gap": _desired, "agreement": _agreement, "trend": _trend, "readiness": _readiness,
           "action-effect": _effect, "comments": _comments, "comment-themes": _themes}


def observations(report: str, source: str, wave: str, body: dict[str, Any]) -> list[Obs]:
    return list(WALKERS[report](source, wave, body))


COMMENT_ROLLUP = "comments"  # the key of the comments' roll-up (at the comment threshold) beside published/live


def comment_rollups(body: dict[str, Any]) -> Iterator[tuple[str, list[str]]]:
    """(unit id, path it counts at) of every move a comments answer names (`counted_elsewhere`)."""
    for moved in body["counted_elsewhere"]:
        yield moved["unit_id"], moved["counted_at"]


def rollups(report: str, body: Any) -> Iterator[tuple[str, list[str] | None, bool]]:
    """(unit id, own_counted_at, live) of every group reference in an answer: where a unit's own respondents
    count, as the answer says."""
    if isinstance(body, dict):
        if "own_counted_at" in body and body.get("unit_id"):
            yield body["unit_id"], body["own_counted_at"], report == "response-rates"
        for v in body.values():
            yield from rollups(report, v)
    elif isinstance(body, list):
        for v in body:
            yield from rollups(report, v)

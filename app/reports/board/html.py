"""The board report as one self-contained, printable HTML page (`build_html`), from the report objects the API
serves: every figure on it is a published figure of those reports (hidden ones say why, never a number), and the
few figures derived here (a heatmap cell's colour) come from published ones."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from importlib import resources
from zoneinfo import ZoneInfo

from app.reports.board.markup import tag, text
from app.reports.board.plan import PlanData, plan_sections
from app.reports.board.texts import TEXTS
from app.reports.figures import AdjustedInterval, GroupRef, PValue
from app.reports.gaps_schemas import Comparison, DesiredGap, GapFigures, PairedGap, PerceptionGaps
from app.reports.items_schemas import ItemProfileReport, Statement
from app.reports.profile_schemas import Heatmap, Lang
from app.reports.rates import RateRow, ResponseRates
from app.reports.readiness import Readiness, TeamReadiness
from app.reports.readings import Reading
from app.reports.trend_schemas import Change, TrendReport, WaveFigure

MINUS = "\u2212"
# Printed from a file by a browser: no script may run and nothing may be fetched, whatever the names contain.
ARROWS = {"up": "\u2191", "down": "\u2193", "flat": "\u2192"}
# Shares of a dimension's range (max - min), so a colour or an arrow means as much on 0-4 as on 1-7; on 1-5 they are
# the half point and 0.05 point of before (as on the dashboard).
SPAN = 0.125  # a heatmap cell's colour saturates at this share of the range from the organisation's mean
FLAT = 0.0125  # a change smaller than this share of the range, and not clear, is printed as "about the same"
HIDDEN_REASONS = ("below_minimum", "protects_smaller_group", "not_published")  # a rate's reasons that hide a group
CSP = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def rounded(x: float, digits: int) -> Decimal:
    """`x` to `digits` decimals as the dashboard rounds (`Intl.NumberFormat`): the shortest decimal that reads back
    as the float (Python's `repr`, JavaScript's `String(x)`), halves away from zero; so 0.125 is 0.13 and 0.345 is
    0.35 on both, where `f"{x:.2f}"` gives 0.12 and 0.34 (the binary value's own rounding)."""
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Verdict:
    """The figures a gap's one verdict rests on, as the dashboard picks them (`verdictOf`, dashboard-findings.js):
    the mixed model's (teams taken into account) where `verdict_test` is `mixed_model`, else the plain difference of
    the means with Welch's test. `significant` and `difference_ci_holm` of the gap already follow it."""

    model: bool
    difference: float | None
    reading: Reading | None
    test: PValue | None


def verdict_of(f: GapFigures) -> Verdict:
    m = f.mixed_model if f.verdict_test == "mixed_model" else None
    if m is not None:
        return Verdict(True, m.difference, m.reading, m.test)
    return Verdict(False, f.difference, f.reading, f.welch)


def family_of(f: GapFigures) -> int | None:
    """The family the verdict was adjusted over, as the dashboard's sentence gives it (the Holm interval's, else
    Welch's)."""
    return ((f.difference_ci_holm.family_size if f.difference_ci_holm else None)
            or (f.welch.family_size if f.welch else None))


@dataclass(frozen=True)
class BoardData:
    organisation: str
    survey_title: str
    published_at: datetime | None
    scope: GroupRef
    k: int
    scale: tuple[int, int] | list[tuple[str, int, int]]  # one scale, or per dimension (name, min, max) when they differ
    rates: ResponseRates
    readiness: Readiness
    heatmap: Heatmap
    perception: PerceptionGaps
    pooled: PerceptionGaps | None  # all leaders against the employees, when single layers are hidden
    desired: DesiredGap | None  # None: the wave did not ask the desired frame
    statements: ItemProfileReport
    layer_names: dict[str, str]
    trend: TrendReport | None = None  # the scope against the previous wave (None: there is none)
    ranges: dict[str, tuple[int, int]] | None = None  # each dimension's (min, max) by key (None: 1-5 throughout)
    plan: PlanData | None = None  # focus areas, action plan, comment themes (None: left out)


class Writer:
    def __init__(self, lang: Lang, k: int, scale: tuple[int, int] | list[tuple[str, int, int]],
                 ranges: dict[str, tuple[int, int]] | None = None) -> None:
        self.lang, self.k, self.scale, self.ranges = lang, k, scale, ranges or {}
        self.words = TEXTS[lang]

    def width(self, dimension: str | None) -> float:
        """The dimension's range max - min (4 for an unknown key: the built-in 1-5)."""
        lo, hi = self.ranges.get(dimension or "", (1, 5))
        return float(hi - lo)

    def scale_phrase(self, which: str) -> str:
        """"on the 1-5 scale", or each dimension's own scale listed (unescaped: `t` escapes the whole)."""
        if isinstance(self.scale, tuple):
            return self.words[which].format(min=self.scale[0], max=self.scale[1])
        listed = ", ".join(f"{name} {lo}-{hi}" for name, lo, hi in self.scale)
        return self.words["scale_each"].format(list=listed)

    def t(self, key: str, **values: object) -> str:
        return escape(self.words[key].format(**values))

    def num(self, x: float | None, digits: int = 2, signed: bool = False) -> str:
        """`x` as the dashboard writes it (`fmt`, `fmtDiff`): `digits` decimals rounded as it rounds, a decimal
        comma in Dutch, a sign on a difference (none on one that rounds to zero), a real minus."""
        if x is None:
            return "\u2013"
        size = rounded(abs(x), digits)
        out = f"{size:.{digits}f}"
        out = out.replace(".", ",") if self.lang == "nl" else out
        sign = "" if size == 0 else MINUS if x < 0 else "+" if signed else ""
        return f"{sign}{out}"

    def pct(self, x: float | None) -> str:
        """A share 0..1 in whole percent, rounded as the dashboard rounds (`fmtPct`)."""
        return "\u2013" if x is None else f"{rounded(x * 100, 0):.0f}%"

    def hidden(self, reason: str | None) -> str:
        key = {"protects_smaller_group": "hidden_protects", "not_published": "hidden_layer"}.get(reason or "",
                                                                                              "hidden_below")
        return tag("span", {"class": "hidden", "title": self.words[key].format(k=self.k)}, self.t("hidden"))

    def holm(self, ci: AdjustedInterval | None) -> str:
        if ci is None:
            return "\u2013"
        if ci.excludes_zero and ci.low == 0:
            return self.t("above", high=self.num(ci.high, signed=True) if ci.high is not None else "+\u221e")
        if ci.excludes_zero and ci.high == 0:
            return self.t("below", low=self.num(ci.low, signed=True) if ci.low is not None else f"{MINUS}\u221e")
        low = self.num(ci.low, signed=True) if ci.low is not None else f"{MINUS}\u221e"
        high = self.num(ci.high, signed=True) if ci.high is not None else "+\u221e"
        return escape(f"[{low}; {high}]")

    def verdict(self, reading: str, significant: bool | None, family: int | None) -> str:
        """The report's reading without its own verdict, then the verdict in the words of the dashboard."""
        body = re.sub(r"\.$", "", re.sub(r": (a|an|een) [^:]*\.$", "", reading))
        if significant is None:
            return escape(f"{body}.")
        adjusted = f" ({self.words['adjusted'].format(count=family)})" if family and family > 1 else ""
        return escape(f"{body}; {self.words['clear' if significant else 'chance']}{adjusted}.")

    def arrow(self, change: Change | None, wave: str | None, dimension: str | None = None) -> str:
        """A change since the previous wave, printed: arrow, signed size and in words whether it is more than chance
        (Holm-adjusted Welch); "" without one (either wave hides the figure: the report gives no change)."""
        if change is None or change.difference is None or wave is None:
            return ""
        d = change.difference
        p = change.welch.p_adjusted if change.welch else None
        clear = p is not None and p < 0.05
        kind = "flat" if abs(d) < FLAT * self.width(dimension) and not clear else "up" if d > 0 else "down"
        verdict = self.words["untested"] if p is None else self.words["change_clear" if clear else "change_chance"]
        words = self.words["since"].format(wave=wave, verdict=verdict)
        return tag("span", {"class": f"trend {kind} {'clear' if clear else 'chance'}"},
                   tag("span", {"aria-hidden": "true"}, ARROWS[kind]), " ",
                   self.num(d, signed=True), " ", tag("span", {"class": "trend-words"}, escape(words)))

    # --- sections ---------------------------------------------------------------------------------------------

    def rates(self, r: ResponseRates, layer_names: dict[str, str]) -> str:
        """Two tables as on the dashboard: the units (under "Unit") and the layers (under "Layer"), the total under
        the units' (or the layers', when the scope has no units below it)."""
        def row(x: RateRow, name: str) -> str:
            if x.group.suppressed or x.reason in HIDDEN_REASONS:
                cells = tag("td", {"colspan": "3"}, self.hidden(x.group.reason or x.reason))
            else:
                rate = self.pct(x.rate) if x.rate is not None else tag(
                    "span", {"class": "muted"}, self.t(f"no_rate_{x.reason}" if f"no_rate_{x.reason}" in self.words
                                                       else "no_rate"))
                cells = (tag("td", {"class": "num"}, text(x.invited if x.invited is not None else "\u2013"))
                         + tag("td", {"class": "num"}, text(x.answered if x.answered is not None else "\u2013"))
                         + tag("td", {"class": "num"}, rate))
            return tag("tr", {}, tag("th", {}, text(name)), cells)

        def table(label: str, rows: list[str], total: bool) -> str:
            head = tag("tr", {}, *(tag("th", {"class": c}, self.t(k)) for k, c in (
                (label, ""), ("invited", "num"), ("answered", "num"), ("rate", "num"))))
            return tag("table", {"class": f"rates rates-{label}"}, tag("thead", {}, head), tag("tbody", {}, *rows),
                       tag("tfoot", {}, row(r.scope, self.words["total"])) if total else None)

        units = [row(x, x.group.unit_name) for x in r.units]
        layers = [row(x, layer_names.get(x.group.layer_key or "", x.group.layer_key or "")) for x in r.layers]
        tables = [table("unit", units, True)] if units else []
        if layers or not units:
            tables.append(table("layer", layers, not units))
        return self.section("rates", "rates_lead", *tables)

    def readiness(self, r: Readiness, pooled: Comparison | None, trend: TrendReport | None = None) -> str:
        if r.suppressed:
            return self.section("readiness", "readiness_lead", tag("p", {}, self.t("scope_hidden", k=self.k)))
        by_gap = r.ranked_by == "desired_gap"
        dims = []
        for d in r.dimensions:
            g = d.desired_gap
            if by_gap and g is not None and g.gap is not None:
                figure = (f"{self.num(g.gap, signed=True)} ({self.t('current').lower()} {self.num(g.mean_current)}, "
                          f"{self.t('desired').lower()} {self.num(g.mean_desired)}, n = {g.n})")
            elif d.mean is not None and d.pomp is not None and not isinstance(self.scale, tuple):
                # ranked as a share of each scale (readiness' `pomp`): say where on its own scale the mean lies
                share = self.t("pomp_of", low=d.scale_min, high=d.scale_max, pct=self.pct(d.pomp))
                figure = f"{self.num(d.mean)} {share} (n = {d.n})"
            else:
                figure = f"{self.num(d.mean)} (n = {d.n})" if d.mean is not None else self.hidden(d.reason)
            change, since = dimension_change(trend, d.key) if d.mean is not None else (None, None)
            arrow = self.arrow(change, since, d.key)
            if arrow and by_gap and g is not None and g.gap is not None:  # the figure is a gap: say whose change
                arrow = f"\u00b7 {self.t('score_change')} {arrow}"
            dims.append(tag("li", {}, tag("strong", {}, text(d.name)), " ", figure, " " + arrow if arrow else ""))
        gaps = [(h.a.name, h.figures) for h in r.perception_gaps]
        if not gaps and pooled is not None:
            ranked = sorted((f for f in pooled.dimensions if f.hedges_g is not None),
                            key=lambda f: -abs(f.hedges_g or 0))
            gaps = [(self.words["pooled"], f) for f in ranked[:3]]
        gap_items = [tag("li", {"class": "gap", "data-verdict": "model" if verdict_of(f).model else "means"},
                         tag("strong", {}, text(f"{a} \u00b7 {f.name}")), " ",
                         self.num(verdict_of(f).difference, signed=True), self.plain_mark(f), " \u2013 ",
                         self.gap_sentence(f)) for a, f in gaps]
        pomp = r.metric == "pomp"  # dimensions on different scales: the index is a share of each range

        def teams(items: list[TeamReadiness]) -> str:
            if not items:
                return tag("p", {"class": "muted"}, self.t("none"))
            return tag("ol", {}, *(tag("li", {}, text(x.group.unit_name), " ",
                                       f"{self.pct(x.index) if pomp else self.num(x.index)} "
                                       f"({self.t('index')}, n = {x.group.n})") for x in items))

        parts = [tag("h3", {}, self.t("room" if by_gap else "lowest")), tag("ol", {}, *dims),
                 tag("h3", {}, self.t("gaps_top")),
                 tag("ul", {}, *gap_items) if gap_items else tag("p", {"class": "muted"}, self.t("none")),
                 self.teams_note(f for _, f in gaps) if gap_items else None,
                 tag("h3", {}, self.t("most")), teams(r.most_ready_teams),
                 tag("h3", {}, self.t("least")), teams(r.least_ready_teams)]
        if r.leadership_units:
            parts += [tag("h3", {}, self.t("leadership")), teams(r.leadership_units)]
        return self.section("readiness", "readiness_lead", *(x for x in parts if x))

    def gap_sentence(self, f: GapFigures) -> str:
        """The verdict's reading (the mixed model's: "Taking the teams into account, ...") and the verdict in the
        dashboard's words; "" without a reading."""
        v = verdict_of(f)
        if v.reading is None:
            return ""
        return self.verdict(v.reading.en if self.lang == "en" else v.reading.nl, f.significant, family_of(f))

    def plain_mark(self, f: GapFigures) -> str:
        """A mark on a figure that is the plain difference of the means although the report has a mixed model for it
        (it could not be fitted): the note under the figures says what it means."""
        if verdict_of(f).model or f.mixed_model is None:
            return ""
        return tag("sup", {"class": "plain", "title": self.words["teams_plain"]}, "\u00b0")

    def teams_note(self, figures: Iterable[GapFigures]) -> str:
        """Which figure the perception gaps are: taken the teams into account (the dashboard's), and where not."""
        shown = [f for f in figures if verdict_of(f).difference is not None]
        if not shown:
            return ""
        model = any(verdict_of(f).model for f in shown)
        plain = any(self.plain_mark(f) for f in shown)
        words = [self.t("teams_note") if model else self.t("teams_none")]
        if model and plain:
            words.append(self.t("teams_plain_note"))
        return tag("p", {"class": "muted teams-note"}, " ".join(words))

    def heatmap(self, h: Heatmap) -> str:
        head = tag("tr", {}, tag("th", {}, self.t("unit")), *(tag("th", {"class": "num"}, text(c.name))
                                                              for c in h.columns), tag("th", {"class": "num"}, "n"))
        base = min((len(r.group.unit_path) for r in h.rows), default=0)
        rows = []
        for r in h.rows:
            depth = min(len(r.group.unit_path) - base, 3)
            cells = []
            for col, c in zip(h.columns, r.cells, strict=True):
                if c.suppressed:
                    cells.append(tag("td", {"class": "cell hiddencell"}, self.hidden(c.reason)))
                elif c.mean is None:
                    cells.append(tag("td", {"class": "cell"}, "\u2013"))
                else:
                    diff = c.diff_from_organisation
                    span = SPAN * (col.scale_max - col.scale_min)
                    style = f"background:{colour(diff, span)}" if diff is not None else ""
                    rel = tag("span", {"class": "rel"}, self.num(diff, signed=True)) if diff is not None else ""
                    cells.append(tag("td", {"class": "cell", "style": style}, self.num(c.mean), rel))
            n = self.hidden(r.group.reason) if r.group.suppressed else text(r.group.n)
            rows.append(tag("tr", {"class": f"depth{depth}"}, tag("th", {}, text(r.group.unit_name)), *cells,
                            tag("td", {"class": "num"}, n)))
        foot = tag("tr", {}, tag("th", {}, self.t("org_mean")),
                   *(tag("td", {"class": "num"}, self.num(c.organisation_mean)) for c in h.columns), tag("td"))
        lead = tag("p", {"class": "lead"}, self.t("heatmap_lead", scale=self.scale_phrase("scale_the")),
                   "" if isinstance(self.scale, tuple) else " " + self.t("heat_span_each"))
        return tag("section", {"class": "heatmap"}, tag("h2", {}, self.t("heatmap")), lead,
                   tag("table", {"class": "heat"}, tag("thead", {}, head), tag("tbody", {}, *rows),
                       tag("tfoot", {}, foot)))

    def comparison(self, c: Comparison, title: str, note: str | None = None) -> str:
        head = tag("tr", {}, *(tag("th", {"class": cl}, self.t(k)) for k, cl in (
            ("dimension", ""), ("difference", "num"), ("range", "num"), ("n", "num"))))
        if c.suppressed:
            return tag("div", {"class": "comparison"}, tag("h3", {}, text(title)), tag("p", {}, self.hidden(c.reason)))
        rows, sentences = [], []
        for f in c.dimensions:
            if f.difference is None:
                rows.append(tag("tr", {}, tag("th", {}, text(f.name)), tag("td", {"colspan": "3"},
                                                                           self.hidden(f.reason))))
                continue
            v = verdict_of(f)
            rows.append(tag("tr", {"data-verdict": "model" if v.model else "means"}, tag("th", {}, text(f.name)),
                            tag("td", {"class": "num"}, self.num(v.difference, signed=True), self.plain_mark(f)),
                            tag("td", {"class": "num"}, self.holm(f.difference_ci_holm)),
                            tag("td", {"class": "num"}, text(f"{f.n_a} / {f.n_b}"))))
            sentences.append(self.finding(f))
        shown = [f for f in c.dimensions if f.difference is not None]
        return tag("div", {"class": "comparison"}, tag("h3", {}, text(title)),
                   tag("p", {"class": "muted"}, escape(note)) if note else None,
                   tag("table", {}, tag("thead", {}, head), tag("tbody", {}, *rows)),
                   self.teams_note(shown), tag("ul", {"class": "findings"}, *sentences))

    def finding(self, f: GapFigures) -> str:
        """The verdict's sentence (as the dashboard says it); where the mixed model could not be fitted, why."""
        sentence = self.gap_sentence(f)
        m = f.mixed_model
        why = m.explanation if m is not None and not m.fitted and not verdict_of(f).model else None
        if not sentence:
            return ""
        return tag("li", {}, sentence, " " + tag("span", {"class": "muted"}, text(why.en if self.lang == "en"
                                                                                   else why.nl)) if why else None)

    def perception(self, p: PerceptionGaps, pooled: Comparison | None) -> str:
        parts = []
        if pooled is not None:
            note = self.words["pooled_note"].format(layers=pooled.a.name)
            parts.append(self.comparison(pooled, f"{self.words['pooled']} {self.words['versus']} {pooled.b.name}",
                                         note))
        parts += [self.comparison(c, f"{c.a.name} {self.words['versus']} {c.b.name}") for c in p.comparisons
                  if c.suppressed or any(f.difference is not None for f in c.dimensions)]
        return self.section("perception", "perception_lead", *(parts or [tag("p", {}, self.t("none"))]))

    def room(self, d: DesiredGap | None) -> str:
        if d is None:
            return self.section("room_title", "room_lead", tag("p", {}, self.t("not_asked")))
        group = d.groups[0] if d.groups else None
        if group is None or group.suppressed:
            return self.section("room_title", "room_lead", tag("p", {}, self.t("scope_hidden", k=self.k)))
        head = tag("tr", {}, *(tag("th", {"class": cl}, self.t(k)) for k, cl in (
            ("dimension", ""), ("current", "num"), ("desired", "num"), ("gap", "num"), ("range", "num"),
            ("n", "num"))))

        def row(g: PairedGap) -> str:
            if g.gap is None:
                return tag("tr", {}, tag("th", {}, text(g.name)), tag("td", {"colspan": "5"}, self.hidden(g.reason)))
            return tag("tr", {}, tag("th", {}, text(g.name)), tag("td", {"class": "num"}, self.num(g.mean_current)),
                       tag("td", {"class": "num"}, self.num(g.mean_desired)),
                       tag("td", {"class": "num"}, self.num(g.gap, signed=True)),
                       tag("td", {"class": "num"}, self.holm(g.gap_ci_holm)), tag("td", {"class": "num"}, text(g.n)))

        sentences = [tag("li", {}, self.verdict(g.reading.en if self.lang == "en" else g.reading.nl, g.significant,
                                                g.gap_ci_holm.family_size if g.gap_ci_holm else None))
                     for g in group.dimensions if g.reading is not None and g.gap is not None]
        return self.section("room_title", "room_lead", tag("table", {}, tag("thead", {}, head),
                                                           tag("tbody", {}, *map(row, group.dimensions))),
                            tag("ul", {"class": "findings"}, *sentences))

    def statements(self, s: ItemProfileReport, wave: str | None = None) -> str:
        """`wave`: the previous wave's title, when the report compares with one (a column of changes)."""
        if s.suppressed:
            return self.section("statements", "statements_lead", tag("p", {}, self.t("scope_hidden", k=self.k)))
        parts = []
        for d in s.dimensions:
            rows = []
            for st in d.statements:
                c = st.current
                if c is None or c.mean is None:
                    rows.append(tag("tr", {}, tag("th", {}, text(st.text)),
                                    tag("td", {"colspan": "6" if wave else "5"},
                                        self.hidden(c.reason if c else d.reason))))
                    continue
                change = statement_change(st)
                bar = tag("div", {"class": "bar"}, *(tag("span", {"class": k, "style": f"width:{(v or 0) * 100:.1f}%"})
                                                     for k, v in (("unf", c.unfavourable), ("neu", c.neutral),
                                                                  ("fav", c.favourable))))
                rows.append(tag("tr", {}, tag("th", {}, text(st.text)), tag("td", {"class": "num"}, self.num(c.mean)),
                                tag("td", {"class": "num"}, self.pct(c.favourable)),
                                tag("td", {"class": "num"}, self.pct(c.neutral)),
                                tag("td", {"class": "num"}, self.pct(c.unfavourable)),
                                tag("td", {"class": "barcell"}, bar),
                                tag("td", {"class": "change"}, self.arrow(change, wave, d.key) or "\u2013")
                                if wave else None))
            head = tag("tr", {}, *(tag("th", {"class": cl}, self.t(k)) for k, cl in (
                ("statement", ""), ("mean", "num"), ("favourable", "num"), ("neutral", "num"),
                ("unfavourable", "num"))),
                tag("th"), tag("th", {}, self.t("since_column", wave=wave)) if wave else None)
            parts.append(tag("h3", {}, text(d.name)))
            parts.append(tag("table", {"class": "statements"}, tag("thead", {}, head), tag("tbody", {}, *rows)))
        return self.section("statements", "statements_lead", *parts)

    def section(self, title: str, lead: str, *children: str) -> str:
        return tag("section", {}, tag("h2", {}, self.t(title)), tag("p", {"class": "lead"}, self.t(lead)), *children)


def _shown(f: WaveFigure | None) -> bool:
    return f is not None and f.mean is not None and f.n is not None


def wave_before(trend: TrendReport | None) -> str | None:
    """The previous wave's title (the latest before the report's own; statements compare with it)."""
    return trend.waves[-2].title if trend is not None and len(trend.waves) >= 2 else None


def dimension_change(trend: TrendReport | None, key: str) -> tuple[Change | None, str | None]:
    """The dimension's change from its last comparable wave (the previous one, or an earlier one where the previous
    wave asked it on another scale) and that wave's title, where both waves show its figure; else (None, None)."""
    d = None if trend is None else next((x for x in trend.dimensions if x.key == key), None)
    if trend is None or d is None or d.compared_with is None:
        return None, None
    at = next(i for i, w in enumerate(trend.waves) if w.survey_id == d.compared_with)
    if trend.waves[at].suppressed or trend.waves[-1].suppressed or not (_shown(d.waves[at]) and _shown(d.waves[-1])):
        return None, None
    latest = trend.waves[-1].survey_id
    change = next((c for c in d.changes if c.from_survey_id == d.compared_with and c.to_survey_id == latest), None)
    return (change, trend.waves[at].title) if change is not None and change.difference is not None else (None, None)


def statement_change(st: Statement) -> Change | None:
    """The statement's change where both waves' figures are shown, else None."""
    shown = st.current.mean is not None and st.previous is not None and st.previous.mean is not None
    return st.change if shown and st.change is not None and st.change.difference is not None else None


def colour(diff: float, span: float = 0.5) -> str:
    """Blue above the organisation, red below, saturating at `span` points (an eighth of the dimension's range:
    half a point on 1-5, as on the dashboard)."""
    x = max(-1.0, min(1.0, diff / span))
    far = (33, 102, 172) if x > 0 else (178, 24, 43)
    mix = [round(255 + (c - 255) * abs(x) * 0.6) for c in far]
    return f"rgb({mix[0]},{mix[1]},{mix[2]})"


def build_html(data: BoardData, lang: Lang) -> str:
    w = Writer(lang, data.k, data.scale, data.ranges)
    style = (resources.files("app.reports.board") / "board.css").read_text(encoding="utf-8")
    scope_name = data.scope.unit_name if data.scope.unit_id else w.words["whole"]
    now = datetime.now(UTC).astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")
    published = (w.t("published", date=data.published_at.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M"))
                 if data.published_at else w.t("not_published"))
    pooled = data.pooled.comparisons[0] if data.pooled and data.pooled.comparisons else None
    if pooled is not None and (pooled.suppressed or all(f.difference is None for f in pooled.dimensions)):
        pooled = None
    cover = tag("header", {}, tag("p", {"class": "eyebrow"}, text(data.organisation)), tag("h1", {}, w.t("title")),
                tag("p", {}, tag("strong", {}, w.t("wave")), ": ", text(data.survey_title), " \u00b7 ",
                    tag("strong", {}, w.t("scope")), ": ", text(scope_name)),
                tag("p", {}, published, " ", w.t("respondents", n=data.scope.n, k=data.k) if data.scope.n is not None
                    else w.t("scope_hidden", k=data.k)))
    method = tag("section", {}, tag("h2", {}, w.t("method")),
                 tag("p", {}, w.t("method_text", scale=w.scale_phrase("scale_a"))),
                 tag("p", {}, w.t("anonymity_text", k=data.k)), tag("p", {"class": "muted"}, w.t("made", date=now)))
    body = [cover, w.rates(data.rates, data.layer_names), w.readiness(data.readiness, pooled, data.trend)]
    if data.plan is not None:  # from the gaps to what to do: right after the summary
        body += plan_sections(w, data.plan, w.words["whole"])
    if not data.scope.suppressed:
        earlier = data.statements.previous_survey_id is not None
        body += [w.heatmap(data.heatmap) if data.heatmap.rows else "", w.perception(data.perception, pooled),
                 w.room(data.desired), w.statements(data.statements, wave_before(data.trend) if earlier else None)]
    body.append(method)
    return ("<!doctype html>" + tag("html", {"lang": lang}, tag("head", {}, '<meta charset="utf-8">', CSP,
                                                               tag("title", {}, w.t("title")), tag("style", {}, style)),
                                    tag("body", {}, *body)))

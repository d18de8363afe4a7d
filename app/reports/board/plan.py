"""The board report's part from culture gap to L&D action: the focus areas (the `drivers` report's, with its
bootstrap intervals), the scope's action plan (the actions list's), what the previous wave planned with its units
before and after (`earlier-actions`) and the comment themes (the `comment-themes` report's). Every
figure printed here is one those reports publish for the same scope and key, under their own protection (the driver
analysis's minimum and respondent-set map, each wave's map, the comment threshold's map); where a report gives
nothing, a sentence says why, never a number."""

import uuid
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from app.actions.effect import EarlierAction, EffectFigures
from app.actions.schemas import ActionRead
from app.comments.schemas import ThemesReport
from app.reports.board.markup import tag, text
from app.reports.drivers.schemas import DriverReport, Weight
from app.reports.trend_schemas import WaveFigure

if TYPE_CHECKING:  # the writer of the whole report (html.py), which prints these sections too
    from app.reports.board.html import Writer

ROOM_BASIS = {"desired_gap": "focus_room_desired", "below_organisation": "focus_room_organisation",
              "below_scale_top": "focus_room_top"}
REFUSED = {"no_outcome": "focus_no_outcome", "below_driver_minimum": "focus_too_few",
           "driver_set_hidden": "focus_hidden"}


@dataclass(frozen=True)
class PlanData:
    focus: DriverReport | None
    focus_refused: str | None  # the drivers report's problem type when it gave no report
    min_respondents: int
    actions: list[ActionRead]
    earlier: list[EarlierAction]  # the actions of earlier waves whose next wave is this one
    wave_titles: dict[uuid.UUID, str]  # the earlier waves' titles
    themes: ThemesReport | None  # None: the wave asked no open questions
    theme_names: dict[str, str]  # dimension key -> name


def focus(w: "Writer", p: PlanData) -> str:
    if p.focus is None:
        sentence = w.t(REFUSED.get(p.focus_refused or "", "focus_none"), n=p.min_respondents)
        return w.section("focus", "focus_lead", tag("p", {}, sentence))
    r, lang = p.focus, w.lang
    weights = {d.key: d.general_dominance for d in r.drivers}
    outcome = r.outcome.name.lower()
    items = []
    for f in r.focus.dimensions:
        room = (w.t("focus_room", x=w.num(f.room, 1)) if f.room is not None
                else tag("span", {"class": "hidden"}, w.t("focus_room_hidden")))
        weight = weights[f.key]
        items.append(tag("li", {}, tag("strong", {}, text(f.name)), " \u2013 ",
                         w.t("focus_importance", pct=w.pct(weight.share)), _interval(w, weight, outcome),
                         " \u00b7 ", room))
    statements = [tag("li", {}, text(s.text), " \u2013 ", w.t("focus_room", x=w.num(s.room, 1)))
                  for s in r.focus.statements]
    reading = r.focus.reading.en if lang == "en" else r.focus.reading.nl
    foot = w.t("focus_foot", n=r.n, r2=w.pct(r.r_squared), outcome=outcome,
               room=w.words[ROOM_BASIS[r.focus.room_basis]])
    if r.bootstrap.used:
        foot += " " + w.t("focus_bootstrap", used=r.bootstrap.used, seed=r.bootstrap.seed)
    return w.section("focus", "focus_lead", tag("p", {"class": "reading"}, escape(reading)),
                     tag("ol", {"class": "focus"}, *items),
                     *([tag("h3", {}, w.t("focus_statements")), tag("ol", {}, *statements)] if statements else []),
                     tag("p", {"class": "muted"}, foot))


def _percent(w: "Writer", x: float) -> str:
    """A share of variance in percent, one decimal (weights of a few percent differ in it)."""
    out = f"{x * 100:.1f}"
    return (out.replace(".", ",") if w.lang == "nl" else out) + "%"


def _interval(w: "Writer", weight: Weight, outcome: str) -> str:
    """ "; on its own account 12.3% of the differences in <outcome> (95% interval 8.0% to 17.1%)", or "" without
    an interval (no resamples, or too few usable)."""
    ci = weight.ci
    if ci is None or ci.low is None or ci.high is None:
        return ""
    return w.t("focus_ci", value=_percent(w, weight.value), outcome=outcome, low=_percent(w, ci.low),
               high=_percent(w, ci.high))


def actions(w: "Writer", p: PlanData, whole: str) -> str:
    if not p.actions:
        return w.section("actions", "actions_lead", tag("p", {}, w.t("actions_none")))

    def name(names: dict[str, str] | None, fallback: str) -> str:
        return (names or {}).get(w.lang) or (names or {}).get("en") or fallback

    ordered = sorted(p.actions, key=lambda a: (a.unit_path, name(a.dimension_names, a.dimension_key),
                                               a.due_date.isoformat() if a.due_date else "9999", a.title))
    rows = []
    for a in ordered:
        aimed = text(name(a.dimension_names, a.dimension_key))
        if a.item_texts:
            aimed += tag("span", {"class": "muted"}, " \u00b7 ", text(name(a.item_texts, a.item_key or "")))
        rows.append(tag("tr", {}, tag("th", {}, text(" / ".join(a.unit_path) or whole)), tag("td", {}, aimed),
                        tag("td", {}, text(a.title)),
                        tag("td", {}, text(a.owner.name if a.owner and a.owner.name else "\u2013")),
                        tag("td", {"class": "num"}, text(a.due_date.isoformat() if a.due_date else "\u2013")),
                        tag("td", {}, w.t(f"status_{a.status.value}"))))
    head = tag("tr", {}, *(tag("th", {"class": cl}, w.t(k)) for k, cl in (
        ("unit", ""), ("action_addresses", ""), ("action", ""), ("action_owner", ""), ("action_due", "num"),
        ("action_status", ""))))
    return w.section("actions", "actions_lead", tag("table", {"class": "actions"}, tag("thead", {}, head),
                                                     tag("tbody", {}, *rows)),
                     tag("p", {"class": "muted"}, w.t("actions_foot")))


def _figure(w: "Writer", f: WaveFigure | None) -> str:
    if f is None:
        return "\u2013"
    if f.mean is not None:
        return w.num(f.mean) + tag("span", {"class": "muted"}, f" (n = {f.n})")
    if f.reason in ("not_asked", "other_scale"):
        return tag("span", {"class": "hidden"}, w.t(f"earlier_{f.reason}"))
    return w.hidden(f.reason)


def _change(w: "Writer", f: EffectFigures) -> str:
    c = f.change
    if c is None or c.difference is None:
        return "\u2013"
    p = c.welch.p_adjusted if c.welch else None
    verdict = w.words["untested"] if p is None else w.words["change_clear" if p < 0.05 else "change_chance"]
    return w.num(c.difference, signed=True) + tag("span", {"class": "muted"}, " ", text(verdict))


def earlier(w: "Writer", p: PlanData, whole: str) -> str:
    """What the previous wave planned for this scope, each action's unit then and now; nothing before a first one."""
    if not p.earlier:
        return ""
    rows = []
    for e in p.earlier:
        a, f = e.action, e.effect
        rows.append(tag("tr", {}, tag("th", {}, text(" / ".join(a.unit_path) or whole)), tag("td", {}, text(a.title)),
                        tag("td", {}, w.t(f"status_{a.status.value}")), tag("td", {}, text(f.dimension.name)),
                        tag("td", {"class": "num"}, _figure(w, f.dimension.before)),
                        tag("td", {"class": "num"}, _figure(w, f.dimension.after)),
                        tag("td", {"class": "num"}, _change(w, f.dimension))))
        if f.item is not None:
            rows.append(tag("tr", {"class": "statement"}, tag("th", {}, ""), tag("td", {}, ""), tag("td", {}, ""),
                            tag("td", {"class": "muted"}, text(f.item.name)),
                            tag("td", {"class": "num"}, _figure(w, f.item.before)),
                            tag("td", {"class": "num"}, _figure(w, f.item.after)),
                            tag("td", {"class": "num"}, _change(w, f.item))))
    waves = sorted({p.wave_titles.get(e.effect.before_survey_id, "") for e in p.earlier} - {""})
    head = tag("tr", {}, *(tag("th", {"class": cl}, w.t(k)) for k, cl in (
        ("unit", ""), ("action", ""), ("action_status", ""), ("action_addresses", ""), ("earlier_then", "num"),
        ("earlier_now", "num"), ("earlier_change", "num"))))
    caveat = p.earlier[0].effect.caveat
    return w.section("earlier", "earlier_lead", tag("p", {}, w.t("earlier_waves", waves=", ".join(waves))),
                     tag("table", {"class": "actions earlier"}, tag("thead", {}, head), tag("tbody", {}, *rows)),
                     tag("p", {"class": "muted"}, text(caveat.en if w.lang == "en" else caveat.nl)))


def themes(w: "Writer", p: PlanData) -> str:
    t = p.themes
    if t is None:
        return w.section("themes", "themes_lead", tag("p", {}, w.t("themes_no_questions")))
    if not t.shown:
        key = "themes_protects" if t.reason == "protects_smaller_group" else "themes_below"
        return w.section("themes", "themes_lead", tag("p", {}, w.t(key, threshold=t.threshold)))
    rows = [tag("tr", {}, tag("th", {}, text(p.theme_names.get(x.key, x.key))),
                tag("td", {"class": "num"}, text(x.count) if x.count is not None
                    else tag("span", {"class": "hidden"}, w.t("themes_few", threshold=t.threshold))))
            for x in t.themes]
    head = tag("tr", {}, tag("th", {}, w.t("theme")), tag("th", {"class": "num"}, w.t("theme_count")))
    return w.section("themes", "themes_lead", tag("table", {"class": "themes"}, tag("thead", {}, head),
                                                   tag("tbody", {}, *rows)),
                     tag("p", {"class": "muted"}, w.t("themes_foot", threshold=t.threshold)))


def plan_sections(w: "Writer", p: PlanData, whole: str) -> list[str]:
    return [focus(w, p), actions(w, p, whole), earlier(w, p, whole), themes(w, p)]

"""The board report's part from culture gap to L&D action: the focus areas (the `drivers` report's), the scope's
action plan (the actions list's) and the comment themes (the `comment-themes` report's). Every figure printed here
is one those reports publish for the same scope and key, under their own protection (the driver analysis's minimum
and respondent-set map, the comment threshold's map); where a report gives nothing, a sentence says why, never a
number."""

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from app.actions.schemas import ActionRead
from app.comments.schemas import ThemesReport
from app.reports.board.markup import tag, text
from app.reports.drivers.schemas import DriverReport

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
    themes: ThemesReport | None  # None: the wave asked no open questions
    theme_names: dict[str, str]  # dimension key -> name


def focus(w: "Writer", p: PlanData) -> str:
    if p.focus is None:
        sentence = w.t(REFUSED.get(p.focus_refused or "", "focus_none"), n=p.min_respondents)
        return w.section("focus", "focus_lead", tag("p", {}, sentence))
    r, lang = p.focus, w.lang
    share = {d.key: d.general_dominance.share for d in r.drivers}
    items = []
    for f in r.focus.dimensions:
        room = (w.t("focus_room", x=w.num(f.room, 1)) if f.room is not None
                else tag("span", {"class": "hidden"}, w.t("focus_room_hidden")))
        items.append(tag("li", {}, tag("strong", {}, text(f.name)), " \u2013 ",
                         w.t("focus_importance", pct=w.pct(share.get(f.key, 0.0))), " \u00b7 ", room))
    statements = [tag("li", {}, text(s.text), " \u2013 ", w.t("focus_room", x=w.num(s.room, 1)))
                  for s in r.focus.statements]
    reading = r.focus.reading.en if lang == "en" else r.focus.reading.nl
    foot = w.t("focus_foot", n=r.n, r2=w.pct(r.r_squared), outcome=r.outcome.name.lower(),
               room=w.words[ROOM_BASIS[r.focus.room_basis]])
    return w.section("focus", "focus_lead", tag("p", {"class": "reading"}, escape(reading)),
                     tag("ol", {"class": "focus"}, *items),
                     *([tag("h3", {}, w.t("focus_statements")), tag("ol", {}, *statements)] if statements else []),
                     tag("p", {"class": "muted"}, foot))


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
    return [focus(w, p), actions(w, p, whole), themes(w, p)]

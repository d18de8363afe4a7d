"""The statements drill-down and the findings in words, in a real Chromium on the demo municipality (issue 15 items
1 and 2): each statement of a dimension with its figures and a described bar, hidden figures with their reason; and
no verdict on screen that its interval contradicts (significant exactly when the adjusted interval leaves out 0).
English and Dutch, phone and laptop. Screenshots go to tests/artifacts/dashboard-statements-*.png."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LAPTOP, PHONE
from tests.e2e.dashboard_helpers import (
    HIDDEN,
    SMALL_TARGETS,
    Demo,
    fits_the_width,
    hidden_long,
    load_demo,
    loaded,
    open_tables,
    page_errors,
    scope_note,
    sign_in,
)
from tests.e2e.respond_helpers import CONTRAST_FAILURES

pytestmark = pytest.mark.browser

WAVE = "Meting 2026"
WORDS = {"en": {"mean": "Mean", "fav": "favourable", "neu": "neutral", "unf": "unfavourable",
                "clear": "this difference is clear", "chance": "this difference could be chance"},
         "nl": {"mean": "Gemiddelde", "fav": "gunstig", "neu": "neutraal", "unf": "ongunstig",
                "clear": "dit verschil is duidelijk", "chance": "dit verschil kan toeval zijn"}}
ADJUSTED = {"en": "95% range (adjusted)", "nl": "95%-bereik (gecorrigeerd)"}
LOCALE = {"en": "en-GB", "nl": "nl-NL"}


@pytest.fixture(scope="module")
def demo(server_url: str) -> Demo:
    return load_demo(server_url)


def _num(text: str, lang: str) -> float:
    t = text.strip().replace("\u2212", "-").replace("+", "")
    if "\u221e" in t:
        return float("-inf") if t.startswith("-") else float("inf")
    return float(t.replace(",", ".") if lang == "nl" else t)


def _pct(x: float) -> str:
    return f"{round(x * 100):.0f}%"


def excludes_zero(text: str, lang: str) -> bool | None:
    """Whether an adjusted interval as the page writes it leaves 0 out; None when there is none (a dash)."""
    text = text.strip()
    if re.match(r"^(above|below|boven|onder) 0\b", text):
        return True
    found = re.fullmatch(r"\[([^;]+); ([^\]]+)\]", text)
    if not found:
        assert text == "\u2013", text
        return None
    low, high = _num(found.group(1), lang), _num(found.group(2), lang)
    assert low <= high, text
    return low > 0 or high < 0


def _open(open_tab: Any, demo: Demo, lang: str, viewport: dict[str, int]) -> Any:
    tab = open_tab(LOCALE[lang], viewport)
    tab.page.goto("/dashboard?key")
    sign_in(tab.page, demo.admin_key)
    return tab


@pytest.mark.parametrize(("lang", "viewport"), [("en", LAPTOP), ("nl", PHONE)], ids=["en-laptop", "nl-phone"])
def test_the_statements_of_a_dimension_with_bars_desired_and_change(demo: Demo, open_tab: Any, artifacts: Path,
                                                                    lang: str, viewport: dict[str, int]) -> None:
    sid = demo.survey(WAVE)["id"]
    report = demo.report(sid, "item-profile", lang=lang)
    words = WORDS[lang]
    tab = _open(open_tab, demo, lang, viewport)
    page = tab.page
    dim = report["dimensions"][1]
    link = page.locator(f"#panel-profile .statement-link[data-dimension='{dim['key']}']")
    expect(link).to_have_text(dim["name"])
    link.focus()
    page.keyboard.press("Enter")  # by keyboard: the panel shows that dimension and takes the focus
    panel = page.locator("#panel-statements")
    expect(panel.locator("#statements-dimension")).to_have_value(dim["key"])
    expect(panel.locator("#statements-dimension")).to_be_focused()
    items = panel.locator("li.statement")
    expect(items).to_have_count(len(dim["statements"]))
    sep = "," if lang == "nl" else "."
    for i, s in enumerate(dim["statements"]):
        item, f = items.nth(i), s["current"]
        expect(item.locator(".statement-text")).to_contain_text(s["text"])
        if f["reason"] in HIDDEN:
            expect(item.locator(".stack-suppressed")).to_have_attribute("aria-label", hidden_long(f["reason"], lang))
            continue
        expect(item.locator(".statement-mean")).to_have_text(re.compile("^" + re.escape(  # then its trend arrow
            f"{words['mean']} {f['mean']:.2f} (n = {f['n']})".replace(".", sep))))
        shares = f"{_pct(f['favourable'])} {words['fav']}, {_pct(f['neutral'])} {words['neu']}, " \
                 f"{_pct(f['unfavourable'])} {words['unf']}"
        expect(item.locator(".stack")).to_have_attribute("role", "img")
        expect(item.locator(".stack")).to_have_attribute("aria-label", shares)  # the bar's text alternative
        expect(item.locator(".statement-shares")).to_have_text(shares)
        widths = item.locator(".stack-part").evaluate_all("(parts) => parts.map((p) => p.style.width)")
        assert [float(w.rstrip("%")) for w in widths] == pytest.approx(
            [f["unfavourable"] * 100, f["neutral"] * 100, f["favourable"] * 100], abs=0.01)
        if s["dont_know"] is not None:
            expect(item.locator(".statement-dontknow")).to_contain_text(f"{s['dont_know']} ")
        if report["ask_desired"] and s["desired"]["mean"] is not None:
            expect(item.locator(".statement-desired")).to_contain_text(
                f"{s['desired']['mean']:.2f}".replace(".", sep))
        if s["change"] and s["change"]["difference"] is not None:
            d = s["change"]["difference"]
            sign = "+" if d > 0 else "\u2212" if d < 0 else ""
            expect(item.locator(".statement-change")).to_contain_text(f"{sign}{abs(d):.2f}".replace(".", sep))
    # another dimension by the picker
    other = report["dimensions"][0]
    panel.locator("#statements-dimension").select_option(other["key"])
    expect(items).to_have_count(len(other["statements"]))
    expect(items.first.locator(".statement-text")).to_contain_text(other["statements"][0]["text"])
    assert fits_the_width(page)
    assert page.evaluate(CONTRAST_FAILURES) == []
    assert page.evaluate(SMALL_TARGETS) == []
    name = f"{lang}-{'phone' if viewport is PHONE else 'laptop'}"
    panel.screenshot(path=str(artifacts / f"dashboard-statements-{name}.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


def _hidden_cases(demo: Demo, sid: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A unit whose whole scope is hidden, and a shown unit with a hidden statement figure (desired or previous)."""
    heat = demo.report(sid, "heatmap", level="teams")
    small = next(r["group"] for r in heat["rows"] if r["group"]["suppressed"])
    for unit in [u for u in demo.units() if u["id"] != small["unit_id"]]:
        report = demo.report(sid, "item-profile", unit_id=unit["id"])
        for d in report["dimensions"]:
            for s in d["statements"]:
                for frame in ("current", "desired", "previous"):
                    if s[frame] and s[frame]["reason"] in HIDDEN:
                        return small, report | {"unit_id": unit["id"], "dim": d, "statement": s}, frame
    raise AssertionError("the demo has no statement figure hidden in a shown unit")


def test_hidden_statement_figures_say_why(demo: Demo, open_tab: Any, artifacts: Path) -> None:
    sid = demo.survey(WAVE)["id"]
    small, report, frame = _hidden_cases(demo, sid)
    tab = _open(open_tab, demo, "en", LAPTOP)
    page = tab.page
    page.locator("#unit-select").select_option(small["unit_id"])
    loaded(page)
    page.locator("#panel-statements").scroll_into_view_if_needed()  # the report is asked for near the panel
    expect(page.locator("#panel-statements .panel-note-suppressed")).to_have_text(scope_note(small["reason"]))
    page.locator("#unit-select").select_option(report["unit_id"])
    loaded(page)
    page.locator("#statements-dimension").select_option(report["dim"]["key"])
    s = report["statement"]
    item = page.locator(f"#panel-statements li.statement[data-key='{s['key']}']")
    reason = s[frame]["reason"]
    where = {"current": ".statement-figures", "desired": ".statement-desired", "previous": ".statement-change"}[frame]
    expect(item.locator(where)).to_contain_text(hidden_long(reason))
    page.locator("#panel-statements").screenshot(path=str(artifacts / "dashboard-statements-hidden.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


# the mixed model's sentence (the perception gaps' primary verdict) is the API's reading, in the API's words
MODEL_WORDS = {"en": {"clear": "significant difference", "chance": "non-significant difference"},
               "nl": {"clear": "significant verschil", "chance": "niet-significant verschil"}}


def _verdict(sentence: str, lang: str, words: dict[str, dict[str, str]] = WORDS) -> bool | None:
    chance = words[lang]["chance"] in sentence
    clear = words[lang]["clear"] in sentence.replace(words[lang]["chance"], "")
    assert not (clear and chance), sentence
    return True if clear else False if chance else None


@pytest.mark.parametrize(("lang", "viewport"), [("nl", LAPTOP), ("en", PHONE)], ids=["nl-laptop", "en-phone"])
def test_no_verdict_on_screen_contradicts_its_interval(demo: Demo, open_tab: Any, artifacts: Path, lang: str,
                                                       viewport: dict[str, int]) -> None:
    tab = _open(open_tab, demo, lang, viewport)
    page = tab.page
    seen = {True: 0, False: 0}
    per_panel: dict[str, int] = {}
    for li in page.locator("li.finding").all():
        model = "model-finding" in (li.get_attribute("class") or "")
        sentence = li.locator(".model-primary" if model else ".finding-text").inner_text()
        verdict = _verdict(sentence, lang, MODEL_WORDS if model else WORDS)
        ci = li.locator(".finding-ci-adjusted")  # a model not fitted gives no verdict and has no interval
        interval = excludes_zero(ci.text_content() or "", lang) if ci.count() else None
        assert verdict == interval, (sentence, li.locator(".finding-ci-adjusted").text_content())
        assert li.get_attribute("data-significant") == {True: "true", False: "false", None: ""}[verdict]
        if verdict is not None:
            seen[verdict] += 1
        panel = li.evaluate("(n) => n.closest('section.panel').id")
        per_panel[panel] = per_panel.get(panel, 0) + 1
    assert seen[True] and seen[False], seen  # the demo has both kinds
    assert {"panel-perception", "panel-teamgaps", "panel-trend"} <= set(per_panel), per_panel
    # a finding's details open by keyboard, the unadjusted range labelled as such
    summary = page.locator("li.finding summary").first
    summary.focus()
    page.keyboard.press("Enter")
    unadjusted = page.locator("li.finding").first.locator(".finding-row").filter(
        has=page.locator(".finding-ci-unadjusted"))
    expect(unadjusted.locator("dt")).to_contain_text("unadjusted" if lang == "en" else "ongecorrigeerd")
    # the readiness summary: each perception gap's sentence against the adjusted range beside it
    readiness = 0
    for item in page.locator("#panel-readiness .summary-item").filter(has=page.locator(".summary-reading")).all():
        detail = item.locator(".summary-detail").inner_text()
        found = re.search(r"\(\w+\) (.+?) · n =", detail)
        assert found, detail
        readiness += 1
        assert _verdict(item.locator(".summary-reading").inner_text(), lang) == excludes_zero(found.group(1), lang)
    assert readiness, "no perception gap in the readiness summary"
    # the tables: the adjusted range column against the "significant" column
    open_tables(page)
    yes, no = ("yes", "no") if lang == "en" else ("ja", "nee")
    checked = 0
    for table in page.locator("#panels table.data-table").all():
        heads = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        if ADJUSTED[lang] not in heads or "Significant" not in heads:
            continue
        ci_col, sig_col = heads.index(ADJUSTED[lang]), heads.index("Significant")
        checked += 1
        for row in table.locator("tbody tr").all():
            cells = row.locator("th, td").all_inner_texts()
            if len(cells) != len(heads):
                continue  # a hidden comparison: one cell says why
            flag = cells[sig_col].strip()
            if flag not in (yes, no):
                continue
            assert excludes_zero(cells[ci_col], lang) == (flag == yes), cells
    assert checked >= 3, checked  # desired, perception, team gaps, trend
    assert fits_the_width(page)
    assert page.evaluate(SMALL_TARGETS) == []
    page.locator("#panel-perception").screenshot(
        path=str(artifacts / f"dashboard-findings-{lang}-{'phone' if viewport is PHONE else 'laptop'}.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []


FIT_WORDS = {"en": {"good": "Fits its dimension", "poor": "This statement fits its dimension poorly",
                    "against": "This statement runs against its dimension", "r": "item-total correlation",
                    "rises": "Without it the dimension would hang together better",
                    "falls": "Without it the dimension's alpha would be"},
             "nl": {"good": "Past bij de dimensie", "poor": "Deze stelling past slecht bij de dimensie",
                    "against": "Deze stelling gaat in tegen de dimensie", "r": "item-totaalcorrelatie",
                    "rises": "Zonder haar zou de dimensie beter samenhangen",
                    "falls": "Zonder haar zou de alfa van de dimensie"}}


def _fit_kind(item: dict[str, Any], alpha: float | None) -> str:
    """The verdict of app/reports/item_fit.py, from the profile's figures."""
    r, drop = item["item_total_correlation"], item["alpha_if_deleted"]
    rises = drop is not None and alpha is not None and drop > alpha
    return "against" if r < 0 else "poor" if r < 0.30 or rises else "good"


@pytest.mark.parametrize(("lang", "viewport"), [("nl", LAPTOP), ("en", PHONE)], ids=["nl-laptop", "en-phone"])
def test_each_statement_says_how_well_it_fits_its_dimension(demo: Demo, open_tab: Any, artifacts: Path, lang: str,
                                                            viewport: dict[str, int]) -> None:
    """Item-total correlation and alpha if deleted (the profile report's figures) in words beside each shown
    statement: fits / fits poorly / runs against, the figures in the sentence, the alpha without it; nothing beside
    a statement whose figures are hidden."""
    sid = demo.survey(WAVE)["id"]
    profile = demo.report(sid, "profile", lang=lang)
    items = demo.report(sid, "item-profile", lang=lang)
    words, sep = FIT_WORDS[lang], "," if lang == "nl" else "."
    tab = _open(open_tab, demo, lang, viewport)
    page = tab.page
    panel = page.locator("#panel-statements")
    panel.scroll_into_view_if_needed()  # the report is asked for near the panel
    kinds: dict[str, int] = {}
    for dim in items["dimensions"]:
        fits = next(d for d in profile["dimensions"] if d["key"] == dim["key"])
        alpha = fits["reliability"]["alpha"] if fits["reliability"] else None
        by_key = {i["key"]: i for i in fits["items"]}
        panel.locator("#statements-dimension").select_option(dim["key"])
        shown = panel.locator("li.statement")
        expect(shown).to_have_count(len(dim["statements"]))
        for i, s in enumerate(dim["statements"]):
            line = shown.nth(i).locator(".statement-fit")
            item = by_key[s["key"]]
            if s["current"]["reason"] in HIDDEN or item["item_total_correlation"] is None:
                expect(line).to_have_count(0)
                continue
            kind = _fit_kind(item, alpha)
            kinds[kind] = kinds.get(kind, 0) + 1
            expect(line).to_have_attribute("data-fit", kind)
            text = line.inner_text()
            assert text.startswith(words[kind]), text
            assert f"{words['r']} {item['item_total_correlation']:.2f}".replace(".", sep).replace("-", "\u2212") \
                in text.replace("-", "\u2212"), text
            if item["alpha_if_deleted"] is not None and alpha is not None:
                drop = item["alpha_if_deleted"]
                assert words["rises" if drop > alpha else "falls"] in text, text
                assert f"{drop:.2f}".replace(".", sep) in text and f"{alpha:.2f}".replace(".", sep) in text, text
    assert kinds.get("good"), kinds  # the demo's statements mostly fit; the other kinds are checked where they occur
    assert fits_the_width(page)
    assert page.evaluate(CONTRAST_FAILURES) == []
    panel.screenshot(path=str(artifacts / f"dashboard-statements-fit-{lang}.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []
    print(lang, kinds)


def _poorly_fitting(demo: Demo, sid: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], str]:
    """A shown unit with a shown statement that fits its dimension poorly (or runs against it): unit, dimension,
    the profile's item and its kind."""
    for unit in demo.units():
        profile = demo.report(sid, "profile", unit_id=unit["id"])
        if profile["suppressed"]:
            continue
        for d in profile["dimensions"]:
            alpha = d["reliability"]["alpha"] if d["reliability"] else None
            for item in d["items"]:
                if item["item_total_correlation"] is not None and _fit_kind(item, alpha) != "good":
                    return unit, d, item, _fit_kind(item, alpha)
    raise AssertionError("no statement of the demo fits its dimension poorly in any unit")


def test_a_statement_that_fits_poorly_says_so(demo: Demo, open_tab: Any, artifacts: Path) -> None:
    sid = demo.survey(WAVE)["id"]
    unit, dim, item, kind = _poorly_fitting(demo, sid)
    tab = _open(open_tab, demo, "en", LAPTOP)
    page = tab.page
    page.locator("#unit-select").select_option(unit["id"])
    loaded(page)
    page.locator("#panel-statements").scroll_into_view_if_needed()
    page.locator("#statements-dimension").select_option(dim["key"])
    line = page.locator(f"#panel-statements li.statement[data-key='{item['key']}'] .statement-fit")
    expect(line).to_have_attribute("data-fit", kind)
    expect(line).to_contain_text(FIT_WORDS["en"][kind])
    r = item["item_total_correlation"]
    sign = "\u2212" if r < 0 else ""
    expect(line).to_contain_text(f"{FIT_WORDS['en']['r']} {sign}{abs(r):.2f}")
    assert page.evaluate(CONTRAST_FAILURES) == []
    line.locator("xpath=ancestor::li[1]").screenshot(path=str(artifacts / "dashboard-statements-fit-poor.png"))
    assert tab.csp_violations() == [] and page_errors(tab) == []

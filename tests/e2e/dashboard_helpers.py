"""Driving the leader's dashboard in a browser, and reading the same figures from the JSON API to compare."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.factories import client

PANELS = ("rates", "readiness", "focus", "actions", "heatmap", "profile", "desired", "statements", "perception",
          "blindspot", "teamgaps", "trend", "agreement", "quality", "comments")

# Controls smaller than 44 x 44 CSS pixels (WCAG 2.5.5's target size), among the visible ones.
SMALL_TARGETS = """
() => [...document.querySelectorAll("button, select, input, summary, a[href]")]
  .filter((el) => el.getClientRects().length && !el.closest(".visually-hidden"))
  .map((el) => [el.textContent.trim().slice(0, 30) || el.id, el.getBoundingClientRect()])
  .filter(([, r]) => r.height < 44 || r.width < 44)
  .map(([text, r]) => `${text}: ${Math.round(r.width)}x${Math.round(r.height)}`)
"""


@dataclass(frozen=True)
class Demo:
    """The demo municipality, loaded once for the module: its id, keys and the unit of the scoped analyst key."""

    server_url: str
    org_id: str
    admin_key: str
    analyst_key: str
    analyst_unit: str

    @property
    def prefix(self) -> str:
        return f"/api/v1/organisations/{self.org_id}"

    @contextmanager
    def api(self, key: str | None = None) -> Iterator[httpx.Client]:
        with client(self.server_url, key or self.admin_key) as http:
            yield http

    def survey(self, title: str) -> dict[str, Any]:
        with self.api() as http:
            return next(s for s in http.get(f"{self.prefix}/surveys").json() if s["title"] == title)

    def units(self) -> list[dict[str, Any]]:
        with self.api() as http:
            return list(http.get(f"{self.prefix}/units").json())

    def report(self, survey_id: str, name: str, key: str | None = None, **query: Any) -> dict[str, Any]:
        with self.api(key) as http:
            response = http.get(f"{self.prefix}/surveys/{survey_id}/reports/{name}", params=query)
        assert response.status_code == 200, response.text
        return dict(response.json())


def load_demo(server_url: str) -> Demo:
    """The demo organisation (`app.demo.build_demo`) in the test database, as `make run` loads it."""
    import numpy as np

    from app.db import get_sessionmaker
    from app.demo import build_demo

    with get_sessionmaker().begin() as session:
        text = "\n".join(build_demo(session, np.random.default_rng(2026), base_url=server_url))
    found = {name: re.search(pattern, text) for name, pattern in {
        "org": r"\(id ([0-9a-f-]{36})\)", "admin": r"Organisation admin key:\s+(cgk_\S+)",
        "analyst": r"Analyst key for Directie Ruimte only:\s+(cgk_\S+)"}.items()}
    assert all(found.values()), text
    org_id, admin, analyst = (m.group(1) for m in found.values() if m)
    with client(server_url, analyst) as http:
        unit = http.get("/api/v1/me").json()["unit_id"]
    return Demo(server_url, org_id, admin, analyst, unit)


def en(x: float) -> str:
    """A figure as the dashboard writes it in English: two decimals."""
    return f"{x:.2f}"


def nl(x: float) -> str:
    """... and in Dutch: a decimal comma."""
    return en(x).replace(".", ",")


def diff(x: float, lang: str = "en") -> str:
    """A difference with its sign, a real minus sign for negative ones."""
    text = (en if lang == "en" else nl)(abs(x))
    return f"+{text}" if x > 0 else f"\u2212{text}" if x < 0 else text


STAR = " \u2605"


def gap(value: float, significant: bool | None, lang: str = "en") -> str:
    """A difference as a chart row writes it: signed, ★ when significant after the correction."""
    return diff(value, lang) + (STAR if significant else "")


def ci_text(ci: dict[str, float], lang: str = "en") -> str:
    """A difference's confidence interval: "[+0.10; +0.52]"."""
    return f"[{diff(ci['low'], lang)}; {diff(ci['high'], lang)}]"


def holm_text(ci: dict[str, Any] | None, lang: str = "en") -> str:
    """An adjusted (Holm-compatible) interval as the page writes it: "above 0, up to +0.72" where a clear
    difference's range is open at 0, else "[-0.10; +0.61]" (with a real minus sign)."""
    if ci is None:
        return "\u2013"
    low = diff(ci["low"], lang) if ci["low"] is not None else "\u2212\u221e"
    high = diff(ci["high"], lang) if ci["high"] is not None else "+\u221e"
    if ci["excludes_zero"] and ci["low"] == 0:
        return f"{'above 0, up to' if lang == 'en' else 'boven 0, tot'} {high}"
    if ci["excludes_zero"] and ci["high"] == 0:
        return f"{'below 0, down to' if lang == 'en' else 'onder 0, tot'} {low}"
    return f"[{low}; {high}]"


def finding_text(reading: str, significant: bool | None, family: int, lang: str = "en") -> str:
    """A finding's sentence: the API's reading without its verdict, then the verdict in plain words."""
    body = re.sub(r"\.$", "", re.sub(r": (a|an|een) [^:]*\.$", "", reading))
    if significant is None:
        return f"{body}."
    adjusted = "" if family < 2 else (f" (adjusted for {family} comparisons)" if lang == "en"
                                      else f" (gecorrigeerd voor {family} vergelijkingen)")
    verdict = {("en", True): "this difference is clear", ("en", False): "this difference could be chance",
               ("nl", True): "dit verschil is duidelijk", ("nl", False): "dit verschil kan toeval zijn"}
    return f"{body}; {verdict[lang, significant]}{adjusted}."


def p_text(p: float, lang: str = "en") -> str:
    """An adjusted p-value as the tables write it."""
    text = "< 0.001" if p < 0.001 else f"{p:.3f}"
    return text.replace(".", ",") if lang == "nl" else text


def significant(change: dict[str, Any]) -> bool:
    """A trend change is significant when its Holm-adjusted Welch p is below 0.05 (the report gives p, not a flag)."""
    welch = change.get("welch") or {}
    return welch.get("p_adjusted") is not None and welch["p_adjusted"] < 0.05


# The dashboard asks again after a 503 (the database was busy: SQLite under a loaded suite); Chromium logs the try.
RETRIED = re.compile(r"^Failed to load resource: the server responded with a status of 503")


REFUSED = "Failed to load resource: the server responded with a status of 422"


def page_errors(tab: Any, refused: str | None = None) -> list[str]:
    """What the page logged as errors, but for a 503 the dashboard retried and the driver report's 422s (a scope
    below its minimum: the focus panel says so in a note; the browser logs every refused request), and 422s of
    URLs containing `refused` (a form the test sent with bad input on purpose)."""
    expected = sum(1 for status, url in tab.refused
                   if status == 422 and ("/reports/drivers" in url or (refused is not None and refused in url)))
    out = []
    for e in tab.console_errors:
        if RETRIED.search(e):
            continue
        if expected and e.startswith(REFUSED):
            expected -= 1
            continue
        out.append(e)
    return out


@dataclass
class Traffic:
    """Every request the page made: its URL and whether it carried the key in the Authorization header."""

    urls: list[str]
    bearer: list[str]


def watch(page: Any) -> Traffic:
    traffic = Traffic([], [])

    def on_request(request: Any) -> None:
        traffic.urls.append(request.url)
        header = request.headers.get("authorization")
        if header:
            traffic.bearer.append(header)

    page.on("request", on_request)
    return traffic


def sign_in(page: Any, key: str) -> None:
    """Enter the key on the sign-in form (as a leader would paste it) and wait for every panel."""
    expect(page.locator("#view-signin")).to_be_visible()
    page.locator("#key-input").fill(key)
    page.locator("#sign-in").click()
    loaded(page)


def loaded(page: Any) -> None:
    """The dashboard is on show and no panel is loading any more."""
    expect(page.locator("#view-dashboard")).to_be_visible()
    for panel in PANELS:
        expect(page.locator(f"#panel-{panel} .panel-body")).not_to_have_attribute("aria-busy", "true")
        expect(page.locator(f"#panel-{panel} .panel-body > *").first).to_be_visible()
    expect(page.locator(".panel-loading")).to_have_count(0)


def heat_row(page: Any, unit_name: str) -> Any:
    return page.locator("#panel-heatmap tbody tr").filter(has=page.locator(".unit-name", has_text=re.compile(
        f"^{re.escape(unit_name)}$")))


def open_tables(page: Any) -> None:
    """Open every "show the figures as a table" toggle (by keyboard: Enter on the focused summary)."""
    toggles = page.locator("details.table-toggle")
    for i in range(toggles.count()):
        if toggles.nth(i).get_attribute("open") is None:
            toggles.nth(i).locator("summary").focus()
            page.keyboard.press("Enter")
    expect(page.locator("details.table-toggle:not([open])")).to_have_count(0)


def fits_the_width(page: Any) -> bool:
    """Nothing sticks out sideways: the page never scrolls horizontally (tables that may scroll do so inside)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


HIDDEN = ("below_minimum", "protects_smaller_group", "not_published")  # the reasons of a hidden figure
_HIDDEN = {  # (short on screen, in words for screen readers) per reason, as dashboard-i18n.js words them
    "en": {"below_minimum": ("n < 5", "Not shown: fewer than 5 respondents"),
           "protects_smaller_group": ("hidden", "Not shown: together with the figures shown, it would reveal a "
                                                "smaller group"),
           "not_published": ("\u2013", "Not reported per layer within a team (it would single out its team leader)")},
    "nl": {"below_minimum": ("n < 5", "Niet getoond: te weinig respondenten (minder dan 5)"),
           "protects_smaller_group": ("verborgen", "Niet getoond: samen met de getoonde cijfers zou het een "
                                                   "kleinere groep herkenbaar maken"),
           "not_published": ("\u2013", "Binnen een team niet per laag gerapporteerd (dat zou de teamleider herkenbaar "
                                  "maken)")},
}
_COMPARED = {"en": {"below_minimum": "fewer than 5 respondents, not shown",
                    "protects_smaller_group": "not shown, it would reveal a smaller group"},
             "nl": {"below_minimum": "te weinig respondenten (minder dan 5), niet getoond",
                    "protects_smaller_group": "niet getoond, zou een kleinere groep herkenbaar maken"}}
_SCOPE = {"en": {"below_minimum": "This unit has too few respondents to show (fewer than 5). Choose a larger unit.",
                 "protects_smaller_group": "This unit is not shown: with the figures of the units around it, it "
                                           "would reveal a group of fewer than 5. Choose a larger unit."}}


def hidden_short(reason: str | None, lang: str = "en") -> str:
    """What a hidden figure shows on screen for its reason."""
    return _HIDDEN[lang][reason or "below_minimum"][0]


def hidden_long(reason: str | None, lang: str = "en") -> str:
    """... and says in words."""
    return _HIDDEN[lang][reason or "below_minimum"][1]


def hidden_comparison(a: str, b: str, reason: str | None, lang: str = "en") -> str:
    return f"{a} vs {b}: {_COMPARED[lang][reason or 'below_minimum']}"


def scope_note(reason: str | None) -> str:
    return _SCOPE["en"][reason or "below_minimum"]


OUTCOME_MARK = {"en": " (outcome)", "nl": " (uitkomst)"}


def shown_name(d: dict[str, Any], lang: str = "en") -> str:
    """A report's dimension as every panel names it: the one the report flags as the outcome scale marked so."""
    return str(d["name"]) + (OUTCOME_MARK[lang] if d["outcome"] else "")

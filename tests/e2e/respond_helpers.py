"""Driving the respondent's form in a browser, and reading back through the API what it stored."""

from dataclasses import dataclass
from typing import Any

from tests.factories import OrgContext
from tests.respond_factories import stored
from tests.survey_factories import builtin_questionnaire

Answer = int | str | None  # a scale point, "dont_know", or None for no answer


@dataclass(frozen=True)
class Dimension:
    key: str
    names: dict[str, str]
    item_keys: list[str]


def dimensions(org: OrgContext) -> list[Dimension]:
    """The built-in questionnaire's dimensions in order, as the organisation's admin reads them."""
    definition = builtin_questionnaire(org)
    return [Dimension(d["key"], d["names"], [i["key"] for i in sorted(d["items"], key=lambda i: i["position"])])
            for d in sorted(definition["dimensions"], key=lambda d: d["position"])]


def invite(org: OrgContext, survey_id: str, unit_id: str, count: int = 1, layer: str = "employee",
           **extra: Any) -> list[str]:
    """Invitation tokens for the unit and layer."""
    response = org.admin.post(f"{org.prefix}/surveys/{survey_id}/invitations",
                              json={"unit_id": unit_id, "layer_id": org.layers[layer], "count": count, **extra})
    assert response.status_code == 201, response.text
    return [invitation["token"] for invitation in response.json()["invitations"]]


def exported(org: OrgContext, survey_id: str) -> list[dict[str, str]]:
    """The survey's stored responses, read straight from the database (the export is k-anonymous and holds
    published responses only: `tests.respond_factories.stored`)."""
    return stored(org, survey_id)


def cell(answer: Answer) -> str:
    """How an answer appears in the export."""
    return "" if answer is None else str(answer)


def option(page: Any, frame: str, item_key: str, value: int | str) -> Any:
    """The clickable label of one answer option."""
    return page.locator(f'label[for="{frame}-{item_key}-{value}"]')


def radio(page: Any, frame: str, item_key: str, value: int | str) -> Any:
    return page.locator(f'input[type="radio"][name="{frame}:{item_key}"][value="{value}"]')


def click_answers(page: Any, answers: dict[str, dict[str, Answer]], item_keys: list[str]) -> None:
    """Click (or tap, on a touch device) the planned answer of every item on the current step."""
    for frame, planned in answers.items():
        for key in item_keys:
            value = planned.get(key)
            if value is not None:
                option(page, frame, key, value).click()


def keyboard_answers(page: Any, answers: dict[str, dict[str, Answer]], item_keys: list[str], frames: list[str],
                     scale_min: int = 1, scale_max: int = 5) -> None:
    """Answer the current step with the keyboard only: Tab into each radio group (focus starts on the step
    heading), arrow keys to the planned option, Space to pick the first one. Items must all be unanswered."""
    for key in item_keys:
        for frame in frames:
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.name")
            assert focused == f"{frame}:{key}", f"Tab reached {focused}, expected {frame}:{key}"
            value = answers[frame].get(key)
            if value is None:
                continue  # leave the group unanswered: the next Tab moves on to the next group
            steps = scale_max - scale_min + 1 if value == "dont_know" else int(str(value)) - scale_min
            if steps == 0:
                page.keyboard.press("Space")
            for _ in range(steps):
                page.keyboard.press("ArrowRight")


def checked_answers(page: Any, frame: str, item_keys: list[str]) -> dict[str, Answer]:
    """What the current step shows as answered."""
    found: dict[str, Answer] = {}
    for key in item_keys:
        checked = page.locator(f'input[name="{frame}:{key}"]:checked')
        if checked.count():
            value = checked.get_attribute("value")
            found[key] = value if value == "dont_know" else int(str(value))
        else:
            found[key] = None
    return found


# Every visible text's contrast with its background, per WCAG 2: 4.5:1, or 3:1 for large text (24 px, or bold
# 18.66 px). Walks up to the first opaque background; disabled controls are exempt.
CONTRAST_FAILURES = """
() => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length < 4 || c[3] > 0.99) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length || el.closest(":disabled, .visually-hidden")) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    const [a, b] = [lum(rgb(style.color)), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) failures.push(`${el.textContent.trim().slice(0, 40)}: ${ratio.toFixed(2)}`);
  }
  return failures;
}
"""

# Controls smaller than 44 x 44 CSS pixels (WCAG 2.5.5's target size), among the visible ones.
SMALL_TARGETS = """
() => [...document.querySelectorAll("button, label.option")]
  .filter((el) => el.getClientRects().length)
  .map((el) => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
  .filter(([, r]) => r.height < 44 || r.width < 44)
  .map(([text, r]) => `${text}: ${Math.round(r.width)}x${Math.round(r.height)}`)
"""

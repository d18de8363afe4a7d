"""How well each statement fits its dimension: corrected item-total correlation and alpha if deleted
(`app.stats.reliability`, psych's `r.drop` and `alpha.drop`), with a one-sentence reading.

They are computed from the dimension's reliability over the same respondents as every other figure of the
dimension (those who answered all of its statements), and shown only beside a statement whose figures are shown:
non-additive figures of a visible group (docs/anonymity.md). The reading: an item-total correlation below 0 says the
statement runs against the others (keyed the wrong way?), below .30 (Nunnally & Bernstein 1994; Field 2013) that it
fits the dimension poorly; alpha if deleted above the dimension's alpha that the dimension would hang together
better without it. Otherwise "fits".
"""

from typing import Any

from app.reports.figures import num
from app.reports.profile_schemas import ItemReading
from app.stats import Reliability

LOW_ITEM_TOTAL = 0.30


def _reading(r: float | None, drop: float | None, alpha: float | None) -> ItemReading | None:
    if r is None:
        return None
    r_en, r_nl = f"{r:.2f}", f"{r:.2f}".replace(".", ",")
    better = drop is not None and alpha is not None and drop > alpha
    if r < 0:
        en = f"Runs against the other statements of its dimension (item-total r = {r_en}): check its keying."
        nl = f"Gaat in tegen de andere uitspraken van de dimensie (item-totaal r = {r_nl}): controleer de scoring."
    elif r < LOW_ITEM_TOTAL or better:
        tail_en = ", and the dimension's alpha would rise without it" if better else ""
        tail_nl = ", en de alfa van de dimensie zou zonder haar stijgen" if better else ""
        en = f"Fits its dimension poorly (item-total r = {r_en}{tail_en})."
        nl = f"Past slecht bij de dimensie (item-totaal r = {r_nl}{tail_nl})."
    else:
        en = f"Fits its dimension (item-total r = {r_en})."
        nl = f"Past bij de dimensie (item-totaal r = {r_nl})."
    return ItemReading(en=en, nl=nl)


def item_fit(reliability: Reliability | None, n_items: int) -> list[dict[str, Any]]:
    """Per item of one dimension (in its order), the keyword arguments of `ItemProfile`'s fit fields (empty without
    a reliability)."""
    if reliability is None:
        return [{} for _ in range(n_items)]
    alpha = num(reliability.alpha.value)
    out = []
    for i in range(n_items):
        r = num(reliability.item_total_correlation[i])
        drop = num(reliability.alpha_if_deleted[i])
        out.append({"item_total_correlation": r, "alpha_if_deleted": drop, "reading": _reading(r, drop, alpha)})
    return out

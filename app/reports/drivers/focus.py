"""Focus areas: where to start, per scope. Each culture dimension's priority is its importance for the outcome
(its general dominance weight) times its room to grow (desired minus current where the survey asked how it should
be, else the distance below the organisation, else below the top of the scale); statements take their dimension's
importance and their own room. Every mean used is one that another report publishes for the same group (profile,
desired-gap); the products and ranks add nothing additive."""

from app.questionnaires.service import QuestionnaireDefinition
from app.reports.context import ReportContext
from app.reports.drivers.schemas import (
    Driver,
    FocusAreas,
    FocusDimension,
    FocusStatement,
    RoomBasis,
    Weight,
)
from app.reports.figures import Interval
from app.reports.gaps_desired import desired_gap
from app.reports.profile_schemas import CultureProfile, Lang
from app.reports.profile_service import culture_profile
from app.reports.readings import Reading
from app.stats import ConfidenceInterval
from app.stats.drivers import DriverAnalysis

TOP_STATEMENTS = 5


def drivers(ctx: ReportContext, analysis: DriverAnalysis, lang: Lang) -> list[Driver]:
    r2 = analysis.r_squared.value or 0.0
    out = []
    for d, lmg, rw in zip(ctx.data.definition.culture_dimensions, analysis.general_dominance,
                          analysis.relative_weights, strict=True):
        out.append(Driver(rank=0, key=d.key, name=d.names.get(lang) or d.names[ctx.data.definition.languages[0]],
                          general_dominance=_weight(lmg.value or 0.0, r2, lmg.ci),
                          relative_weight=_weight(rw.value or 0.0, r2, rw.ci)))
    out.sort(key=lambda x: -x.general_dominance.value)
    for rank, x in enumerate(out, start=1):
        x.rank = rank
    return out


def _weight(value: float, r2: float, ci: ConfidenceInterval | None) -> Weight:
    interval = None if ci is None else Interval(low=ci.low, high=ci.high, level=ci.level)
    return Weight(value=value, share=value / r2 if r2 > 0 else 0.0, ci=interval)


def _keyed(mean: float | None, reverse: bool, lo: int, hi: int) -> float | None:
    return None if mean is None else (lo + hi - mean if reverse else mean)


def _rooms(ctx: ReportContext, lang: Lang, profile: CultureProfile, organisation: CultureProfile | None
           ) -> tuple[RoomBasis, dict[str, float | None], dict[str, float | None]]:
    """(basis, room per dimension key, room per statement key); None where a figure is hidden. Each on the
    dimension's own scale; as a share of its range (POMP) when the dimensions' scales differ."""
    definition = ctx.data.definition
    scales = {d.key: definition.scale_of(d.key) for d in definition.dimensions}
    dim_of = {i.key: i.dimension_key for i in definition.items}
    basis: RoomBasis
    if ctx.survey.ask_desired and ctx.data.desired is not None:
        group = desired_gap(ctx, "scope", lang).groups[0]
        basis, rooms, item_rooms = ("desired_gap", {g.key: g.gap for g in group.dimensions},
                                    {g.key: g.gap for g in group.items})
    else:
        def keyed(mean: float | None, reverse: bool, key: str) -> float | None:
            own = scales[key]
            return _keyed(mean, reverse, own.min, own.max)

        mine_d = {d.key: d.mean for d in profile.dimensions}
        mine_i = {i.key: keyed(i.mean, i.reverse, d.key) for d in profile.dimensions for i in d.items}
        if organisation is not None:
            org_d = {d.key: d.mean for d in organisation.dimensions}
            org_i = {i.key: keyed(i.mean, i.reverse, d.key) for d in organisation.dimensions for i in d.items}
            basis, rooms, item_rooms = ("below_organisation", {k: _minus(org_d.get(k), v) for k, v in mine_d.items()},
                                        {k: _minus(org_i.get(k), v) for k, v in mine_i.items()})
        else:
            basis = "below_scale_top"
            rooms = {k: _minus(float(scales[k].max), v) for k, v in mine_d.items()}
            item_rooms = {k: _minus(float(scales[dim_of[k]].max), v) for k, v in mine_i.items()}
    if not ctx.data.scale.uniform:  # rooms on different scales: as a share of each dimension's range
        rooms = {k: _share(v, scales[k].max - scales[k].min) for k, v in rooms.items()}
        item_rooms = {k: _share(v, scales[dim_of[k]].max - scales[dim_of[k]].min) for k, v in item_rooms.items()}
    return basis, rooms, item_rooms


def _share(room: float | None, width: int) -> float | None:
    return None if room is None else room / width


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def focus_areas(ctx: ReportContext, ranked: list[Driver], lang: Lang,
                organisation: ReportContext | None) -> FocusAreas:
    """The scope's focus areas. `organisation`: the organisation's context, when the reader may see it and the
    scope is a unit (for the distance below the organisation without a desired frame)."""
    profile = culture_profile(ctx, lang)
    basis, rooms, item_rooms = _rooms(ctx, lang, profile,
                                      culture_profile(organisation, lang) if organisation is not None else None)
    means = {d.key: d.mean for d in profile.dimensions}
    weight = {d.key: d.general_dominance.value for d in ranked}
    dimensions = []
    for d in ranked:
        room = rooms.get(d.key)
        dimensions.append(FocusDimension(rank=0, key=d.key, name=d.name, importance=d.general_dominance.value,
                                         mean=means.get(d.key), room=room,
                                         priority=None if room is None else d.general_dominance.value * max(room, 0)))
    dimensions.sort(key=lambda f: (f.priority is None, -(f.priority or 0.0), -f.importance))
    for rank, f in enumerate(dimensions, start=1):
        f.rank = rank
    statements = []
    texts = {i.key: (i.text, d.key) for d in profile.dimensions for i in d.items}
    for key, room in item_rooms.items():
        if key not in texts or room is None or room <= 0 or texts[key][1] not in weight:
            continue
        text, dim = texts[key]
        statements.append(FocusStatement(rank=0, key=key, text=text, dimension_key=dim, importance=weight[dim],
                                         room=room, priority=weight[dim] * room))
    statements.sort(key=lambda s: -s.priority)
    statements = statements[:TOP_STATEMENTS]
    for rank, s in enumerate(statements, start=1):
        s.rank = rank
    outcome = ctx.data.definition.outcome
    names = outcome.names if outcome is not None else {}
    return FocusAreas(room_basis=basis, dimensions=dimensions, statements=statements,
                      reading=focus_reading(ctx.data.definition, dimensions, ranked, basis, names))


FURTHEST = {"desired_gap": ("is furthest from what people want", "ligt het verst af van wat mensen willen"),
            "below_organisation": ("lags furthest behind the organisation", "blijft het verst achter bij de "
                                                                              "organisatie"),
            "below_scale_top": ("has the most room to grow", "heeft de meeste ruimte om te groeien")}


def _nl(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def focus_reading(definition: QuestionnaireDefinition, focus: list[FocusDimension], ranked: list[Driver],
                  basis: RoomBasis, outcome: dict[str, str]) -> Reading:
    """Where to start, in English and Dutch: the first focus dimension, said as the most important, the furthest
    from where it should be, both, or the best combination of the two."""
    names = {d.key: d.names for d in definition.dimensions}
    first = definition.languages[0]
    out_en = (outcome.get("en") or outcome.get(first) or "the outcome").lower()
    out_nl = (outcome.get("nl") or outcome.get(first) or "de uitkomst").lower()
    top = focus[0] if focus and (focus[0].priority or 0) > 0 else None
    if top is None:
        return Reading(en=f"No dimension that matters for {out_en} shows room to grow here: keep what works.",
                       nl=f"Geen dimensie die telt voor {out_nl} laat hier ruimte om te groeien zien: houd vast wat "
                          "werkt.")
    en_name = names[top.key].get("en") or names[top.key][first]
    nl_name = names[top.key].get("nl") or names[top.key][first]
    most_important = ranked[0].key == top.key
    largest_room = max((f.room or 0.0 for f in focus), default=0.0) <= (top.room or 0.0)
    furthest_en, furthest_nl = FURTHEST[basis]
    room = top.room or 0.0
    if definition.uniform_scale:
        amount_en, amount_nl = f"{room:.1f} points", f"{_nl(room)} punt"
    else:  # rooms are shares of each dimension's range (the dimensions have different scales)
        amount_en, amount_nl = f"{100 * room:.0f}% of its scale", f"{100 * room:.0f}% van de schaal"
    share = next(d.general_dominance.share for d in ranked if d.key == top.key)
    if most_important and largest_room:
        return Reading(en=f"{en_name} matters most for {out_en} here and {furthest_en}: start there.",
                       nl=f"{nl_name} weegt hier het zwaarst voor {out_nl} en {furthest_nl}: begin daar.")
    if most_important:
        return Reading(en=f"{en_name} matters most for {out_en} here and has {amount_en} of room to grow: "
                          "start there.",
                       nl=f"{nl_name} weegt hier het zwaarst voor {out_nl} en heeft {amount_nl} ruimte om te "
                          "groeien: begin daar.")
    best = ranked[0]
    best_en = names[best.key].get("en") or names[best.key][first]
    best_nl = names[best.key].get("nl") or names[best.key][first]
    en_part = f"{furthest_en}" if largest_room else f"has {amount_en} of room to grow"
    nl_part = f"{furthest_nl}" if largest_room else f"heeft {amount_nl} ruimte om te groeien"
    return Reading(
        en=f"Start with {en_name}: it {en_part} and accounts for {share:.0%} of what the dimensions explain of "
           f"{out_en}. {best_en} matters most, but has less room to grow.",
        nl=f"Begin met {nl_name}: het {nl_part} en verklaart {share:.0%} van wat de dimensies samen verklaren van "
           f"{out_nl}. {best_nl} weegt het zwaarst, maar heeft minder ruimte om te groeien.".replace("%", " %"))


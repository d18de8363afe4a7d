"""`GET .../reports/board-report`: the board report of a scope as PDF (or the HTML it is printed from)."""

import re
import unicodedata
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from app.actions import service as action_service
from app.actions.effect import earlier_effects, earlier_waves
from app.auth.service import Principal
from app.comments import service as comment_service
from app.deps import CurrentKey, SessionDep
from app.errors import Unprocessable, problem_responses
from app.reports.board.html import BoardData, build_html
from app.reports.board.pdf import html_to_pdf
from app.reports.board.plan import PlanData
from app.reports.breakdown import heatmap
from app.reports.context import ReportContext, ReportDep
from app.reports.drivers.router import RESAMPLES, SEED, scope_driver_report
from app.reports.drivers.schemas import DriverReport
from app.reports.drivers.service import min_respondents
from app.reports.gaps_desired import desired_gap
from app.reports.gaps_service import layer_sets, perception_gaps
from app.reports.items_service import item_profile
from app.reports.profile import LangQuery
from app.reports.profile_schemas import Lang
from app.reports.profile_service import group_ref
from app.reports.rates import response_rates
from app.reports.readiness import readiness
from app.reports.trend_schemas import TrendReport
from app.reports.trend_service import previous_wave, trend, wave_contexts

router = APIRouter()

PDF = "application/pdf"


def slug(name: str, *, ascii_only: bool = False) -> str:
    """A name in a file name as the console writes a wave's title in `links-Cultuurmeting-2027.csv`
    (console-links.js: every run of characters other than letters and digits one hyphen, the case kept), without
    hyphens at the ends; `ascii_only`: accents dropped and other letters left out too (the `filename` a browser
    that ignores `filename*` uses, and a header can carry)."""
    if ascii_only:
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:80]
    return re.sub(r"[\W_]+", "-", name).strip("-")[:80]


def file_name(ctx: ReportContext, lang: Lang) -> str:
    """`board-report-<lang>-<organisation>-<wave>[-<unit>].pdf`: successive downloads of other organisations,
    waves and units do not overwrite each other."""
    scope = [] if ctx.scope is None else [ctx.unit_name(ctx.scope)]
    return "-".join(["board-report", lang, *(slug(x) or "x" for x in (ctx.organisation.name, ctx.survey.title,
                                                                       *scope))]) + ".pdf"


def content_disposition(name: str) -> str:
    """`attachment` with the name in ASCII (`filename`, which the dashboard's download reads) and, where that lost
    letters, in UTF-8 (`filename*`, RFC 6266)."""
    plain = "-".join(slug(part, ascii_only=True) or "x" for part in name.removesuffix(".pdf").split("-")) + ".pdf"
    extra = f"; filename*=UTF-8''{quote(name)}" if plain != name else ""
    return f'attachment; filename="{plain}"{extra}'


def _pooled_keys(ctx: ReportContext) -> tuple[str, str] | None:
    """All leadership layers against the reference layer (employees, or the bottom layer), for a unit scope."""
    if ctx.scope is None or len(ctx.layers) < 2:
        return None
    reference = ctx.layer_by_key.get("employee", ctx.layers[-1])
    return ",".join(layer.key for layer in ctx.layers if layer.id != reference.id), reference.key


def _trend(session: SessionDep, ctx: ReportContext, lang: Lang) -> TrendReport | None:
    """The scope against the previous wave (the `trend` report's default), or None when there is none."""
    try:
        earlier = previous_wave(session, ctx)
    except Unprocessable:
        return None
    return trend(wave_contexts(session, ctx, earlier), lang)


def _scale(ctx: ReportContext, lang: Lang) -> tuple[int, int] | list[tuple[str, int, int]]:
    """The questionnaire's one scale, or each dimension's (name, min, max) when they differ."""
    s = ctx.data.scale
    if s.uniform:
        return s.scale_min, s.scale_max
    names = {d.key: d.names.get(lang) or next(iter(d.names.values()), d.key) for d in ctx.data.definition.dimensions}
    return [(names.get(key, key), int(s.dimension_min[d]), int(s.dimension_max[d]))
            for d, key in enumerate(s.dimensions)]


def _ranges(ctx: ReportContext) -> dict[str, tuple[int, int]]:
    s = ctx.data.scale
    return {key: (int(s.dimension_min[d]), int(s.dimension_max[d])) for d, key in enumerate(s.dimensions)}


def plan_data(session: SessionDep, ctx: ReportContext, principal: Principal, lang: Lang) -> PlanData:
    """What the drivers, actions and comment-themes endpoints give this caller for the scope, by their own code."""
    report: DriverReport | None = None
    refused = None
    try:  # the drivers report's default resamples and seed: the same intervals as it gives
        report = scope_driver_report(session, ctx, principal, lang, resamples=RESAMPLES, seed=SEED)
    except Unprocessable as e:
        refused = str((e.errors or [{}])[0].get("type", ""))
    rows = action_service.list_visible(session, ctx.survey, ctx.tree, principal, ctx.scope)
    asked = bool(comment_service.settings_of(session, ctx.survey).questions)
    names = {d.key: d.names.get(lang) or next(iter(d.names.values()), d.key) for d in ctx.data.definition.dimensions}
    earlier = earlier_effects(session, ctx.organisation, ctx.survey, ctx.tree, principal, ctx.scope, lang)
    return PlanData(focus=report, focus_refused=refused, min_respondents=min_respondents(ctx),
                    actions=action_service.to_read(session, ctx.survey, ctx.tree, rows), earlier=earlier,
                    wave_titles={s.id: s.title for s in earlier_waves(session, ctx.survey)} if earlier else {},
                    themes=comment_service.themes(session, ctx) if asked else None, theme_names=names)


def board_data(session: SessionDep, ctx: ReportContext, lang: Lang, principal: Principal) -> BoardData:
    perception = perception_gaps(ctx, *layer_sets(ctx, None, None, None), lang) if len(ctx.layers) >= 2 else None
    single_hidden = perception is None or any(c.suppressed for c in perception.comparisons) or not any(
        f.difference is not None for c in perception.comparisons for f in c.dimensions)
    keys = _pooled_keys(ctx) if single_hidden else None
    pooled = perception_gaps(ctx, *layer_sets(ctx, None, *keys), lang) if keys else None
    asked = bool(ctx.survey.ask_desired and ctx.data.desired is not None)
    return BoardData(
        organisation=ctx.organisation.name, survey_title=ctx.survey.title, published_at=ctx.survey.published_at,
        scope=group_ref(ctx, ctx.scope), k=ctx.k, scale=_scale(ctx, lang),
        rates=response_rates(session, ctx, "children"), readiness=readiness(ctx, "auto", lang),
        heatmap=heatmap(ctx, "tree", lang), perception=perception or perception_gaps(ctx, [], None, lang),
        pooled=pooled, desired=desired_gap(ctx, "scope", lang) if asked else None,
        statements=item_profile(session, ctx, lang),
        layer_names={layer.key: layer.names.get(lang) or layer.names.get("en") or layer.key for layer in ctx.layers},
        trend=_trend(session, ctx, lang), ranges=_ranges(ctx),
        plan=plan_data(session, ctx, principal, lang))


@router.get("/board-report", name="get_board_report", response_class=Response, responses={
    200: {"description": "The board report as PDF (`format=pdf`) or as the HTML it is printed from (`format=html`)",
          "content": {PDF: {"schema": {"type": "string", "format": "binary"}},
                      "text/html": {"schema": {"type": "string"}}}},
    **problem_responses(503)})
def get_board_report(
    ctx: ReportDep, session: SessionDep, principal: CurrentKey, lang: LangQuery = "en",
    format: Annotated[Literal["pdf", "html"], Query(description="`pdf` (printed by headless Chromium) or `html`")]
    = "pdf",
) -> Response:
    """The board report of the scope (the organisation or `unit_id`'s subtree), in Dutch or English: readiness
    summary (with the change in each dimension's score since the previous wave), where to start for knowledge
    sharing (the `drivers` report's focus areas with their bootstrap intervals, or a sentence why there are none),
    the scope's action plan per unit and dimension, what the previous wave planned with each action's unit then and
    now (`earlier-actions`), the comment themes (the `comment-themes` report's counts, only where it shows
    them), heatmap (directorates, departments, teams), perception gaps (all leaders together against the employees
    where single layers are hidden), room to grow (desired against current), the statements (with their change since
    the previous wave), response rates, and a note on method and anonymity.

    Every figure is one the other reports publish for the same scope and key, through the same protection: a hidden
    figure is printed as "not shown" with its reason, never as a number. **503** (problem details, with the reason)
    when the server cannot print PDF (no Chromium: install Debian's `chromium` or set `CHROMIUM_PATH`)."""
    html = build_html(board_data(session, ctx, lang, principal), lang)
    headers = {"Cache-Control": "no-store"}
    if format == "html":
        return HTMLResponse(html, headers=headers)
    return Response(html_to_pdf(html), media_type=PDF,
                    headers={**headers, "Content-Disposition": content_disposition(file_name(ctx, lang))})

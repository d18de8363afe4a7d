"""Comment settings, and reading comments and their themes under the anonymity map built at the comment threshold.

A group's comments are shown only when the group is visible in the survey's suppression map built with k = the
comment threshold T (>= the survey's minimum group size): the same construction as every published figure
(`app.reports.maps`), so a group shows comments only with at least T respondents, and never where a group of fewer
than T could be had by subtracting one visible group from another. Membership follows that map's roll-up. Only
published comments (those of published responses) count, so they do not move with one more response. The order is
random on every read: storage order would say who answered when.
"""

import random
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.comments.models import Comment, CommentSettings
from app.comments.schemas import (
    DEFAULT_THRESHOLD,
    CommentRead,
    CommentSettingsIn,
    CommentSettingsRead,
    CommentsReport,
    CountedElsewhere,
    OpenQuestion,
    ThemeCount,
    ThemesReport,
)
from app.comments.themes import DEFAULT_THEMES, theme_counts
from app.errors import Conflict, NotFound, Unprocessable
from app.reports.anonymity import ALL, AllLayers
from app.reports.context import ReportContext
from app.reports.maps import map_base, suppression_map
from app.reports.rollup import RollUp
from app.surveys.models import Survey, SurveyStatus

_shuffle = random.SystemRandom().shuffle


def settings_of(session: Session, survey: Survey) -> CommentSettingsRead:
    row = session.get(CommentSettings, survey.id)
    questions = [OpenQuestion.model_validate(q) for q in (row.questions if row else [])]
    threshold = row.threshold if row else max(DEFAULT_THRESHOLD, survey.min_group_size)
    own = row.themes if row else None  # null: the defaults, which follow improvements to them
    return CommentSettingsRead(survey_id=survey.id, questions=questions,
                               threshold=max(threshold, survey.min_group_size),
                               themes=DEFAULT_THEMES if own is None else own, themes_are_defaults=own is None,
                               default_themes=DEFAULT_THEMES)


def put_settings(session: Session, survey: Survey, data: CommentSettingsIn) -> tuple[CommentSettingsRead, list[str]]:
    """Replace the settings; the questions may change only while the survey is a draft (409 after: answers to
    them may exist). The names of what changed."""
    errors: list[dict[str, Any]] = []
    keys = [q.key for q in data.questions]
    for i, q in enumerate(data.questions):
        if keys.count(q.key) > 1:
            errors.append({"loc": ["body", "questions", i, "key"], "msg": "duplicate key", "type": "duplicate"})
        missing = [lang for lang in survey.languages if lang not in q.texts]
        if missing:
            errors.append({"loc": ["body", "questions", i, "texts"], "msg": f"needs the survey's languages: "
                           f"{', '.join(missing)}", "type": "missing_language"})
    threshold = data.threshold if data.threshold is not None else max(DEFAULT_THRESHOLD, survey.min_group_size)
    if threshold < survey.min_group_size:
        errors.append({"loc": ["body", "threshold"], "msg": f"at least the survey's minimum group size "
                       f"({survey.min_group_size})", "type": "below_minimum_group_size"})
    if errors:
        raise Unprocessable("The comment settings are not valid; nothing was changed.", errors=errors)
    row = session.get(CommentSettings, survey.id)
    before = settings_of(session, survey)
    questions = [q.model_dump() for q in data.questions]
    if [q.model_dump() for q in before.questions] != questions and survey.status is not SurveyStatus.draft:
        raise Conflict("The open questions can change only while the survey is a draft.")
    if row is None:
        row = CommentSettings(survey_id=survey.id)
        session.add(row)
    row.questions, row.threshold, row.themes = questions, threshold, data.themes
    session.flush()
    after = settings_of(session, survey)
    changed = [name for name in ("questions", "threshold", "themes")
               if getattr(before, name) != getattr(after, name)]
    if "themes" not in changed and before.themes_are_defaults != after.themes_are_defaults:
        changed.append("themes")
    return after, changed


def _layer(ctx: ReportContext, layer_key: str | None) -> uuid.UUID | AllLayers:
    if layer_key is None:
        return ALL
    layer = ctx.layer_by_key.get(layer_key)
    if layer is None:
        msg = "no such layer in this organisation"
        raise Unprocessable(msg, errors=[{"loc": ["query", "layer"], "msg": msg, "type": "not_found"}])
    return layer.id


@dataclass(frozen=True)
class _Group:
    threshold: int
    reason: str | None  # why the group is hidden (None: shown)
    rows: list[Comment]  # its comments when shown
    counted_elsewhere: list[CountedElsewhere]  # its roll-up where it differs from the tree (shown groups)


def _group(session: Session, ctx: ReportContext, layer: uuid.UUID | AllLayers, *, hidden: bool,
           question: str | None) -> _Group:
    """The threshold, why the group is hidden (None: shown), and its comments and roll-up when shown."""
    threshold = settings_of(session, ctx.survey).threshold
    if ctx.data.n == 0:
        return _Group(threshold, "below_minimum", [], [])
    smap = suppression_map(ctx.data, ctx.tree, ctx.layers, threshold)
    if not smap.visible(ctx.scope, layer):
        return _Group(threshold, str(smap.reason(ctx.scope, layer) or "below_minimum"), [], [])
    rollup = map_base(ctx.data, ctx.tree, ctx.layers, threshold).rollup
    query = select(Comment).where(Comment.survey_id == ctx.survey.id, Comment.published.is_(True))
    if not hidden:
        query = query.where(Comment.hidden.is_(False))
    if question is not None:
        query = query.where(Comment.question_key == question)
    rows = []
    for row in session.scalars(query):
        at = rollup.reporting_unit(row.unit_id)
        inside = ctx.scope is None or (at is not None and at in ctx.tree.units and ctx.tree.is_within(at, ctx.scope))
        if inside and (isinstance(layer, AllLayers) or row.layer_id == layer):
            rows.append(row)
    return _Group(threshold, None, rows, _counted_elsewhere(ctx, rollup))


def _counted_elsewhere(ctx: ReportContext, rollup: RollUp) -> list[CountedElsewhere]:
    """The moves of the roll-up that change who is in the scope's group: out of the scope's subtree or up within
    it, and into it from outside (the organisation's top moved to the board's unit)."""
    scope, tree = ctx.scope, ctx.tree

    def within(unit: uuid.UUID | None) -> bool:
        return scope is None or (unit is not None and unit in tree.units and tree.is_within(unit, scope))

    return [CountedElsewhere(unit_id=u, unit_path=ctx.unit_path(u), counted_at=ctx.unit_path(at))
            for u, at in sorted(rollup.counted_at.items(), key=lambda pair: str(pair[0]))
            if at != u and u in ctx.tree.units and (within(u) or within(at))]


def comments(session: Session, ctx: ReportContext, layer_key: str | None, question: str | None,
             include_hidden: bool) -> CommentsReport:
    layer = _layer(ctx, layer_key)
    group = _group(session, ctx, layer, hidden=include_hidden, question=question)
    shown = [CommentRead(id=r.id, question_key=r.question_key, text=r.text, hidden=r.hidden) for r in group.rows]
    _shuffle(shown)
    return CommentsReport(survey_id=ctx.survey.id, unit_id=ctx.scope, layer_key=layer_key,
                          threshold=group.threshold, shown=group.reason is None, reason=group.reason, comments=shown,
                          counted_elsewhere=group.counted_elsewhere)


def themes(session: Session, ctx: ReportContext) -> ThemesReport:
    settings = settings_of(session, ctx.survey)
    group = _group(session, ctx, ALL, hidden=False, question=None)
    counts = theme_counts((r.text for r in group.rows), settings.themes)
    out = [ThemeCount(key=key, count=count if group.reason is None and count >= group.threshold else None)
           for key, count in counts.items()]
    return ThemesReport(survey_id=ctx.survey.id, unit_id=ctx.scope, threshold=group.threshold,
                        shown=group.reason is None, reason=group.reason, themes=out,
                        counted_elsewhere=group.counted_elsewhere)


def get_comment(session: Session, survey: Survey, comment_id: uuid.UUID) -> Comment:
    row = session.get(Comment, comment_id)
    if row is None or row.survey_id != survey.id:
        raise NotFound("No such comment.")
    return row

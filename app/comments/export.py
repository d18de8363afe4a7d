"""The comments as a k-anonymous table, the only way they leave the service in bulk.

Columns: `unit_path` (`*` for the organisation as a whole), `unit_key`, `layer` (a layer key, `*leaders` or `*`),
`question_key`, `text` (as stored: masked). Per open question separately -- one comment per respondent and
question, so k rows are k people -- the describing values are generalised by `app.anonymity.generalise` with k =
the comment threshold, each row starting where the map at that threshold counts its unit (the same roll-up as the
comments report), so every combination of unit and layer of a question occurs in k rows or more. Published,
not hidden comments only; rows in the order of their random ids.

Only comments that some comments report shows are exported: all of them when the organisation's group is shown at
the threshold, else those of the topmost units shown (a unit's comments are those its report lists, by the same
roll-up). The file's set is then a sum of groups the reports show, never "the organisation minus a unit shown": with
the organisation hidden to protect a small board, the whole set beside a directorate's would give the board's
comments (our attacker found exactly that). How many were left out so is not said (it would be that small group's
count).
"""

import uuid
from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.anonymity.generalise import ANY, Atom, UnitRef, generalise
from app.comments.models import Comment
from app.comments.service import settings_of
from app.exports.tables import Cell, Table
from app.orgs.models import Layer
from app.reports.anonymity import SuppressionMap
from app.reports.data import load_survey_data
from app.reports.maps import map_base, suppression_map
from app.reports.rollup import RollUp
from app.surveys.models import Survey
from app.units.tree import UnitTree

HEADER = ["unit_path", "unit_key", "layer", "question_key", "text"]


def comments_table(session: Session, survey: Survey, tree: UnitTree, layers: list[Layer]) -> tuple[Table, int]:
    """The table, and how many comments of groups shown were left out (a question with fewer than k of them)."""
    k = settings_of(session, survey).threshold
    rows = list(session.execute(select(Comment.question_key, Comment.unit_id, Comment.layer_id, Comment.text)
                                .where(Comment.survey_id == survey.id, Comment.published.is_(True),
                                       Comment.hidden.is_(False)).order_by(Comment.id)))
    key_of = {layer.id: layer.key for layer in layers}
    start: dict[UnitRef, UnitRef] = {}
    if rows:
        data = load_survey_data(session, survey)
        rollup = map_base(data, tree, layers, k).rollup
        shown = _shown_units(suppression_map(data, tree, layers, k), tree, rollup)
        if shown is not None:
            rows = [r for r in rows if r.unit_id is not None and shown(r.unit_id)]
        for unit in tree.units:
            at = rollup.reporting_unit(unit)
            if at != unit:
                start[unit] = at if at is None or tree.is_within(unit, at) else None
    by_question: dict[str, dict[Atom, int]] = defaultdict(dict)
    for question, unit, layer, _ in rows:
        atom: Atom = (unit, key_of.get(layer, "") if layer is not None else "", "", "")
        by_question[question][atom] = by_question[question].get(atom, 0) + 1
    names: dict[UnitRef, list[str]] = {u: ["/".join(tree.path(u)), tree.units[u].external_key or ""]
                                       for u in tree.units}
    plans = {q: generalise(atoms, parent_of={u: tree.units[u].parent_id for u in tree.units}, k=k,
                           leaders={layer.key for layer in layers[:-1]},
                           layer_detail={None, *(u for u in tree.units if tree.children.get(u))}, start=start)
             for q, atoms in by_question.items()}
    out: list[list[Cell]] = []
    left_out = 0
    for question, unit, layer, text in rows:
        written = plans[question].of((unit, key_of.get(layer, "") if layer is not None else "", "", ""))
        if written is None:
            left_out += 1
            continue
        where = names[written[0]] if written[0] is not None else [ANY, ""]
        out.append([*where, written[1], question, text])
    return Table(f"comments-{survey.id}", HEADER, out, comment=f"# k-anonymous comments: k={k}, rows={len(out)}, "
                 f"rows suppressed={left_out}", sheet="comments"), left_out


def _shown_units(smap: SuppressionMap, tree: UnitTree, rollup: RollUp) -> Callable[[uuid.UUID], bool] | None:
    """Whether a respondent's unit lies, as the comments report places it (its reporting unit), in a unit whose
    comments are shown; None when the organisation's are (then every comment is in a group shown)."""
    if smap.visible(None):
        return None
    visible = {u for u in tree.units if smap.visible(u)}

    def shown(unit: uuid.UUID) -> bool:
        at = rollup.reporting_unit(unit)
        return at is not None and at in tree.units and (at in visible or any(a in visible for a in tree.ancestors(at)))

    return shown

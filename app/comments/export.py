"""The comments as a k-anonymous table, the only way they leave the service in bulk.

Columns: `unit_path` (`*` for the organisation as a whole), `unit_key`, `layer` (a layer key, `*leaders` or `*`),
`question_key`, `text` (as stored: masked). Per open question separately -- one comment per respondent and
question, so k rows are k people -- the describing values are generalised by `app.anonymity.generalise` with k =
the comment threshold, each row starting where the map at that threshold counts its unit (the same roll-up as the
comments report), so every combination of unit and layer of a question occurs in k rows or more. Published,
not hidden comments only; rows in the order of their random ids.
"""

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.anonymity.generalise import ANY, Atom, UnitRef, generalise
from app.comments.models import Comment
from app.comments.service import settings_of
from app.exports.tables import Cell, Table
from app.orgs.models import Layer
from app.reports.data import load_survey_data
from app.reports.maps import map_base
from app.surveys.models import Survey
from app.units.tree import UnitTree

HEADER = ["unit_path", "unit_key", "layer", "question_key", "text"]


def comments_table(session: Session, survey: Survey, tree: UnitTree, layers: list[Layer]) -> tuple[Table, int]:
    """The table, and how many comments were left out (a question with fewer than k comments in all)."""
    k = settings_of(session, survey).threshold
    rows = list(session.execute(select(Comment.question_key, Comment.unit_id, Comment.layer_id, Comment.text)
                                .where(Comment.survey_id == survey.id, Comment.published.is_(True),
                                       Comment.hidden.is_(False)).order_by(Comment.id)))
    key_of = {layer.id: layer.key for layer in layers}
    start: dict[UnitRef, UnitRef] = {}
    if rows:
        rollup = map_base(load_survey_data(session, survey), tree, layers, k).rollup
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

"""Which responses a survey's figures rest on: the published ones.

A response arrives unpublished (`Response.published` false). Reports show figures of published responses only, so
the figures of a wave don't move while it is open: a team leader who reads the dashboard before and after a
colleague says "I just filled it in" sees the same figures. Response counts and rates stay live (they count every
response; a count says that someone answered, not what).

Publication happens when a survey stops taking responses: at its close, and after an import into a survey that is
not open (imported data is historical). The first publication takes every response. A later one (after a reopening,
or another import) would let anyone who kept the earlier figures subtract them from the new ones: it takes the
waiting responses only when every atom -- respondents of one unit exactly and one layer -- received none or at least
the survey's minimum group size of them, in all and in every respondent set a figure rests on (those who answered
all of a dimension's statements in a frame: a late respondent who skipped one would otherwise make a dimension's
set grow by fewer than k). Any difference of figures between the two publications is then a sum over atoms that
each add 0 or >= k respondents to every set. Otherwise they wait (counted in the rates, not in the figures) until a
later publication finds them numerous enough.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.comments.models import Comment
from app.db import utcnow
from app.questionnaires.service import load_definition
from app.reports.data import membership
from app.responses.models import Response
from app.surveys.models import Survey


@dataclass(frozen=True)
class Publication:
    published: int  # responses published now
    waiting: int  # responses that still wait


def waiting_by_atom(session: Session, survey: Survey) -> npt.NDArray[np.int64]:
    """The unpublished responses per (unit, layer) atom (rows), in all and in each respondent set of the figures
    (columns: those complete on a dimension in a frame, `app.reports.data.membership`)."""
    r = Response
    rows = session.execute(select(r.unit_id, r.layer_id, r.current, r.desired)
                           .where(r.survey_id == survey.id, r.published.is_(False))).all()
    if not rows:
        return np.zeros((0, 1), dtype=np.int64)
    definition = load_definition(session, survey.questionnaire_id)
    members = membership(definition, [row.current for row in rows],
                         [row.desired for row in rows] if survey.ask_desired else None)
    atoms: dict[tuple[object, object], int] = {}
    codes = np.array([atoms.setdefault((row.unit_id, row.layer_id), len(atoms)) for row in rows])
    counts = np.zeros((len(atoms), members.shape[1]), dtype=np.int64)
    np.add.at(counts, codes, members.astype(np.int64))
    return counts


def publish(session: Session, survey: Survey) -> Publication:
    """Publish the survey's waiting responses if the rule of the module docstring allows it."""
    counts = waiting_by_atom(session, survey)
    waiting = int(counts[:, 0].sum())
    if not waiting:
        return Publication(0, 0)
    k = survey.min_group_size
    if survey.published_at is not None and ((counts > 0) & (counts < k)).any():
        return Publication(0, waiting)
    session.execute(update(Response).where(Response.survey_id == survey.id, Response.published.is_(False))
                    .values(published=True))
    # Comments arrive with their responses (in the same transaction), so the waiting comments are those of the
    # waiting responses: they are published together.
    session.execute(update(Comment).where(Comment.survey_id == survey.id, Comment.published.is_(False))
                    .values(published=True))
    survey.published_at = utcnow()
    session.flush()
    return Publication(waiting, 0)

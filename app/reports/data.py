"""Loading a survey's answers for scoring: one query, decoded into numpy arrays, cached per survey.

The cache key includes the survey's response count, so a new submission or import (responses are only ever added;
a survey's deletion removes the survey itself) makes the next report read the rows again. Each worker process keeps
its own small cache; nothing is shared between processes, so several workers stay correct.
"""

import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.questionnaires.service import QuestionnaireDefinition, load_definition
from app.responses.codec import DONT_KNOW, MISSING
from app.responses.models import Response
from app.stats import Scale
from app.surveys.models import Survey

CACHE_SIZE = 8
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class SurveyData:
    """Respondents x items answers of one survey (NaN = missing or don't know), with each respondent's unit and
    layer as codes into `unit_ids` / `layer_ids` (a layer id may be None for imported data without a layer)."""

    survey_id: uuid.UUID
    definition: QuestionnaireDefinition
    scale: Scale
    unit_ids: tuple[uuid.UUID, ...]
    layer_ids: tuple[uuid.UUID | None, ...]
    unit_codes: npt.NDArray[np.int64]
    layer_codes: npt.NDArray[np.int64]
    current: npt.NDArray[np.float32]
    desired: npt.NDArray[np.float32] | None
    dont_know: npt.NDArray[np.int64]  # per item: how many chose "don't know" (current frame)
    # per respondent and item: chose "don't know" (current frame); each respondent's answering language as a code
    # into `languages` (None: not recorded, e.g. imported)
    dont_know_answers: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    languages: tuple[str | None, ...] = ()
    language_codes: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n(self) -> int:
        return int(self.current.shape[0])


def scale_of(definition: QuestionnaireDefinition) -> Scale:
    return Scale.from_items([i.dimension_key for i in definition.items], scale_min=definition.scale_min,
                            scale_max=definition.scale_max, reverse=[i.reverse for i in definition.items])


def _decode(blobs: list[bytes], width: int) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    codes = np.frombuffer(b"".join(blobs), dtype=np.int8).reshape(len(blobs), width)
    values = codes.astype(np.float32)
    values[codes <= DONT_KNOW] = np.nan
    return values, codes == DONT_KNOW


def _codes(values: list[T]) -> tuple[tuple[T, ...], npt.NDArray[np.int64]]:
    index: dict[T, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return tuple(index), codes


def _read(session: Session, survey: Survey) -> SurveyData:
    definition = load_definition(session, survey.questionnaire_id)
    rows = session.execute(select(Response.unit_id, Response.layer_id, Response.current, Response.desired,
                                  Response.language).where(Response.survey_id == survey.id)).all()
    width = len(definition.items)
    unit_ids, unit_codes = _codes([r[0] for r in rows])
    layer_ids, layer_codes = _codes([r[1] for r in rows])
    languages, language_codes = _codes([r[4] for r in rows])
    current, dont_know = _decode([r[2] for r in rows], width)
    desired = None
    if survey.ask_desired:
        unanswered = bytes([MISSING & 0xFF]) * width  # imported rows may lack the desired frame
        desired, _ = _decode([r[3] if r[3] is not None else unanswered for r in rows], width)
    return SurveyData(survey_id=survey.id, definition=definition, scale=scale_of(definition),
                      unit_ids=tuple(u for u in unit_ids if u is not None), layer_ids=layer_ids,
                      unit_codes=unit_codes, layer_codes=layer_codes, current=current, desired=desired,
                      dont_know=dont_know.sum(axis=0).astype(np.int64), dont_know_answers=dont_know,
                      languages=languages, language_codes=language_codes)


_cache: OrderedDict[tuple[uuid.UUID, int], SurveyData] = OrderedDict()
_lock = threading.Lock()
_erased: set[uuid.UUID] = set()  # deleted surveys: never cached again (survey ids are never reused)


def is_erased(survey_id: uuid.UUID) -> bool:
    return survey_id in _erased


def forget_survey_data(survey_ids: list[uuid.UUID]) -> None:
    """Drop deleted surveys' answers from this process's cache for good: a report that was still loading them
    when they were deleted does not put them back."""
    with _lock:
        _erased.update(survey_ids)
        for key in [k for k in _cache if k[0] in _erased]:
            del _cache[key]


def load_survey_data(session: Session, survey: Survey) -> SurveyData:
    count = session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id)) or 0
    key = (survey.id, count)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = _read(session, survey)
    with _lock:
        if survey.id in _erased:
            return data
        for stale in [k for k in _cache if k[0] == survey.id]:  # older counts of this survey are never asked again
            del _cache[stale]
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data

"""Loading a survey's answers for scoring: one query, decoded into numpy arrays, cached per survey.

On PostgreSQL the query groups the responses by (unit, layer, language) and concatenates each group's packed
answers, so a survey of 100,000 respondents comes back as a few thousand rows of bytes that numpy decodes at once
(no Python object per respondent). SQLite reads the rows one by one and decodes them the same way.

Only published responses are read (`app.responses.publication`): the figures of an open wave don't move.

One respondent set per dimension and frame: a respondent's answers to a dimension count in the figures only when
they answered every item of that dimension on the scale in that frame (no "don't know", no blank); otherwise all of
that dimension's answers of theirs are left out (NaN) of `current` / `desired`. Every figure of a dimension -- its
scale scores, each of its items, their shares and distributions -- then rests on the same respondents, so no
identity between figures (a score is the mean of its items, a pooled share the sum of the items') can single out
the few who left something out. What they answered is kept in `answered` (and `dont_know_answers`) for the
counts of don't-know and blank answers.

The cache key includes the survey's count of published responses, so a publication makes the next report read the
rows again. Each worker process keeps its own small cache; nothing is shared between processes, so several workers
stay correct.
"""

import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from sqlalchemy import LargeBinary, func, literal, select, text
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
    """Respondents x items answers of one survey's published responses (NaN = missing, don't know, or left out
    because the respondent did not complete that dimension in that frame: module docstring), with each
    respondent's unit and layer as codes into `unit_ids` / `layer_ids` (a layer id may be None for imported data
    without a layer)."""

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
    # per respondent and item: answered on the scale in the current frame, whether or not the dimension is complete
    answered: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))

    @property
    def n(self) -> int:
        return int(self.current.shape[0])


def scale_of(definition: QuestionnaireDefinition) -> Scale:
    return Scale.from_items([i.dimension_key for i in definition.items], scale_min=definition.scale_min,
                            scale_max=definition.scale_max, reverse=[i.reverse for i in definition.items],
                            ranges=definition.ranges)


_SIGNED_BYTES = np.arange(256, dtype=np.uint8).view(np.int8)
_VALUE_OF_BYTE = np.where(_SIGNED_BYTES <= DONT_KNOW, np.nan, _SIGNED_BYTES).astype(np.float32)
"""A stored byte's scale point (NaN for missing and "don't know"), looked up for all answers at once."""


def _decode(codes: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    return _VALUE_OF_BYTE[codes], codes == (DONT_KNOW & 0xFF)


def complete_dimensions(answers: npt.NDArray[np.float32], scale: Scale) -> npt.NDArray[np.float32]:
    """`answers` with every dimension a respondent did not answer completely (an item NaN) set to NaN."""
    missing = np.isnan(answers)
    of_dimension = np.zeros((scale.n_items, scale.n_dimensions), dtype=np.float32)
    of_dimension[np.arange(scale.n_items), scale.item_dimension] = 1.0
    incomplete = (missing.astype(np.float32) @ of_dimension) > 0  # respondents x dimensions: an item missing
    return np.where(incomplete[:, scale.item_dimension], np.float32(np.nan), answers)


def membership(definition: QuestionnaireDefinition, current: Sequence[bytes],
               desired: Sequence[bytes | None] | None) -> npt.NDArray[np.bool_]:
    """Respondents x respondent sets of the figures: everyone, then those complete on each dimension in the
    current frame, then in the desired frame (`desired` None: not asked). From stored answers."""
    width, scale = len(definition.items), scale_of(definition)
    unanswered = bytes([MISSING & 0xFF]) * width
    frames = [b"".join(current)] + ([b"".join(d or unanswered for d in desired)] if desired is not None else [])
    first = [int(scale.items_of(d)[0]) for d in range(scale.n_dimensions)]
    columns = [np.ones(len(current), dtype=bool)]
    for blob in frames:
        values = _decode(np.frombuffer(blob, dtype=np.uint8).reshape(len(current), width))[0]
        columns += list((~np.isnan(complete_dimensions(values, scale)[:, first])).T)
    return np.column_stack(columns)


def _codes(values: list[T]) -> tuple[tuple[T, ...], npt.NDArray[np.int64]]:
    index: dict[T, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return tuple(index), codes


Group = tuple[uuid.UUID, uuid.UUID | None, str | None, int, bytes]
"""(unit, layer, language, respondents, their packed answers one after another: each respondent's current frame,
then, when the survey asks it, their desired frame)."""


def _groups(session: Session, survey: Survey, width: int, count: int) -> list[Group]:
    """The answers by (unit, layer, language). On PostgreSQL one grouped query concatenates each group's answers
    (a few thousand rows instead of one per respondent, and no per-row decoding); elsewhere (SQLite, the embedded
    default) each response is its own group. `count`: the survey's responses (to size PostgreSQL's work memory)."""
    r = Response
    unanswered = bytes([MISSING & 0xFF]) * width  # imported rows may lack the desired frame
    if session.get_bind().dialect.name != "postgresql":
        rows = session.execute(select(r.unit_id, r.layer_id, r.language, r.current, r.desired)
                               .where(r.survey_id == survey.id, r.published.is_(True))).all()
        if not survey.ask_desired:
            return [(u, layer, lang, 1, current) for u, layer, lang, current, _ in rows]
        return [(u, layer, lang, 1, current + (desired if desired is not None else unanswered))
                for u, layer, lang, current, desired in rows]
    # Enough memory for this transaction to group in a hash table; with the default 4 MB PostgreSQL sorts the
    # answers on disk first, three times slower.
    work_kb = min(max(4096, count * (2 * width + 64) * 3 // 1024), 1024 * 1024)
    session.execute(text(f"SET LOCAL work_mem = '{int(work_kb)}kB'"))
    payload = r.current.concat(func.coalesce(r.desired, unanswered)) if survey.ask_desired else r.current
    answers = func.string_agg(payload, literal(b"", LargeBinary), type_=LargeBinary)
    grouped = (select(r.unit_id, r.layer_id, r.language, func.count(), answers)
               .where(r.survey_id == survey.id, r.published.is_(True)).group_by(r.unit_id, r.layer_id, r.language))
    return [(u, layer, lang, int(n), blob) for u, layer, lang, n, blob in session.execute(grouped)]


def _read(session: Session, survey: Survey, count: int) -> SurveyData:
    definition = load_definition(session, survey.questionnaire_id)
    width = len(definition.items)
    groups = _groups(session, survey, width, count)
    sizes = np.fromiter((g[3] for g in groups), dtype=np.int64, count=len(groups))
    unit_ids, unit_codes = _codes([g[0] for g in groups])
    layer_ids, layer_codes = _codes([g[1] for g in groups])
    languages, language_codes = _codes([g[2] for g in groups])
    frames = 2 if survey.ask_desired else 1
    codes = np.frombuffer(b"".join(g[4] for g in groups), dtype=np.uint8).reshape(int(sizes.sum()), frames * width)
    current, dont_know = _decode(codes[:, :width])
    scale = scale_of(definition)
    desired = complete_dimensions(_decode(codes[:, width:])[0], scale) if survey.ask_desired else None
    return SurveyData(survey_id=survey.id, definition=definition, scale=scale,
                      unit_ids=unit_ids, layer_ids=layer_ids, unit_codes=np.repeat(unit_codes, sizes),
                      layer_codes=np.repeat(layer_codes, sizes), current=complete_dimensions(current, scale),
                      desired=desired, dont_know=dont_know.sum(axis=0).astype(np.int64), dont_know_answers=dont_know,
                      languages=languages, language_codes=np.repeat(language_codes, sizes),
                      answered=~np.isnan(current))


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


def published_count(session: Session, survey: Survey) -> int:
    return session.scalar(select(func.count()).select_from(Response)
                          .where(Response.survey_id == survey.id, Response.published.is_(True))) or 0


def load_survey_data(session: Session, survey: Survey) -> SurveyData:
    count = published_count(session, survey)
    key = (survey.id, count)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = _read(session, survey, count)
    with _lock:
        if survey.id in _erased:
            return data
        for stale in [k for k in _cache if k[0] == survey.id]:  # older counts of this survey are never asked again
            del _cache[stale]
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data

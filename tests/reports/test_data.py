"""The report loader reads every published response back exactly, on either engine (PostgreSQL groups the rows in
the query, SQLite reads them one by one): answers, "don't know", missing, a desired frame left out, layers and
languages left out, a dimension left incomplete (all of its answers out of the figures), unpublished responses not
at all, and the cache seeing a new publication."""

import uuid

import numpy as np
from sqlalchemy import insert

from app.responses.codec import DONT_KNOW_VALUE, pack
from app.responses.models import Response
from tests.factories import OrgContext
from tests.respond_factories import db_execute
from tests.survey_factories import builtin_questionnaire, create_survey


def _load(survey_id: str):  # type: ignore[no-untyped-def]
    from app.db import get_sessionmaker
    from app.reports.data import load_survey_data
    from app.surveys.models import Survey

    with get_sessionmaker()() as session:
        return load_survey_data(session, session.get_one(Survey, uuid.UUID(survey_id)))


def _stored(org: OrgContext, survey_id: str, width: int) -> list[dict[str, object]]:
    """Responses of every kind the loader must decode, written straight to the database."""
    rng = np.random.default_rng(4)
    units = [uuid.UUID(org.unit(name)) for name in ("Team A", "Team B", "Team C")]
    layers = [uuid.UUID(org.layers["employee"]), uuid.UUID(org.layers["team_leader"]), None]
    rows = []
    for i in range(60):
        current = [None if r < 0.1 else DONT_KNOW_VALUE if r < 0.2 else int(v)
                   for r, v in zip(rng.random(width), rng.integers(1, 6, width), strict=True)]
        desired = None if i % 7 == 0 else [int(v) for v in rng.integers(1, 6, width)]
        rows.append({"id": uuid.uuid4(), "survey_id": uuid.UUID(survey_id), "unit_id": units[i % 3],
                     "layer_id": layers[i % 5 % 3], "language": [None, "en", "nl"][i % 2 + (i % 11 == 0)],
                     "source": "import", "current": pack(current),
                     "desired": None if desired is None else pack(desired), "published": True})
    for row in rows:
        db_execute(insert(Response).values(**row))
    return rows


def _as_rows(data) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    out = []
    for i in range(data.n):
        desired = None if data.desired is None else data.desired[i].tobytes()
        out.append((data.unit_ids[data.unit_codes[i]], data.layer_ids[data.layer_codes[i]],
                    data.languages[data.language_codes[i]], data.current[i].tobytes(), desired,
                    data.dont_know_answers[i].tobytes()))
    return sorted(out, key=repr)


def _dimension_of(org: OrgContext) -> np.ndarray:
    return np.array([d for d, dim in enumerate(builtin_questionnaire(org)["dimensions"]) for _ in dim["items"]])


def _values(blob: bytes | None, width: int, dimension_of: np.ndarray) -> np.ndarray:
    """The answers on the scale, with every dimension not answered completely left out (NaN)."""
    codes = np.frombuffer(blob if blob is not None else bytes([0x80]) * width, dtype=np.int8)
    out = np.where(codes <= -127, np.nan, codes).astype(np.float32)
    for d in set(dimension_of.tolist()):
        if np.isnan(out[dimension_of == d]).any():
            out[dimension_of == d] = np.nan
    return out


def test_every_stored_response_is_read_back_exactly(org):
    width = sum(len(d["items"]) for d in builtin_questionnaire(org)["dimensions"])
    dimension_of = _dimension_of(org)
    survey = create_survey(org, ask_desired=True)
    rows = _stored(org, survey["id"], width)
    expected = sorted(((r["unit_id"], r["layer_id"], r["language"],
                        _values(r["current"], width, dimension_of).tobytes(),
                        _values(r["desired"], width, dimension_of).tobytes(),
                        (np.frombuffer(r["current"], dtype=np.int8) == -127).tobytes()) for r in rows), key=repr)
    data = _load(survey["id"])
    assert data.n == len(rows) and data.current.shape == (len(rows), width)
    assert _as_rows(data) == expected
    assert np.isnan(data.current).any(axis=1).sum() > 30  # most respondents left some dimension incomplete
    assert sorted(map(bytes, data.answered)) == sorted(
        bytes(np.frombuffer(r["current"], dtype=np.int8) > -127) for r in rows)
    assert data.current.flags.c_contiguous and data.desired is not None and data.desired.flags.c_contiguous
    assert data.dont_know.tolist() == data.dont_know_answers.sum(axis=0).tolist()
    assert None in data.layer_ids and None in data.languages

    waiting = {**rows[0], "id": uuid.uuid4(), "current": pack([5] * width), "desired": pack([1] * width),
               "published": False}
    db_execute(insert(Response).values(**waiting))
    assert _load(survey["id"]) is data  # an unpublished response is not read, and changes nothing
    db_execute(insert(Response).values(**{**waiting, "id": uuid.uuid4(), "published": True}))
    again = _load(survey["id"])
    assert again.n == len(rows) + 1 and again is not data
    assert _load(survey["id"]) is again  # cached until the next publication


def test_a_survey_without_the_desired_frame_reads_no_desired_answers(org):
    width = sum(len(d["items"]) for d in builtin_questionnaire(org)["dimensions"])
    survey = create_survey(org, ask_desired=False)
    rows = _stored(org, survey["id"], width)
    data = _load(survey["id"])
    assert data.desired is None and data.n == len(rows)
    assert sorted(r[3] for r in _as_rows(data)) == sorted(
        _values(r["current"], width, _dimension_of(org)).tobytes() for r in rows)
    assert _load(create_survey(org)["id"]).n == 0

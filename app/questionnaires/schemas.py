"""Request and response bodies for questionnaires.

The pydantic models check shapes, types and sizes; `definition_errors` then checks what spans fields (every text in
every declared language, one label per scale point, unique keys), so a 422 can list every bad field at once.
"""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from app.text import CleanStr, Label, ShortText

MAX_LANGUAGES = 10
MAX_DIMENSIONS = 50
MAX_ITEMS = 300
SCALE_BOUND = 100  # answers are packed as one signed byte per item, with -128 and -127 as markers

Lang = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$", examples=["nl"])]
ItemKey = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_]*$")]
ItemText = Annotated[CleanStr, Field(min_length=1, max_length=1000)]
LangTitle = Annotated[dict[Lang, ShortText], Field(min_length=1, max_length=MAX_LANGUAGES)]
LangLabel = Annotated[dict[Lang, Label], Field(min_length=1, max_length=MAX_LANGUAGES)]
LangItemText = Annotated[dict[Lang, ItemText], Field(min_length=1, max_length=MAX_LANGUAGES)]
ScaleBound = Annotated[StrictInt, Field(ge=-SCALE_BOUND, le=SCALE_BOUND)]


OUTCOME = ("The outcome scale (at most one per questionnaire, beside at least one other dimension): the driver "
           "report explains it by the other dimensions, and the readiness summary leaves it out (it is not a "
           "culture dimension but what the culture should lead to, e.g. knowledge sharing and learning)")


class FrameLabels(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current: Label = Field(examples=["Zoals het nu is"])
    desired: Label = Field(examples=["Zoals het zou moeten zijn"])


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: ItemKey = Field(description="Unique in the questionnaire. Keep an item's key across versions: reports "
                                     "compare waves item by item through their keys.", examples=["openness_1"])
    reverse: StrictBool = Field(default=False, description="Reverse-keyed: agreement means *less* of the dimension")
    texts: LangItemText = Field(description="The statement in every language of the questionnaire")


OWN_SCALE = ("The dimension's own answer scale; leave out to use the questionnaire's. Everything that depends on "
             "the scale follows it: the form's options, reverse keying (min + max - answer), the favourable and "
             "unfavourable cut-offs, rwg's expected variance (A^2 - 1)/12 with A this scale's options, the exports' "
             "value labels. Figures that set dimensions on different scales side by side compare them as POMP "
             "(0-1, percent of maximum possible) or say why they can't.")


class DimensionScaleIn(BaseModel):
    """A dimension's own scale: the whole scale, including whether it offers "don't know"."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "min": 0, "max": 4, "labels": {"en": ["Never", "Rarely", "Sometimes", "Often", "Always"],
                                       "nl": ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"]}}]})

    min: ScaleBound = Field(description="The lowest answer, e.g. 0 or 1")
    max: ScaleBound = Field(description="The highest answer")
    labels: dict[Lang, list[Label]] = Field(min_length=1, max_length=MAX_LANGUAGES,
                                            description="Per language, one label per point from `min` to `max`")
    dont_know_label: LangLabel | None = Field(
        default=None, description="Offer \"don't know\" on this dimension with these labels; leave out for none "
                                  "(the questionnaire's \"don't know\" does not carry over to an own scale)")


class ScaleRead(BaseModel):
    min: int
    max: int
    labels: dict[str, list[str]]
    dont_know_label: dict[str, str] | None


class DimensionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: ItemKey = Field(examples=["openness"])
    names: LangLabel
    outcome: StrictBool = Field(default=False, description=OUTCOME)
    scale: DimensionScaleIn | None = Field(default=None, description=OWN_SCALE)
    items: list[ItemIn] = Field(min_length=1, max_length=MAX_ITEMS)


class QuestionnaireIn(BaseModel):
    """A full questionnaire definition."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "key": "learning-climate",
        "title": {"en": "Learning climate", "nl": "Leerklimaat"},
        "languages": ["en", "nl"],
        "scale_min": 1, "scale_max": 4,
        "scale_labels": {"en": ["Never", "Sometimes", "Often", "Always"], "nl": ["Nooit", "Soms", "Vaak", "Altijd"]},
        "dont_know_label": {"en": "Don't know", "nl": "Weet ik niet"},
        "frame_labels": {"en": {"current": "How it is now", "desired": "How it should be"},
                         "nl": {"current": "Zoals het nu is", "desired": "Zoals het zou moeten zijn"}},
        "dimensions": [{"key": "sharing", "names": {"en": "Sharing", "nl": "Delen"}, "items": [
            {"key": "sharing_1", "texts": {"en": "We share what we learn.", "nl": "We delen wat we leren."}},
            {"key": "sharing_2", "reverse": True, "texts": {"en": "Knowledge stays with a few people.",
                                                            "nl": "Kennis blijft bij een paar mensen."}}]}],
    }]})

    key: str = Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_-]*$",
                     description="Names the questionnaire across its versions. Creating one with a key the "
                                 "organisation already has makes the next version.", examples=["learning-climate"])
    title: LangTitle
    languages: list[Lang] = Field(min_length=1, max_length=MAX_LANGUAGES,
                                  description="Every text must be given in each of these languages")
    scale_min: ScaleBound = Field(description="The lowest answer, e.g. 0 or 1 (of every dimension without its own "
                                              "`scale`)")
    scale_max: ScaleBound = Field(description="The highest answer, e.g. 4, 5, 7 or 10")
    scale_labels: dict[Lang, list[Label]] = Field(
        min_length=1, max_length=MAX_LANGUAGES,
        description="Per language, one label per scale point from `scale_min` to `scale_max`")
    dont_know_label: LangLabel | None = Field(
        default=None, description="Offer a \"don't know / not applicable\" answer (counted as missing) with these "
                                  "labels; leave out for none")
    frame_labels: dict[Lang, FrameLabels] = Field(
        min_length=1, max_length=MAX_LANGUAGES,
        description="Per language, the headings of the two frames an item can be asked in")
    dimensions: list[DimensionIn] = Field(min_length=1, max_length=MAX_DIMENSIONS)


def _error(loc: list[str | int], msg: str, kind: str) -> dict[str, Any]:
    return {"loc": ["body", *loc], "msg": msg, "type": kind}


def _check_languages(errors: list[dict[str, Any]], loc: list[str | int], given: dict[str, Any],
                     languages: list[str]) -> None:
    for lang in languages:
        if lang not in given:
            errors.append(_error([*loc, lang], f"missing the text in language {lang!r}", "missing_language"))
    for lang in given:
        if lang not in languages:
            errors.append(_error([*loc, lang], f"{lang!r} is not one of the questionnaire's languages",
                                 "undeclared_language"))


def _check_scale(errors: list[dict[str, Any]], loc: list[str | int], names: tuple[str, str, str], lo: int, hi: int,
                 labels: dict[str, list[str]], languages: list[str]) -> None:
    """A scale (the questionnaire's or a dimension's own): at least two points, one label per point in every
    language; `names` are the fields' names for min, max and labels at `loc`."""
    points = hi - lo + 1
    if points < 2:
        errors.append(_error([*loc, names[1]], f"{names[1]} must be greater than {names[0]} (at least 2 points)",
                             "scale_too_small"))
    _check_languages(errors, [*loc, names[2]], labels, languages)
    for lang, given in labels.items():
        if points >= 2 and len(given) != points:
            errors.append(_error([*loc, names[2], lang], f"give exactly {points} labels, one per scale point "
                                                         f"from {lo} to {hi}", "label_count"))


def definition_errors(data: QuestionnaireIn) -> list[dict[str, Any]]:
    """Every cross-field problem of a definition, each with its location; empty when the definition is sound."""
    errors: list[dict[str, Any]] = []
    languages = list(dict.fromkeys(data.languages))
    if len(languages) != len(data.languages):
        errors.append(_error(["languages"], "languages must not repeat", "duplicate"))
    _check_scale(errors, [], ("scale_min", "scale_max", "scale_labels"), data.scale_min, data.scale_max,
                 data.scale_labels, languages)
    _check_languages(errors, ["title"], data.title, languages)
    if data.dont_know_label is not None:
        _check_languages(errors, ["dont_know_label"], data.dont_know_label, languages)
    _check_languages(errors, ["frame_labels"], data.frame_labels, languages)
    dimension_keys: set[str] = set()
    item_keys: set[str] = set()
    item_count = 0
    for d, dimension in enumerate(data.dimensions):
        if dimension.key in dimension_keys:
            errors.append(_error(["dimensions", d, "key"], f"duplicate dimension key {dimension.key!r}",
                                 "duplicate"))
        dimension_keys.add(dimension.key)
        _check_languages(errors, ["dimensions", d, "names"], dimension.names, languages)
        if dimension.scale is not None:
            own = dimension.scale
            _check_scale(errors, ["dimensions", d, "scale"], ("min", "max", "labels"), own.min, own.max, own.labels,
                         languages)
            if own.dont_know_label is not None:
                _check_languages(errors, ["dimensions", d, "scale", "dont_know_label"], own.dont_know_label,
                                 languages)
        for i, item in enumerate(dimension.items):
            item_count += 1
            if item.key in item_keys:
                errors.append(_error(["dimensions", d, "items", i, "key"], f"duplicate item key {item.key!r}",
                                     "duplicate"))
            item_keys.add(item.key)
            _check_languages(errors, ["dimensions", d, "items", i, "texts"], item.texts, languages)
    outcomes = [d for d, dimension in enumerate(data.dimensions) if dimension.outcome]
    for d in outcomes[1:]:
        errors.append(_error(["dimensions", d, "outcome"], "at most one dimension can be the outcome (dimension "
                             f"{outcomes[0]} already is)", "one_outcome"))
    if outcomes and len(data.dimensions) < 2:
        errors.append(_error(["dimensions", outcomes[0], "outcome"], "the outcome needs at least one other dimension "
                             "to explain it", "outcome_alone"))
    if item_count > MAX_ITEMS:
        errors.append(_error(["dimensions"], f"at most {MAX_ITEMS} items in all ({item_count} given)",
                             "too_many_items"))
    return errors


class ItemRead(BaseModel):
    key: str
    position: int = Field(description="0-based order of the item in the whole questionnaire")
    reverse: bool
    texts: dict[str, str]


class DimensionRead(BaseModel):
    key: str
    position: int
    names: dict[str, str]
    outcome: bool = Field(description=OUTCOME)
    scale: ScaleRead = Field(description="The scale this dimension is answered on: its own, or the questionnaire's")
    own_scale: bool = Field(description="The dimension has its own scale (false: the questionnaire's)")
    items: list[ItemRead]


class QuestionnaireSummary(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID | None = Field(description="`null` for a built-in questionnaire")
    builtin: bool = Field(description="Offered to every organisation and read-only")
    key: str
    version: int
    title: dict[str, str]
    languages: list[str]
    scale_min: int = Field(description="The questionnaire's scale, used by every dimension without its own")
    scale_max: int
    uniform_scale: bool = Field(description="Every dimension is answered on the same scale; false when some have "
                                            "their own (then figures across dimensions compare on POMP, 0-1)")
    dimension_count: int
    item_count: int
    in_use: bool = Field(description="A survey (of this organisation, for a built-in) uses this version, so it "
                                     "can no longer change")
    created_at: datetime


class QuestionnaireRead(QuestionnaireSummary):
    scale_labels: dict[str, list[str]]
    dont_know_label: dict[str, str] | None
    frame_labels: dict[str, FrameLabels]
    dimensions: list[DimensionRead]

"""The definition other domains answer and score against: one questionnaire version, read-only, with the scale
each dimension is answered on (its own, or the questionnaire's)."""

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AnswerScale:
    """The scale a dimension is answered on: ``min..max``, one label per point per language, and the "don't
    know" label per language (None: not offered)."""

    min: int
    max: int
    labels: dict[str, list[str]]
    dont_know_label: dict[str, str] | None

    @property
    def allows_dont_know(self) -> bool:
        return self.dont_know_label is not None

    @property
    def n_options(self) -> int:
        return self.max - self.min + 1

    def localised(self, lang: str) -> dict[str, Any]:
        return {"min": self.min, "max": self.max, "labels": list(self.labels[lang]),
                "dont_know": self.dont_know_label[lang] if self.dont_know_label else None}


@dataclass(frozen=True)
class ItemDefinition:
    key: str
    position: int  # 0-based; the item's slot in a packed response
    dimension_key: str
    reverse: bool
    texts: dict[str, str]
    scale_min: int  # the item's dimension's scale
    scale_max: int
    allows_dont_know: bool


@dataclass(frozen=True)
class DimensionDefinition:
    key: str
    position: int
    names: dict[str, str]
    item_keys: tuple[str, ...]
    outcome: bool = False  # the outcome scale of the driver analysis, not a culture dimension
    scale: AnswerScale | None = None  # the scale it is answered on (its own or the questionnaire's)
    own_scale: bool = False


@dataclass(frozen=True)
class QuestionnaireDefinition:
    """One questionnaire version, read-only. `items` is ordered by position."""

    id: uuid.UUID
    key: str
    version: int
    title: dict[str, str]
    languages: tuple[str, ...]
    scale_min: int
    scale_max: int
    scale_labels: dict[str, list[str]]
    dont_know_label: dict[str, str] | None
    frame_labels: dict[str, dict[str, str]]
    dimensions: tuple[DimensionDefinition, ...]
    items: tuple[ItemDefinition, ...]
    item_by_key: dict[str, ItemDefinition] = field(repr=False)
    _stamp: uuid.UUID = field(repr=False)  # id of the item at position 0: changes whenever the items are rewritten

    @property
    def allows_dont_know(self) -> bool:
        """Some dimension offers "don't know" (which ones: `scale_of`)."""
        return any(self.scale_of(d.key).allows_dont_know for d in self.dimensions)

    @property
    def default_scale(self) -> AnswerScale:
        return AnswerScale(self.scale_min, self.scale_max, self.scale_labels, self.dont_know_label)

    def scale_of(self, dimension_key: str) -> AnswerScale:
        """The scale the dimension is answered on (its own, else the questionnaire's)."""
        found = next((d for d in self.dimensions if d.key == dimension_key), None)
        return found.scale if found is not None and found.scale is not None else self.default_scale

    @property
    def uniform_scale(self) -> bool:
        """Every dimension is answered on one range and the same labels (the built-ins always are)."""
        first = self.scale_of(self.dimensions[0].key) if self.dimensions else None
        return all(self.scale_of(d.key) == first for d in self.dimensions)

    @property
    def ranges(self) -> dict[str, tuple[int, int]]:
        """(min, max) of every dimension that has its own scale, by key (for `Scale.from_items(ranges=...)`)."""
        return {d.key: (d.scale.min, d.scale.max) for d in self.dimensions if d.own_scale and d.scale is not None}

    @property
    def outcome(self) -> DimensionDefinition | None:
        """The outcome scale (at most one), or None."""
        return next((d for d in self.dimensions if d.outcome), None)

    def is_outcome(self, dimension_key: str) -> bool:
        """The dimension `dimension_key` is the outcome scale."""
        return any(d.outcome and d.key == dimension_key for d in self.dimensions)

    @property
    def culture_dimensions(self) -> tuple[DimensionDefinition, ...]:
        """Every dimension but the outcome: what readiness and the driver analysis's predictors are made of."""
        return tuple(d for d in self.dimensions if not d.outcome)

    def localised(self, lang: str) -> dict[str, Any]:
        """What a respondent sees, in one language (the first language when `lang` isn't offered). Reverse
        keying is not revealed.

        `{key, version, language, title, scale: {min, max, labels: [per point], dont_know: label | null},
        frames: {current, desired}, dimensions: [{key, name, items: [{key, text}]}]}`; items in position
        order. A dimension with its own scale has it as `scale` (same shape); the others use the questionnaire's.
        """
        if lang not in self.languages:
            lang = self.languages[0]
        by_key = self.item_by_key
        return {
            "key": self.key,
            "version": self.version,
            "language": lang,
            "title": self.title[lang],
            "scale": self.default_scale.localised(lang),
            "frames": dict(self.frame_labels[lang]),
            "dimensions": [{"key": d.key, "name": d.names[lang],
                            **({"scale": d.scale.localised(lang)} if d.own_scale and d.scale is not None else {}),
                            "items": [{"key": k, "text": by_key[k].texts[lang]} for k in d.item_keys]}
                           for d in self.dimensions],
        }

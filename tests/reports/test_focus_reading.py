"""The focus areas' reading in every case: the first dimension the most important and the furthest away, only the
most important, only the furthest away, neither; nothing with room to grow; each room basis's wording; Dutch."""

import uuid

import pytest

from app.questionnaires.service import DimensionDefinition, QuestionnaireDefinition
from app.reports.drivers.focus import focus_reading
from app.reports.drivers.schemas import Driver, FocusDimension, Weight

NAMES = {"openness": ("Openness", "Openheid"), "transparency": ("Transparency", "Transparantie"),
         "diversity": ("Diversity", "Diversiteit")}
OUTCOME = {"en": "Knowledge sharing and learning", "nl": "Kennisdeling en leren"}


def definition() -> QuestionnaireDefinition:
    dims = tuple(DimensionDefinition(key=k, position=i, names={"en": en, "nl": nl}, item_keys=())
                 for i, (k, (en, nl)) in enumerate(NAMES.items()))
    return QuestionnaireDefinition(id=uuid.uuid4(), key="q", version=1, title={}, languages=("en", "nl"), scale_min=1,
                                   scale_max=5, scale_labels={}, dont_know_label=None, frame_labels={},
                                   dimensions=dims, items=(), item_by_key={}, _stamp=uuid.uuid4())


def drivers(weights: dict[str, float]) -> list[Driver]:
    total = sum(weights.values())
    ranked = sorted(weights, key=lambda k: -weights[k])
    return [Driver(rank=r, key=k, name=NAMES[k][0], general_dominance=Weight(value=weights[k],
                                                                             share=weights[k] / total, ci=None),
                   relative_weight=Weight(value=weights[k], share=weights[k] / total, ci=None))
            for r, k in enumerate(ranked, start=1)]


def focus(weights: dict[str, float], rooms: dict[str, float]) -> list[FocusDimension]:
    out = [FocusDimension(rank=0, key=k, name=NAMES[k][0], importance=weights[k], mean=3.0, room=rooms[k],
                          priority=weights[k] * max(rooms[k], 0)) for k in weights]
    return sorted(out, key=lambda f: -(f.priority or 0))


@pytest.mark.parametrize(("weights", "rooms", "en", "nl"), [
    ({"openness": 0.3, "transparency": 0.1, "diversity": 0.05}, {"openness": 1.2, "transparency": 0.8,
                                                                   "diversity": 0.2},
     "Openness matters most for knowledge sharing and learning here and is furthest from what people want: start "
     "there.",
     "Openheid weegt hier het zwaarst voor kennisdeling en leren en ligt het verst af van wat mensen willen: begin "
     "daar."),
    ({"openness": 0.3, "transparency": 0.1, "diversity": 0.05}, {"openness": 0.9, "transparency": 1.4,
                                                                   "diversity": 0.2},
     "Openness matters most for knowledge sharing and learning here and has 0.9 points of room to grow: start there.",
     "Openheid weegt hier het zwaarst voor kennisdeling en leren en heeft 0,9 punt ruimte om te groeien: begin daar."),
    ({"openness": 0.3, "transparency": 0.2, "diversity": 0.05}, {"openness": 0.2, "transparency": 1.4,
                                                                   "diversity": 0.1},
     "Start with Transparency: it is furthest from what people want and accounts for 36% of what the dimensions "
     "explain of knowledge sharing and learning. Openness matters most, but has less room to grow.",
     "Begin met Transparantie: het ligt het verst af van wat mensen willen en verklaart 36 % van wat de dimensies "
     "samen verklaren van kennisdeling en leren. Openheid weegt het zwaarst, maar heeft minder ruimte om te "
     "groeien."),
    ({"openness": 0.3, "transparency": 0.25, "diversity": 0.05}, {"openness": 0.2, "transparency": 1.0,
                                                                    "diversity": 1.5},
     "Start with Transparency: it has 1.0 points of room to grow and accounts for 42% of what the dimensions explain "
     "of knowledge sharing and learning. Openness matters most, but has less room to grow.",
     "Begin met Transparantie: het heeft 1,0 punt ruimte om te groeien en verklaart 42 % van wat de dimensies samen "
     "verklaren van kennisdeling en leren. Openheid weegt het zwaarst, maar heeft minder ruimte om te groeien."),
    ({"openness": 0.3, "transparency": 0.1, "diversity": 0.05}, {"openness": -0.2, "transparency": 0.0,
                                                                   "diversity": -0.1},
     "No dimension that matters for knowledge sharing and learning shows room to grow here: keep what works.",
     "Geen dimensie die telt voor kennisdeling en leren laat hier ruimte om te groeien zien: houd vast wat werkt."),
])
def test_the_reading_names_where_to_start(weights, rooms, en, nl):
    reading = focus_reading(definition(), focus(weights, rooms), drivers(weights), "desired_gap", OUTCOME)
    assert (reading.en, reading.nl) == (en, nl)


@pytest.mark.parametrize(("basis", "en", "nl"), [
    ("below_organisation", "lags furthest behind the organisation", "blijft het verst achter bij de organisatie"),
    ("below_scale_top", "has the most room to grow", "heeft de meeste ruimte om te groeien")])
def test_each_room_basis_has_its_words(basis, en, nl):
    weights = {"openness": 0.3, "transparency": 0.1, "diversity": 0.05}
    rooms = {"openness": 1.2, "transparency": 0.8, "diversity": 0.2}
    reading = focus_reading(definition(), focus(weights, rooms), drivers(weights), basis, OUTCOME)
    assert en in reading.en and nl in reading.nl

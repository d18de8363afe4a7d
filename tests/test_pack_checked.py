"""Checking and packing a respondent's answers in one pass (`pack_checked`) gives what judging each answer on its
own (`answer_problem`) and then packing the good ones by position gives, for any answers: mixed scales, "don't
know" where offered and where not, unknown items, wrong types, None."""

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from app.questionnaires.definition import DimensionDefinition, ItemDefinition, QuestionnaireDefinition
from app.responses.codec import DONT_KNOW, DONT_KNOW_VALUE, MISSING, answer_problem, pack, pack_checked

ITEMS = tuple(ItemDefinition(key=f"i{p}", position=p, dimension_key="a" if p < 3 else "b", reverse=False, texts={},
                             scale_min=1 if p < 3 else 0, scale_max=5 if p < 3 else 4, allows_dont_know=p >= 3)
              for p in range(6))
DEFINITION = QuestionnaireDefinition(
    id=uuid.uuid4(), key="q", version=1, title={}, languages=("en",), scale_min=1, scale_max=5, scale_labels={},
    dont_know_label=None, frame_labels={}, items=ITEMS, item_by_key={i.key: i for i in ITEMS}, _stamp=uuid.uuid4(),
    dimensions=(DimensionDefinition(key="a", position=0, names={}, item_keys=("i0", "i1", "i2")),
                DimensionDefinition(key="b", position=1, names={}, item_keys=("i3", "i4", "i5"))))

values = st.one_of(st.none(), st.integers(-3, 8), st.just(DONT_KNOW_VALUE), st.booleans(), st.floats(0, 5),
                   st.text(max_size=3))
answers = st.dictionaries(st.sampled_from([*DEFINITION.item_by_key, "unknown", "i"]), values, max_size=8)


def _reference(given: dict[str, object]) -> tuple[bytes, list[tuple[str, str]]]:
    problems, by_position = [], [None] * len(ITEMS)
    for key, value in given.items():
        item = DEFINITION.item_by_key.get(key)
        if item is None:
            problems.append((key, "unknown_item"))
        elif (problem := answer_problem(DEFINITION, value, key)) is not None:
            problems.append((key, problem.type))
        else:
            by_position[item.position] = value  # type: ignore[call-overload]
    return pack(by_position), problems


@settings(max_examples=400, deadline=None)
@given(answers)
def test_one_pass_is_judging_then_packing(given: dict[str, object]) -> None:
    packed, problems = pack_checked(DEFINITION, given)
    expected, expected_problems = _reference(given)
    assert [(p.key, p.type) for p in problems] == expected_problems
    if not problems:
        assert packed == expected


def test_the_codes() -> None:
    packed, problems = pack_checked(DEFINITION, {"i0": 5, "i3": DONT_KNOW_VALUE, "i4": 0, "i5": None})
    assert problems == []
    assert list(packed) == [5, MISSING & 0xFF, MISSING & 0xFF, DONT_KNOW & 0xFF, 0, MISSING & 0xFF]

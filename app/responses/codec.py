"""The packed answer format of a stored response: one signed byte per questionnaire item, in item position order.

A byte holds the scale point itself (scale bounds lie within -100..100), or one of two codes: `MISSING` (-128, no
answer) and `DONT_KNOW` (-127, the respondent chose "don't know"). A response of a 25-item questionnaire is 25 bytes,
the same whatever the answers, so its size says nothing either.

`answer_problem` is the one place where an answer is judged against its item's scale: `pack_checked` applies it
to a form's answers (respondents, self-assessments), `app.responses.cell_codes` to an imported cell.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from app.questionnaires.service import QuestionnaireDefinition

MISSING = -128
DONT_KNOW = -127
DONT_KNOW_VALUE: Literal["dont_know"] = "dont_know"
_ALL_MISSING = bytes([MISSING & 0xFF])

Answer = int | Literal["dont_know"] | None
"""A scale point, "dont_know", or None for no answer."""


def _code(answer: Answer) -> int:
    if answer is None:
        return MISSING
    if answer == DONT_KNOW_VALUE:
        return DONT_KNOW
    if isinstance(answer, bool) or not isinstance(answer, int) or not -100 <= answer <= 100:
        raise ValueError(f"not a packable answer: {answer!r}")
    return answer


def _answer(code: int) -> Answer:
    if code == MISSING:
        return None
    if code == DONT_KNOW:
        return DONT_KNOW_VALUE
    return code


def pack(answers: Sequence[Answer]) -> bytes:
    """Pack answers given in item position order (`None` = missing, "dont_know")."""
    return bytes(_code(a) & 0xFF for a in answers)


def unpack(blob: bytes) -> list[Answer]:
    """The answers of a packed response, in item position order."""
    return [_answer(b - 256 if b > 127 else b) for b in blob]


def pack_by_key(definition: QuestionnaireDefinition, answers: Mapping[str, Answer]) -> bytes:
    """Pack answers keyed by item key, unchecked (a form's answers: `pack_checked`); items left out are missing."""
    packed = bytearray(_ALL_MISSING) * len(definition.items)
    by_key = definition.item_by_key
    for key, answer in answers.items():
        # a scale point, the common case, without `_code`'s call and checks (a respondent's 60 answers)
        code = answer if type(answer) is int and -100 <= answer <= 100 else _code(answer)
        packed[by_key[key].position] = code & 0xFF
    return bytes(packed)


def unpack_by_key(definition: QuestionnaireDefinition, blob: bytes) -> dict[str, Answer]:
    answers = unpack(blob)
    return {item.key: answers[item.position] for item in definition.items if item.position < len(answers)}


@dataclass(frozen=True)
class AnswerProblem:
    key: str
    msg: str
    type: str


def answer_problem(definition: QuestionnaireDefinition, value: object, key: str | None = None) -> AnswerProblem | None:
    """Why `value` is not a valid answer, or None if it is (key left empty). With an item's `key`, on that item's
    dimension's scale; without, on any scale of the questionnaire (the envelope of its dimensions' ranges)."""
    item = definition.item_by_key.get(key) if key is not None else None
    if item is not None:
        lo, hi, dont_know = item.scale_min, item.scale_max, item.allows_dont_know
    else:
        lo = min((i.scale_min for i in definition.items), default=definition.scale_min)
        hi = max((i.scale_max for i in definition.items), default=definition.scale_max)
        dont_know = definition.allows_dont_know
    if value is None:
        return None
    if value == DONT_KNOW_VALUE:
        if dont_know:
            return None
        return AnswerProblem("", f"{'this statement' if item else 'this questionnaire'} has no \"don't know\" "
                                 "option", "dont_know_not_allowed")
    if isinstance(value, bool) or not isinstance(value, int):
        expected = f'a whole number from {lo} to {hi}' + (' or "dont_know"' if dont_know else "")
        return AnswerProblem("", f"expected {expected}", "wrong_type")
    if not lo <= value <= hi:
        return AnswerProblem("", f"out of range: the scale runs from {lo} to {hi}", "out_of_range")
    return None


def pack_checked(definition: QuestionnaireDefinition,
                 answers: Mapping[str, object]) -> tuple[bytes, list[AnswerProblem]]:
    """Check and pack in one pass: every problem with these answers keyed by item key (unknown items, wrong types,
    values off the item's dimension's scale), and the answers packed (items left out or None: missing; the bytes
    mean something only when there is no problem)."""
    packed = bytearray(_ALL_MISSING) * len(definition.items)
    problems = []
    by_key = definition.item_by_key
    for key, value in answers.items():
        try:
            item = by_key[key]
        except KeyError:
            problems.append(AnswerProblem(key, "no such item in this questionnaire", "unknown_item"))
            continue
        if type(value) is int and item.scale_min <= value <= item.scale_max:  # the common case first
            packed[item.position] = value & 0xFF
        elif value is None:
            continue
        elif (problem := answer_problem(definition, value, key)) is not None:
            problems.append(AnswerProblem(key, problem.msg, problem.type))
        else:  # "dont_know", where the item offers it
            packed[item.position] = DONT_KNOW & 0xFF
    return bytes(packed), problems


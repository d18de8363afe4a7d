"""The respondent's three routes: declared here for FastAPI to document, served by `IntakeRoute` (see route), and
run on the database in use by app.respond.intake. The answers are written as JSON bytes (the models document
them)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.security import APIKeyHeader
from pydantic_core import to_json

from app.config import API_PREFIX
from app.db import utcnow
from app.errors import problem_responses
from app.openapi import operation_id
from app.respond import intake, view
from app.respond.route import LANG_MAX_LENGTH, IntakeRoute, JsonAnswer
from app.respond.schemas import Answers, DraftSaved, QuestionnaireToAnswer, Submitted

router = APIRouter(prefix=f"{API_PREFIX}/respond", tags=["respond"],
                   responses={**problem_responses(401, 409, 410, 422, 429),
                              401: {**problem_responses(401)[401], "description": "Missing or malformed invitation "
                                                                                  "token (`X-Survey-Token`)"}},
                   route_class=IntakeRoute, generate_unique_id_function=operation_id)

_token_header = APIKeyHeader(name="X-Survey-Token", auto_error=False, scheme_name="SurveyToken",
                             description="The invitation token from the respondent's link (after `#`)")
TokenDep = Annotated[str | None, Depends(_token_header)]
SUBMITTED = Submitted().model_dump_json().encode()


@router.get("", name="get_questionnaire_to_answer", response_model=QuestionnaireToAnswer)
async def get_questionnaire_to_answer(
        token: TokenDep,
        lang: Annotated[str | None, Query(max_length=LANG_MAX_LENGTH, description="Preferred language, e.g. `nl`; "
                                          "the survey's first language when not offered")] = None,
) -> JsonAnswer:
    """The survey's questionnaire in the chosen language, with the answers saved earlier with this token (if any).
    Errors: 401 without a well-formed token; 409 `token-unusable` for an unknown or already used token (the same
    answer for both); 410 `token-expired`; 409 `survey-not-open` or `survey-closed`."""
    ticket = await intake.read(token, utcnow())
    return JsonAnswer(view.render(ticket, lang))


@router.put("/draft", name="save_draft", response_model=DraftSaved)
async def save_draft(body: Answers, token: TokenDep) -> JsonAnswer:
    """Save partial answers to resume later (replacing the previous draft). Answers are checked as on submission,
    but none is required. The draft is erased when the token submits."""
    saved_at = await intake.save_draft(token, body, utcnow())
    return JsonAnswer(to_json({"saved_at": saved_at}))


@router.post("/submit", name="submit_response", status_code=status.HTTP_201_CREATED, response_model=Submitted)
async def submit_response(body: Answers, token: TokenDep) -> JsonAnswer:
    """Submit the answers, once per token: the response is stored (committed before this 201 is sent) with only
    the token's unit and layer. Every answer is checked against its item's scale; a 422 lists each unknown item,
    wrong type or out-of-range value (`loc` = `["body", frame, item_key]`) and stores nothing. Items left out count
    as missing, but at least one answer is needed. A second submission, even a concurrent one, gets 409
    `token-unusable`."""
    await intake.submit(token, body, utcnow())
    return JsonAnswer(SUBMITTED, status.HTTP_201_CREATED)

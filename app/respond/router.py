from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi import Response as HTTPResponse
from fastapi.security import APIKeyHeader

from app.db import utcnow
from app.deps import SessionDep
from app.errors import problem_responses
from app.ratelimit.deps import rate_limited
from app.respond import service
from app.respond.schemas import Answers, DraftSaved, QuestionnaireToAnswer, Submitted

router = APIRouter(prefix="/respond", tags=["respond"], responses=problem_responses(401, 409, 410, 422, 429),
                   dependencies=[Depends(rate_limited(service.TokenUnusable), scope="function")])

_token_header = APIKeyHeader(name="X-Survey-Token", auto_error=False, scheme_name="SurveyToken",
                             description="The invitation token from the respondent's link (after `#`)")
NO_STORE = {"Cache-Control": "no-store"}


def valid_ticket(session: SessionDep, token: Annotated[str | None, Depends(_token_header)]) -> service.Ticket:
    return service.open_ticket(session, token, utcnow())


TicketDep = Annotated[service.Ticket, Depends(valid_ticket)]


@router.get("", name="get_questionnaire_to_answer")
def get_questionnaire_to_answer(
        ticket: TicketDep, session: SessionDep, response: HTTPResponse,
        lang: Annotated[str | None, Query(max_length=35, description="Preferred language, e.g. `nl`; the survey's "
                                                                     "first language when not offered")] = None,
) -> QuestionnaireToAnswer:
    """The survey's questionnaire in the chosen language, with the answers saved earlier with this token (if any).
    Errors: 401 without a well-formed token; 409 `token-unusable` for an unknown or already used token (the same
    answer for both); 410 `token-expired`; 409 `survey-not-open` or `survey-closed`."""
    response.headers.update(NO_STORE)
    return service.view(session, ticket, lang)


@router.put("/draft", name="save_draft")
def save_draft(body: Answers, ticket: TicketDep, session: SessionDep, response: HTTPResponse) -> DraftSaved:
    """Save partial answers to resume later (replacing the previous draft). Answers are checked as on submission,
    but none is required. The draft is erased when the token submits."""
    response.headers.update(NO_STORE)
    answers = service.check(ticket, body, submitting=False)
    return DraftSaved(saved_at=service.save_draft(session, ticket, answers, utcnow()))


@router.post("/submit", name="submit_response", status_code=status.HTTP_201_CREATED)
def submit_response(body: Answers, ticket: TicketDep, session: SessionDep, response: HTTPResponse) -> Submitted:
    """Submit the answers, once per token: the response is stored (committed before this 201 is sent) with only
    the token's unit and layer. Every answer is checked against its item's scale; a 422 lists each unknown item,
    wrong type or out-of-range value (`loc` = `["body", frame, item_key]`) and stores nothing. Items left out count
    as missing, but at least one answer is needed. A second submission, even a concurrent one, gets 409
    `token-unusable`."""
    response.headers.update(NO_STORE)
    answers = service.check(ticket, body, submitting=True)
    service.submit(session, ticket, answers, utcnow())
    return Submitted()

import uuid
from typing import Annotated

from fastapi import Depends, Path

from app.deps import OrganisationDep, SessionDep
from app.errors import NotFound
from app.surveys import service
from app.surveys.models import Survey


def valid_survey(survey_id: Annotated[uuid.UUID, Path()], organisation: OrganisationDep,
                 session: SessionDep) -> Survey:
    """The survey named in the path, if it belongs to the organisation (which the key reaches); 404 otherwise."""
    survey = service.get_survey(session, organisation, survey_id)
    if survey is None:
        raise NotFound("No such survey.")
    return survey


SurveyDep = Annotated[Survey, Depends(valid_survey)]

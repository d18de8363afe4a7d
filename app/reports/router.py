"""All report routes, under one prefix: `/organisations/{organisation_id}/surveys/{survey_id}/reports`."""

from fastapi import APIRouter

from app.errors import problem_responses
from app.reports import gaps, items, profile, rates, trend
from app.reports.board import router as board
from app.reports.drivers import router as drivers

router = APIRouter(prefix="/organisations/{organisation_id}/surveys/{survey_id}/reports", tags=["reports"],
                   responses=problem_responses(401, 404, 422))
for module in (profile, items, rates, gaps, trend, board, drivers):
    router.include_router(module.router)

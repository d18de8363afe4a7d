"""What the webhooks tell, written into the outbox in the transaction of what happened.

The events are about surveys as wholes: opened, closed, published, and a response milestone (at least N responses
so far). None is about a respondent: there is no per-response event, and a milestone is counted by the worker at
its round, not at the submission, so no event's moment or content can be tied to one response (see
docs/webhooks.md). A payload carries ids, the survey's title and status, times of the survey's own steps, and a
milestone number; never a unit, a layer, an answer or a count below the survey's minimum group size.
"""

import enum
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.responses.models import Response
from app.surveys.models import Survey, SurveyStatus
from app.webhooks.models import WebhookDelivery, WebhookEndpoint


class EventType(enum.StrEnum):
    survey_opened = "survey.opened"
    survey_closed = "survey.closed"
    survey_published = "survey.published"
    survey_responses_reached = "survey.responses_reached"
    survey_responses_imported = "survey.responses_imported"
    test = "webhook.test"


SUBSCRIBABLE = [e for e in EventType if e is not EventType.test]
# The milestones a survey's response count announces; only those at or above its minimum group size.
MILESTONES = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def payload(event: EventType, data: dict[str, Any], at: datetime) -> str:
    """The body every attempt sends: Standard Webhooks' `type`, `timestamp` and `data`."""
    return json.dumps({"type": event.value, "timestamp": _iso(at), "data": data}, separators=(",", ":"),
                      ensure_ascii=False)


def enqueue(session: Session, endpoint: WebhookEndpoint, event: EventType, data: dict[str, Any]) -> WebhookDelivery:
    delivery = WebhookDelivery(id=uuid.uuid4(), organisation_id=endpoint.organisation_id, endpoint_id=endpoint.id,
                               event_type=event.value, payload=payload(event, data, utcnow()), attempts=0,
                               attempt_log=[], created_at=utcnow())
    session.add(delivery)
    return delivery


def emit(session: Session, organisation_id: uuid.UUID, event: EventType, data: dict[str, Any]) -> int:
    """A delivery for every enabled endpoint of the organisation that takes this event; how many."""
    endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.organisation_id == organisation_id,
                                                              WebhookEndpoint.enabled.is_(True)))
    count = 0
    for endpoint in endpoints:
        if event.value in endpoint.events:
            enqueue(session, endpoint, event, data)
            count += 1
    return count


def survey_data(survey: Survey) -> dict[str, Any]:
    return {"organisation_id": str(survey.organisation_id), "survey_id": str(survey.id), "title": survey.title,
            "status": survey.status.value, "opened_at": _iso(survey.opened_at), "closed_at": _iso(survey.closed_at),
            "published_at": _iso(survey.published_at)}


def survey_event(session: Session, survey: Survey, event: EventType) -> None:
    emit(session, survey.organisation_id, event, survey_data(survey))


def milestone(count: int, min_group_size: int) -> int:
    """The highest milestone `count` has reached (0 for none): never one below the minimum group size."""
    return max((m for m in MILESTONES if min_group_size <= m <= count), default=0)


def announce_milestones(session: Session) -> int:
    """The worker's round: each open survey of an organisation with an endpoint for milestones whose response
    count passed a new milestone gets one event (the highest passed). Each survey is counted by one worker
    (`SKIP LOCKED` on PostgreSQL); returns how many surveys announced one."""
    wanted = select(WebhookEndpoint.organisation_id).where(WebhookEndpoint.enabled.is_(True))
    surveys = session.scalars(select(Survey).where(Survey.status == SurveyStatus.open,
                                                   Survey.organisation_id.in_(wanted))
                              .with_for_update(skip_locked=True)).all()
    announced = 0
    for survey in surveys:
        count = session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id))
        reached = milestone(count or 0, survey.min_group_size)
        if reached > survey.milestone_announced:
            survey.milestone_announced = reached
            emit(session, survey.organisation_id, EventType.survey_responses_reached,
                 {"organisation_id": str(survey.organisation_id), "survey_id": str(survey.id),
                  "title": survey.title, "responses_at_least": reached})
            announced += 1
    return announced

"""An organisation's webhook endpoints (organisation admins): register, change, remove, test, and read the delivery
log. See docs/webhooks.md."""

import json
import uuid

from fastapi import APIRouter, BackgroundTasks, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.config import get_settings
from app.deps import AdminOrganisationDep, SessionDep
from app.errors import NotFound, Unprocessable, problem_responses
from app.idempotency.deps import IdempotentDep
from app.orgs.models import Organisation
from app.paging import PagingDep, micros
from app.webhooks import sender
from app.webhooks.events import EventType, enqueue
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from app.webhooks.schemas import DeliveryRead, TestQueued, WebhookCreate, WebhookCreated, WebhookRead, WebhookUpdate
from app.webhooks.urls import RefusedUrl, check_url

router = APIRouter(prefix="/organisations/{organisation_id}/webhooks", tags=["webhooks"],
                   responses=problem_responses(401, 403, 404, 422))
ENDPOINT = "/{webhook_id}"


def _checked_url(url: str) -> str:
    try:
        check_url(url, allow_private=get_settings().webhook_allow_private_addresses)
    except RefusedUrl as refused:
        raise Unprocessable(str(refused), errors=[{"loc": ["body", "url"], "msg": str(refused),
                                                   "type": "url_refused"}]) from None
    return url


def _endpoint(session: Session, organisation: Organisation, webhook_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, webhook_id)
    if endpoint is None or endpoint.organisation_id != organisation.id:
        raise NotFound("No such webhook endpoint.")
    return endpoint


@router.post("", name="create_webhook", status_code=status.HTTP_201_CREATED)
def create_webhook(data: WebhookCreate, organisation: AdminOrganisationDep, session: SessionDep, audit: AuditDep,
                   once: IdempotentDep) -> WebhookCreated:
    """Register an endpoint for some of the organisation's events. The answer holds the signing secret once (the
    one given, or a new one); it is stored encrypted under the server's SECRET_KEY. 422 `url_refused` for a URL
    that is not http(s) or whose host has a private, loopback or reserved address (unless the operator allows
    those)."""
    endpoint_id = uuid.uuid4()
    secret = data.secret or sender.new_secret()
    endpoint = WebhookEndpoint(id=endpoint_id, organisation_id=organisation.id, url=_checked_url(data.url),
                               description=data.description, events=sorted(set(data.events)), enabled=True,
                               sealed_secret=sender.seal_secret(endpoint_id, secret))
    session.add(endpoint)
    session.flush()
    audit.record(AuditAction.webhook_created, endpoint.id, events=endpoint.events)
    return once.created(WebhookCreated(**WebhookRead.model_validate(endpoint).model_dump(), secret=secret),
                        "get_webhook", webhook_id=endpoint.id)


@router.get("", name="list_webhooks")
def list_webhooks(organisation: AdminOrganisationDep, session: SessionDep, paging: PagingDep) -> list[WebhookRead]:
    """The organisation's endpoints, oldest first (never their secrets). `limit` pages the list (see `Link`)."""
    endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.organisation_id == organisation.id))
    return [WebhookRead.model_validate(e) for e in paging.page(endpoints, lambda e: [micros(e.created_at), str(e.id)])]


@router.get(ENDPOINT, name="get_webhook")
def get_webhook(webhook_id: uuid.UUID, organisation: AdminOrganisationDep, session: SessionDep) -> WebhookRead:
    """One endpoint: URL, events, description, whether it is on (never its secret)."""
    return WebhookRead.model_validate(_endpoint(session, organisation, webhook_id))


@router.patch(ENDPOINT, name="update_webhook")
def update_webhook(webhook_id: uuid.UUID, data: WebhookUpdate, organisation: AdminOrganisationDep,
                   session: SessionDep, audit: AuditDep) -> WebhookRead:
    """Change an endpoint's URL, events, description, secret, or turn it off (`enabled: false`)."""
    endpoint = _endpoint(session, organisation, webhook_id)
    if data.url is not None:
        endpoint.url = _checked_url(data.url)
    if data.events is not None:
        endpoint.events = sorted(set(data.events))
    if data.description is not None:
        endpoint.description = data.description
    if data.enabled is not None:
        endpoint.enabled = data.enabled
    if data.secret is not None:
        endpoint.sealed_secret = sender.seal_secret(endpoint.id, data.secret)
    session.flush()
    audit.record(AuditAction.webhook_updated, endpoint.id, fields=sorted(data.model_fields_set))
    return WebhookRead.model_validate(endpoint)


@router.delete(ENDPOINT, name="delete_webhook", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: uuid.UUID, organisation: AdminOrganisationDep, session: SessionDep,
                   audit: AuditDep) -> None:
    """Remove an endpoint, with its waiting deliveries and its delivery log."""
    endpoint = _endpoint(session, organisation, webhook_id)
    session.delete(endpoint)
    session.flush()
    audit.record(AuditAction.webhook_deleted, webhook_id)


@router.post(ENDPOINT + "/test", name="test_webhook", status_code=status.HTTP_202_ACCEPTED)
def test_webhook(webhook_id: uuid.UUID, organisation: AdminOrganisationDep, session: SessionDep, audit: AuditDep,
                 background: BackgroundTasks) -> TestQueued:
    """Send a `webhook.test` event to the endpoint (after this answer, in its turn after the endpoint's earlier
    deliveries); its outcome shows in the delivery log."""
    endpoint = _endpoint(session, organisation, webhook_id)
    delivery = enqueue(session, endpoint, EventType.test, {"organisation_id": str(organisation.id),
                                                          "webhook_id": str(endpoint.id)})
    session.flush()
    audit.record(AuditAction.webhook_tested, endpoint.id)
    background.add_task(sender.deliver_due, 1)
    return TestQueued(delivery_id=delivery.id)


def _state(delivery: WebhookDelivery) -> str:
    return "delivered" if delivery.delivered_at else "failed" if delivery.failed_at else "pending"


@router.get(ENDPOINT + "/deliveries", name="list_webhook_deliveries")
def list_webhook_deliveries(webhook_id: uuid.UUID, organisation: AdminOrganisationDep, session: SessionDep,
                            paging: PagingDep) -> list[DeliveryRead]:
    """The endpoint's delivery log, newest first: each event's state (`pending`, `delivered`, `failed`: given up),
    attempts with their HTTP status or error and duration, and the body sent. `limit` pages it (see `Link`)."""
    endpoint = _endpoint(session, organisation, webhook_id)
    rows = session.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    page = paging.page(rows, lambda d: [-micros(d.created_at), str(d.id)])
    return [DeliveryRead(id=d.id, event_type=d.event_type, created_at=d.created_at, state=_state(d),
                         attempts=d.attempts, next_attempt_at=d.next_attempt_at, delivered_at=d.delivered_at,
                         failed_at=d.failed_at, last_status=d.last_status, last_error=d.last_error,
                         attempt_log=d.attempt_log, payload=json.loads(d.payload)) for d in page]

"""Sending the webhook outbox, as app.mail.outbox sends mail.

Senders take deliveries in batches (`_claim`): one transaction marks up to BATCH due deliveries as theirs, with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (senders on several hosts take disjoint batches) and plainly on
SQLite (its writers queue). **Order per endpoint**: only the oldest unfinished delivery of an endpoint is due, so
an endpoint gets its events in the order they happened, the next after the previous was delivered or given up.
Each attempt is an HTTP POST signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`,
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). A 2xx answer delivers it; anything else (a
3xx: redirects are not followed; 4xx, 5xx, no connection, a timeout, an address that has become private) is tried
again after BACKOFF (30 s, 2, 10, 60 and 360 minutes); after the last it is given up (`failed_at`). Every attempt
is logged on the delivery (time, status or error, duration): the delivery log of the API.

**Under another SECRET_KEY** the endpoints' signing secrets (sealed under SECRET_KEY) don't open. A sender that
can't open an endpoint's secret leaves its deliveries pending, as the mail outbox leaves a wave's mails to a sender
holding the wave's key: it takes no attempt, says why in the delivery's `last_error` (the delivery log shows it)
and counts the endpoint in `Tally.waiting` (`culturegap worker` logs it). A sender holding the key sends them; a
host started with the wrong key can't give up every organisation's deliveries.

"Once", across restarts: a delivery is marked delivered in its own commit right after its 2xx, and a delivered
one is never sent again. A sender that dies between the 2xx and that commit leaves a claimed delivery that is
sent again after CLAIM_LAPSES with the same `webhook-id`, which receivers use to deduplicate (the specification
asks them to); that window is one delivery per dead sender, as for mail.
"""

import base64
import hashlib
import hmac
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from app import sealing
from app.config import get_settings
from app.db import get_sessionmaker, utcnow
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from app.webhooks.urls import RefusedUrl, check_url

log = logging.getLogger(__name__)
BATCH = 50
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=60),
           timedelta(minutes=360))
MAX_ATTEMPTS = len(BACKOFF) + 1
CLAIM_LAPSES = timedelta(minutes=5)  # an attempt not finished by then died with its sender (far above the timeout)
_PURPOSE = b"culturegap webhook secret v1"
_NEEDED_FOR = "Webhooks"
SECRET_PREFIX = "whsec_"
WAITING_FOR_KEY = ("waiting: the signing secret can't be unsealed under this server's SECRET_KEY; a server holding "
                   "the SECRET_KEY it was registered under sends it (or register the secret again)")


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def seal_secret(endpoint_id: uuid.UUID, secret: str) -> bytes:
    return sealing.seal(_PURPOSE, endpoint_id.bytes, secret, needed_for=_NEEDED_FOR)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header's value (Standard Webhooks, v1)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    url: str
    secret: str
    payload: str
    attempts: int  # with this one
    claimed_at: datetime


@dataclass(frozen=True)
class Batch:
    claimed: list[Claimed]
    waiting: set[uuid.UUID]  # endpoints whose secret this sender can't unseal: their deliveries stay pending


@dataclass
class Tally:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0  # endpoints left pending for a sender that holds their SECRET_KEY


def _unfinished(now: datetime, d: type[WebhookDelivery] = WebhookDelivery):  # type: ignore[no-untyped-def]
    return and_(d.delivered_at.is_(None), d.failed_at.is_(None),
                or_(d.claimed_at.is_(None), d.claimed_at < now - CLAIM_LAPSES))


def _unseal_secret(endpoint: WebhookEndpoint) -> str | None:
    """The endpoint's signing secret, or None under another SECRET_KEY (or none at all)."""
    try:
        return sealing.unseal(_PURPOSE, endpoint.id.bytes, endpoint.sealed_secret, needed_for=_NEEDED_FOR)
    except sealing.NoSecretKey:  # no SECRET_KEY set: nothing sealed opens
        return None


def endpoints_under_another_key(session: Session) -> int:
    """How many enabled endpoints have a secret this process can't unseal (for the warning of `culturegap serve`
    and `worker`)."""
    return sum(1 for endpoint in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.enabled))
               if _unseal_secret(endpoint) is None)


def _claim(session: Session, now: datetime, ids: list[uuid.UUID] | None,
           skip: frozenset[uuid.UUID] = frozenset()) -> Batch:
    """Take up to BATCH due deliveries (of `ids`, when given; not of the endpoints in `skip`). Those of an endpoint
    whose secret doesn't unseal are left as they were, but for their `last_error`, and their endpoint is named in
    `Batch.waiting`."""
    earlier = aliased(WebhookDelivery)
    head_of_queue = ~select(earlier.id).where(
        earlier.endpoint_id == WebhookDelivery.endpoint_id, earlier.delivered_at.is_(None),
        earlier.failed_at.is_(None),
        or_(earlier.created_at < WebhookDelivery.created_at,
            and_(earlier.created_at == WebhookDelivery.created_at, earlier.id < WebhookDelivery.id))).exists()
    query = (select(WebhookDelivery, WebhookEndpoint).join(WebhookEndpoint,
                                                           WebhookEndpoint.id == WebhookDelivery.endpoint_id)
             .where(_unfinished(now), head_of_queue,
                    or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now))
             .order_by(WebhookDelivery.created_at, WebhookDelivery.id).limit(BATCH)
             .with_for_update(of=WebhookDelivery, skip_locked=True))
    if ids is not None:
        query = query.where(WebhookDelivery.id.in_(ids))
    if skip:
        query = query.where(WebhookDelivery.endpoint_id.not_in(skip))
    claimed, waiting = [], set()
    for delivery, endpoint in session.execute(query):
        secret = _unseal_secret(endpoint)
        if secret is None:
            waiting.add(endpoint.id)
            if delivery.last_error != WAITING_FOR_KEY:
                delivery.last_error = WAITING_FOR_KEY
            continue
        delivery.attempts, delivery.claimed_at, delivery.next_attempt_at = delivery.attempts + 1, now, None
        claimed.append(Claimed(delivery.id, endpoint.url, secret, delivery.payload, delivery.attempts, now))
    return Batch(claimed, waiting)


def _finish(item: Claimed, status: int | None, error: str | None, millis: int) -> str:
    """Record the attempt (unless another sender has taken the delivery since): 'delivered', 'retrying' or
    'failed'."""
    now = utcnow()
    ok = status is not None and 200 <= status < 300
    outcome = "delivered" if ok else "failed" if item.attempts >= MAX_ATTEMPTS else "retrying"
    with get_sessionmaker().begin() as session:
        delivery = session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.id == item.id, WebhookDelivery.claimed_at == item.claimed_at)
            .with_for_update()).first()
        if delivery is None:
            return "retrying"
        delivery.attempt_log = [*delivery.attempt_log, {"at": now.isoformat(), "status": status,
                                                        "error": error, "ms": millis}]
        delivery.last_status, delivery.last_error, delivery.claimed_at = status, error, None
        if outcome == "delivered":
            delivery.delivered_at = now
        elif outcome == "failed":
            delivery.failed_at = now
        else:
            delivery.next_attempt_at = now + BACKOFF[item.attempts - 1]
    return outcome


def _post(client: httpx.Client, item: Claimed) -> tuple[int | None, str | None]:
    try:
        check_url(item.url, allow_private=get_settings().webhook_allow_private_addresses)
    except RefusedUrl as refused:
        return None, str(refused)[:300]
    body = item.payload.encode()
    timestamp = int(time.time())
    headers = {"content-type": "application/json", "webhook-id": str(item.id),
               "webhook-timestamp": str(timestamp),
               "webhook-signature": sign(item.secret, str(item.id), timestamp, body),
               "user-agent": "culturegap-webhooks/1"}
    try:
        response = client.post(item.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]
    error = None if response.is_success else f"HTTP {response.status_code}"
    return response.status_code, error


def _send(batch: list[Claimed]) -> Tally:
    tally = Tally()
    if not batch:
        return tally
    with httpx.Client(timeout=get_settings().webhook_timeout, follow_redirects=False, trust_env=False) as client:
        for item in batch:
            started = time.monotonic()
            status, error = _post(client, item)
            outcome = _finish(item, status, error, int((time.monotonic() - started) * 1000))
            if outcome != "delivered":
                log.warning("webhook delivery %s attempt %d: %s", item.id, item.attempts, error)
            setattr(tally, outcome, getattr(tally, outcome) + 1)
    return tally


def deliver_due(max_batches: int | None = None, ids: list[uuid.UUID] | None = None) -> Tally:
    """Send due deliveries batch after batch until none is left (`culturegap worker`, and after a request that
    wrote some). Never raises for the receivers' faults. Endpoints whose secret this sender can't unseal are
    skipped (`Tally.waiting`), their deliveries left pending."""
    total = Tally()
    waiting: set[uuid.UUID] = set()
    done = 0
    while max_batches is None or done < max_batches:
        with get_sessionmaker().begin() as session:
            batch = _claim(session, utcnow(), ids, frozenset(waiting))
        if not batch.claimed and not batch.waiting:
            break
        waiting |= batch.waiting
        tally = _send(batch.claimed)
        total.delivered += tally.delivered
        total.retrying += tally.retrying
        total.failed += tally.failed
        done += 1
    if waiting:
        log.warning("webhooks of %d endpoint(s) wait: their signing secrets were sealed under another SECRET_KEY "
                    "than this server's; restore it (or register the endpoints' secrets again)", len(waiting))
    total.waiting = len(waiting)
    return total

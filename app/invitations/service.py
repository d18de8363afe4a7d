"""Invitations: single-use answering tokens per unit and leadership layer.

A token is 256 random bits, handed out once and stored only as its SHA-256, so the database can check a token
but never reproduce one. That an invitation was used is recorded apart from it (app.invitations.used), never which
response it gave: response rates per unit and layer are all anyone can learn from it.
"""

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.errors import Unprocessable
from app.invitations.models import Invitation
from app.invitations.schemas import InvitationSummary, RateGroup
from app.invitations.used import stamp_key, used_counts
from app.orgs import service as org_service
from app.orgs.models import Layer, Organisation
from app.surveys.models import Survey, SurveyStatus
from app.surveys.service import SurveyClosed
from app.units.tree import UnitTree

TOKEN_BYTES = 32
TOKEN_FORMAT = re.compile(r"[A-Za-z0-9_-]{32,128}")
"""What a token looks like (url-safe base64, at least 192 bits); anything else is refused before any lookup."""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def respond_url(base_url: str, token: str) -> str:
    """The web form's link; the token rides in the fragment, which browsers never send to a server."""
    return f"{base_url.rstrip('/')}/respond#{token}"


def check_issuable(survey: Survey, now: datetime) -> None:
    """Invitations may be prepared for a draft and handed out while open; a closed survey takes none."""
    if survey.status is SurveyStatus.closed or (survey.closes_at is not None and now >= survey.closes_at):
        raise SurveyClosed("This survey is closed: it takes no new invitations.")


@dataclass(frozen=True)
class Target:
    """Where tokens go: a unit and a layer, checked against the organisation."""

    unit_id: uuid.UUID
    layer_id: uuid.UUID


def target_problem(tree: UnitTree, layers: dict[uuid.UUID, Layer], unit_id: uuid.UUID | None,
                   layer_id: uuid.UUID | None) -> tuple[str, str] | None:
    """(field, message) for a unit or layer that can't be invited, or None."""
    if unit_id is None or unit_id not in tree.units:
        return "unit_id", "no such unit in this organisation"
    if tree.units[unit_id].archived_at is not None:
        return "unit_id", "the unit is archived"
    if layer_id is None or layer_id not in layers:
        return "layer_id", "no such layer in this organisation"
    return None


def issue(session: Session, survey: Survey, target: Target, count: int, expires_at: datetime | None) -> list[str]:
    """Create `count` invitations in one multi-row insert; returns the tokens (their only appearance)."""
    return [token for _, token in issue_with_ids(session, survey, [target] * count, expires_at)]


def issue_with_ids(session: Session, survey: Survey, targets: list[Target],
                   expires_at: datetime | None) -> list[tuple[uuid.UUID, str]]:
    """One invitation per target, in one multi-row insert: (id, token) each. The survey records the SECRET_KEY
    they are made under (a survey made under another one is refused: `app.invitations.used.stamp_key`)."""
    stamp_key(session, survey)
    now = utcnow()
    issued = [(uuid.uuid4(), new_token()) for _ in targets]
    session.execute(insert(Invitation), [
        {"id": invitation_id, "created_at": now, "survey_id": survey.id, "unit_id": target.unit_id,
         "layer_id": target.layer_id, "token_hash": hash_token(token), "expires_at": expires_at}
        for (invitation_id, token), target in zip(issued, targets, strict=True)])
    return issued


def check_expiry(expires_at: datetime | None, now: datetime, loc: list[str | int]) -> None:
    if expires_at is not None and expires_at <= now:
        raise Unprocessable(errors=[{"loc": loc, "msg": "must be in the future", "type": "value_error"}])


def layers_by_id(session: Session, organisation: Organisation) -> dict[uuid.UUID, Layer]:
    return {layer.id: layer for layer in org_service.list_layers(session, organisation)}


def summary(session: Session, organisation: Organisation, tree: UnitTree, survey: Survey) -> InvitationSummary:
    """Issued and used tokens per unit and layer."""
    layers = layers_by_id(session, organisation)
    issued_by = session.execute(
        select(Invitation.unit_id, Invitation.layer_id, func.count())
        .where(Invitation.survey_id == survey.id).group_by(Invitation.unit_id, Invitation.layer_id)).all()
    used = used_counts(session, survey.id)
    groups = [RateGroup(unit_id=unit_id, unit_path=tree.path(unit_id), layer_id=layer_id,
                        layer_key=layers[layer_id].key, issued=issued, submitted=used.get((unit_id, layer_id), 0),
                        rate=used.get((unit_id, layer_id), 0) / issued)
              for unit_id, layer_id, issued in issued_by]
    groups.sort(key=lambda g: ([n.casefold() for n in g.unit_path], layers[g.layer_id].rank))
    issued_total = sum(g.issued for g in groups)
    submitted_total = sum(g.submitted for g in groups)
    return InvitationSummary(survey_id=survey.id, issued=issued_total, submitted=submitted_total,
                             rate=submitted_total / issued_total if issued_total else None, groups=groups)

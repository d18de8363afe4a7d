"""Every ORM model, imported in one place for Alembic's autogenerate and the migration check."""

from app.actions.models import Action
from app.audit.models import AuditEvent
from app.auth.models import ApiKey
from app.comments.models import Comment, CommentSettings
from app.db import Base
from app.idempotency.models import IdempotencyRecord
from app.invitations.models import Invitation, UsedToken
from app.mail.models import OutgoingMail
from app.oidc.models import SignInFlow, SingleSignOn
from app.orgs.models import Layer, Organisation
from app.people.models import Person, PersonUnit
from app.questionnaires.models import Dimension, Item, Questionnaire
from app.ratelimit.models import RateCounter
from app.responses.models import Response
from app.selfassessments.models import SelfAssessment
from app.sessions.models import SignInLink, SignInRequest, UserSession
from app.surveys.models import Survey
from app.units.models import Unit
from app.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = ["Action", "ApiKey", "AuditEvent", "Base", "Comment", "CommentSettings", "Dimension", "IdempotencyRecord",
           "Invitation", "Item", "Layer", "Organisation", "OutgoingMail", "Person", "PersonUnit", "Questionnaire",
           "RateCounter", "Response", "SelfAssessment", "SignInFlow", "SignInLink", "SignInRequest", "SingleSignOn",
           "Survey", "Unit", "UsedToken", "UserSession", "WebhookDelivery", "WebhookEndpoint"]

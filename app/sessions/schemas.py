import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.auth.models import Role
from app.people.schemas import Email

Language = Literal["nl", "en"]


class SignInStart(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"email": "t.bakker@gemeente.nl", "language": "nl"}]})

    email: Email
    language: Language = Field(default="en", description="The language of the mail with the link")


class SingleSignOnChoice(BaseModel):
    organisation_id: uuid.UUID
    name: str
    start_url: str = Field(description="Open this in the browser to sign in at the organisation's identity "
                                       "provider")


class SignInAnswer(BaseModel):
    method: Literal["single_sign_on", "email_link"] = Field(
        description="`single_sign_on`: the address's domain signs in at its organisation's identity provider "
                    "(`organisations`); `email_link`: it doesn't. Either way, if the address belongs to someone who "
                    "signs in by link, a link is on its way (the answer is the same when it does not)")
    organisations: list[SingleSignOnChoice] = Field(default_factory=list)


class LinkSignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: Annotated[str, Field(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$",
                                description="The token from the e-mailed link (after `#link=`)")]


class SessionRead(BaseModel):
    person_id: uuid.UUID
    name: str
    email: str
    role: Role
    organisation_id: uuid.UUID
    unit_ids: list[uuid.UUID] | None = Field(description="The units whose subtrees the person reaches; null for "
                                                         "the whole organisation")
    method: str = Field(description="How the person signed in: `oidc` or `email_link`")
    created_at: datetime
    expires_at: datetime = Field(description="The session ends then, however active")
    idle_expires_at: datetime = Field(description="The session ends then unless a request comes first")
    csrf_token: str = Field(description="Send it in the `X-CSRF-Token` header of every request that changes "
                                        "something")

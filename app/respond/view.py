"""What the respondent's form gets, as JSON bytes. The questionnaire in one language is the bulk of it and the same
for every respondent of a survey, so it is serialised once per worker, definition and language, and spliced in."""

import uuid
from typing import Any

from pydantic_core import to_json

from app.questionnaires.service import QuestionnaireDefinition
from app.respond.service import Ticket

_localised: dict[tuple[uuid.UUID, str], tuple[QuestionnaireDefinition, bytes]] = {}


def questionnaire_json(definition: QuestionnaireDefinition, language: str) -> bytes:
    hit = _localised.get((definition.id, language))
    if hit is not None and hit[0] is definition:  # the same cached definition object: still current
        return hit[1]
    blob = to_json(definition.localised(language))
    _localised[(definition.id, language)] = (definition, blob)
    return blob


def choose_language(requested: str | None, offered: list[str], fallback: str | None) -> str:
    if requested:
        primary = requested.strip().split("-")[0].split("_")[0].lower()
        if primary in offered:
            return primary
    return fallback if fallback in offered else offered[0]


def render(ticket: Ticket, requested: str | None) -> bytes:
    """The body of `QuestionnaireToAnswer` (see schemas) for this ticket, in the chosen language."""
    draft: dict[str, Any] | None = None
    if ticket.draft is not None:
        saved = ticket.draft
        draft = {"language": saved.get("language", ""), "current": saved.get("current", {}),
                 "desired": saved.get("desired", {}), "comments": saved.get("comments", {}),
                 "saved_at": ticket.draft_saved_at}
    language = choose_language(requested, ticket.languages, draft["language"] if draft else None)
    head = to_json({"survey": {"title": ticket.title, "ask_desired": ticket.ask_desired,
                               "languages": list(ticket.languages)},
                    "language": language, "draft": draft, "unit_name": ticket.unit_name,
                    "open_questions": [{"key": q["key"], "text": q["texts"].get(language) or next(
                        iter(q["texts"].values()), "")} for q in ticket.open_questions]})
    return head[:-1] + b',"questionnaire":' + questionnaire_json(ticket.definition, language) + b"}"

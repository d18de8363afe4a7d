"""What the audit log records, and which operation records what.

Every operation of the API that changes something is listed here, either with the actions it may record or as
not audited with the reason; `tests/test_audit_coverage.py` fails for an operation in neither list.
"""

import enum


class ObjectType(enum.StrEnum):
    organisation = "organisation"
    unit = "unit"
    key = "key"
    questionnaire = "questionnaire"
    survey = "survey"
    self_assessment = "self_assessment"
    person = "person"
    action = "action"
    comment = "comment"
    webhook = "webhook"


class AuditAction(enum.StrEnum):
    """`<object type>.<what happened>`; the object is always of the type before the dot."""

    organisation_created = "organisation.created"
    organisation_updated = "organisation.updated"
    organisation_deleted = "organisation.deleted"
    organisation_layers_replaced = "organisation.layers_replaced"
    organisation_units_imported = "organisation.units_imported"
    unit_created = "unit.created"
    unit_updated = "unit.updated"
    unit_archived = "unit.archived"
    unit_unarchived = "unit.unarchived"
    unit_deleted = "unit.deleted"
    key_created = "key.created"
    key_revoked = "key.revoked"
    questionnaire_created = "questionnaire.created"
    questionnaire_replaced = "questionnaire.replaced"
    questionnaire_deleted = "questionnaire.deleted"
    survey_created = "survey.created"
    survey_updated = "survey.updated"
    survey_opened = "survey.opened"
    survey_closed = "survey.closed"
    survey_reopened = "survey.reopened"
    survey_deleted = "survey.deleted"
    survey_invitations_issued = "survey.invitations_issued"
    survey_invitations_imported = "survey.invitations_imported"
    survey_invitations_mailed = "survey.invitations_mailed"
    survey_reminders_mailed = "survey.reminders_mailed"
    survey_responses_imported = "survey.responses_imported"
    self_assessment_created = "self_assessment.created"
    self_assessment_deleted = "self_assessment.deleted"
    organisation_single_sign_on_set = "organisation.single_sign_on_set"
    organisation_single_sign_on_removed = "organisation.single_sign_on_removed"
    organisation_people_imported = "organisation.people_imported"
    organisation_sign_in_failed = "organisation.sign_in_failed"
    person_created = "person.created"
    person_updated = "person.updated"
    person_deactivated = "person.deactivated"
    person_reactivated = "person.reactivated"
    person_deleted = "person.deleted"
    person_signed_in = "person.signed_in"
    person_sign_in_link_sent = "person.sign_in_link_sent"
    person_signed_out = "person.signed_out"
    person_signed_out_everywhere = "person.signed_out_everywhere"
    action_created = "action.created"
    action_updated = "action.updated"
    action_deleted = "action.deleted"
    survey_comment_settings_set = "survey.comment_settings_set"
    comment_hidden = "comment.hidden"
    comment_shown = "comment.shown"
    webhook_created = "webhook.created"
    webhook_updated = "webhook.updated"
    webhook_deleted = "webhook.deleted"
    webhook_tested = "webhook.tested"

    @property
    def object_type(self) -> ObjectType:
        return ObjectType(self.value.split(".", 1)[0])

A = AuditAction
AUDITED_OPERATIONS: dict[str, frozenset[AuditAction]] = {
    "create_organisation": frozenset({A.organisation_created}),
    "update_organisation": frozenset({A.organisation_updated}),
    "delete_organisation": frozenset({A.organisation_deleted}),
    "replace_layers": frozenset({A.organisation_layers_replaced}),
    "create_unit": frozenset({A.unit_created}),
    "update_unit": frozenset({A.unit_updated, A.unit_archived, A.unit_unarchived}),
    "delete_unit": frozenset({A.unit_deleted}),
    "import_units": frozenset({A.organisation_units_imported}),
    "create_key": frozenset({A.key_created}),
    "revoke_key": frozenset({A.key_revoked}),
    "create_questionnaire": frozenset({A.questionnaire_created}),
    "replace_questionnaire": frozenset({A.questionnaire_replaced}),
    "delete_questionnaire": frozenset({A.questionnaire_deleted}),
    "create_survey": frozenset({A.survey_created}),
    "update_survey": frozenset({A.survey_updated}),
    "delete_survey": frozenset({A.survey_deleted}),
    "open_survey": frozenset({A.survey_opened}),
    "close_survey": frozenset({A.survey_closed}),
    "reopen_survey": frozenset({A.survey_reopened}),
    "create_invitations": frozenset({A.survey_invitations_issued}),
    "import_invitations": frozenset({A.survey_invitations_imported}),
    "mail_invitations": frozenset({A.survey_invitations_mailed}),
    "send_invitation_reminders": frozenset({A.survey_reminders_mailed}),
    "import_responses": frozenset({A.survey_responses_imported}),
    "create_self_assessment": frozenset({A.self_assessment_created}),
    "delete_self_assessment": frozenset({A.self_assessment_deleted}),
    "create_person": frozenset({A.person_created}),
    "update_person": frozenset({A.person_updated, A.person_deactivated, A.person_reactivated}),
    "delete_person": frozenset({A.person_deleted}),
    "import_people": frozenset({A.organisation_people_imported}),
    "sign_out_person": frozenset({A.person_signed_out_everywhere}),
    "set_single_sign_on": frozenset({A.organisation_single_sign_on_set}),
    "delete_single_sign_on": frozenset({A.organisation_single_sign_on_removed}),
    "sign_out": frozenset({A.person_signed_out}),
    "sign_out_everywhere": frozenset({A.person_signed_out_everywhere}),
    "create_action": frozenset({A.action_created}),
    "update_action": frozenset({A.action_updated}),
    "delete_action": frozenset({A.action_deleted}),
    "set_comment_settings": frozenset({A.survey_comment_settings_set}),
    "hide_comment": frozenset({A.comment_hidden, A.comment_shown}),
    "create_webhook": frozenset({A.webhook_created}),
    "update_webhook": frozenset({A.webhook_updated}),
    "delete_webhook": frozenset({A.webhook_deleted}),
    "test_webhook": frozenset({A.webhook_tested}),
}

# Operations without a caller to blame (nobody is signed in yet) that write their events themselves
# (app.audit.service.record), each with the actions it may record.
AUDITED_WITHOUT_TRAIL: dict[str, frozenset[AuditAction]] = {
    "request_sign_in": frozenset({A.person_sign_in_link_sent}),
    "sign_in_with_link": frozenset({A.person_signed_in, A.organisation_sign_in_failed}),
}

NOT_AUDITED: dict[str, str] = {
    "save_draft": "a respondent's action: an event per draft would time-stamp anonymous answers",
    "submit_response": "a respondent's action: an event per submission would time-stamp anonymous responses",
    "check_mail_invitations": "changes nothing: checks an invitation list as sending would, stores and mails nothing",
}

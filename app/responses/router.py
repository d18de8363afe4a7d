from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Query, UploadFile, status
from fastapi.responses import StreamingResponse

from app import csv_encoding
from app.audit.actions import AuditAction
from app.audit.trail import AuditDep
from app.config import get_settings
from app.deps import AdminOrganisationDep, SessionDep, TreeDep
from app.errors import problem_responses
from app.exports.options import TABLE_RESPONSES, RawExportDep
from app.exports.sav import MEDIA_TYPE as SAV_MEDIA_TYPE
from app.exports.sav import sav_chunks
from app.exports.spss import MEDIA_TYPE as SPS_MEDIA_TYPE
from app.exports.spss import sps_chunks
from app.idempotency.deps import IdempotentDep
from app.responses.csv_import import import_responses
from app.responses.export import INCOMPLETE, ExportPlan, Shape, spss_variables, table
from app.responses.publication import publish
from app.responses.schemas import ResponseImportResult, UnknownUnits
from app.surveys.deps import SurveyDep
from app.surveys.models import SurveyStatus
from app.webhooks import events as webhook_events
from app.webhooks import sender as webhook_sender
from app.webhooks.events import EventType

router = APIRouter(prefix="/organisations/{organisation_id}/surveys/{survey_id}/responses", tags=["responses"],
                   responses=problem_responses(401, 403, 404, 422))


@router.post("/import", name="import_responses", status_code=status.HTTP_201_CREATED,
             responses=problem_responses(409, 413))
def import_responses_csv(
        file: Annotated[UploadFile, File(description=csv_encoding.UPLOAD_OR_XLSX)],
        survey: SurveyDep, organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep, audit: AuditDep,
        once: IdempotentDep, background: BackgroundTasks,
        unknown_units: Annotated[UnknownUnits, Query(description="A unit path the organisation doesn't have: "
                                                                 "`refuse` the file, or `create` the units")]
        = UnknownUnits.refuse,
) -> ResponseImportResult:
    """Import responses collected elsewhere. Columns: `unit` (external key, path `Directie/Afdeling/Team`, or id),
    optional `layer` (a layer's key or name: `team_leader`, `Teamleider`), one column per item key, and
    `<item_key>:desired` columns when the survey asks how it should be. An empty cell is a missing answer;
    `dont_know` where the questionnaire offers it. Every row needs at least one answer. CSV, or an XLSX workbook's
    first sheet (errors then name the row number Excel shows).

    A survey in any status takes an import (the data is historical: a closed survey takes it too). Imported
    responses count in the figures once published: at once when the survey is not open (after an earlier
    publication only when every unit and layer got none or at least the minimum group size of new responses),
    else when it closes. All or nothing:
    any bad line gives a 422 listing each problem (`loc` = `["file", line, column]`, up to 200) and stores nothing.
    The file is read in batches, so it may be long: up to `MAX_UPLOAD_BYTES` (50 MB by default) and
    `IMPORT_MAX_ROWS` rows (1,000,000 by default); a larger file gets a 413 and stores nothing."""
    result = import_responses(session, organisation, tree, survey, file.file, unknown_units,
                              max_rows=get_settings().import_max_rows)
    published_before = survey.published_at
    if survey.status is not SurveyStatus.open:
        publish(session, survey)
    webhook_events.survey_event(session, survey, EventType.survey_responses_imported)
    if survey.published_at != published_before:
        webhook_events.survey_event(session, survey, EventType.survey_published)
    audit.record(AuditAction.survey_responses_imported, survey.id, imported=result.imported,
                 units_created=result.units_created)
    background.add_task(webhook_sender.deliver_due, 2)
    return once.remember(result)


@router.get("/export", name="export_responses", response_class=StreamingResponse,
            responses={200: {"content": {**TABLE_RESPONSES[200]["content"],
                                         SPS_MEDIA_TYPE: {"schema": {"type": "string"}},
                                         SAV_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
                             "description": "The published responses as k-anonymous CSV, with `format=xlsx` as an "
                                            "Excel workbook, with `format=sps` as SPSS syntax, with `format=sav` as "
                                            "an SPSS data file"},
                       422: TABLE_RESPONSES[422]})
def export_responses(
        survey: SurveyDep, organisation: AdminOrganisationDep, tree: TreeDep, session: SessionDep,
        out: RawExportDep,
        shape: Annotated[Shape, Query(description="`wide`: one row per respondent, their dimensions side by side "
                                                  "(fewer answers where people left different dimensions out); "
                                                  "`long`: one row per respondent, dimension and frame, every "
                                                  "completed dimension the reports show, rows not linked")] = "wide",
) -> StreamingResponse:
    """The survey's published responses as CSV that adds nothing to what the reports show, for organisation
    admins. A first `#` line says what the protection cost (also in the `X-Export-*` headers); then
    the columns `unit_path,unit_key,layer`, then one column per item key in questionnaire order (a scale point, or
    empty), then `<item_key>:desired` columns when the survey asks how it should be. A row is named at the nearest
    unit whose figures the reports show (`*`: the organisation), with its layer where the reports show that layer
    there and below (else `*`); a dimension's answers are written where the reports show that dimension for the
    group, and only for those who answered all of its statements; in a group, those who left out the same
    dimensions number 0 or at least k (the survey's minimum group size), else a dimension is left out for the
    whole group. Answers are never changed. Nothing else is stored with a response, so nothing else is exported.
    `shape=long`: one row per respondent, dimension and frame instead (columns `dimension` and `frame` after
    `layer`, the answers under the statements' keys), for every dimension the reports show in the group and everyone
    who completed it; the rows of one respondent are not linked, so nothing needs to be left out for the wide file's
    last rule.
    Streamed; rows sorted by unit, layer and answers. The response import takes the file back, except rows named
    `*` (the organisation).

    `dialect=excel-nl`: semicolons and a UTF-8 byte order mark, for Dutch Excel (the import reads it too).
    `format=xlsx`: one `responses` sheet (scale points as numbers) and an `about` sheet with the `#` line's figures;
    the same rows, built whole before it is sent.
    `format=sps`: SPSS syntax with the same rows inside (`DATA LIST` ... `BEGIN DATA`), variable labels (the
    statements, in the questionnaire's first language), value labels (the answer scale), "don't know" as the
    user-missing value 99, reverse-keyed statements noted; SPSS or PSPP runs it to a dataset (`SAVE OUTFILE` makes
    the `.sav`).
    `format=sav`: the SPSS data file itself (pyreadstat), with the same rows, labels and user-missing 99; a
    reverse-keyed statement's label ends in `(reverse-keyed)`; the `#` line is a file note. Built whole before it is
    sent."""
    plan = ExportPlan.of(session, organisation, survey, tree, shape)
    if out.format in ("sps", "sav"):
        t = table(plan)
        chunks, media_type = ((sps_chunks, SPS_MEDIA_TYPE) if out.format == "sps" else (sav_chunks, SAV_MEDIA_TYPE))
        return StreamingResponse(chunks(t.header, t.rows, spss_variables(plan), plan.comment(), INCOMPLETE),
                                 media_type=media_type, headers={
                                     "Content-Disposition": f'attachment; filename="{t.name}.{out.format}"',
                                     "Cache-Control": "no-store", **plan.headers()})
    return out.stream(table(plan), plan.headers())

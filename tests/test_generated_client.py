"""A Python client generated from the served OpenAPI document with openapi-python-client, as an integration
would: it must generate without a warning, import, and carry a whole workflow with no hand edits.
"""

import contextlib
import csv
import importlib
import io
import subprocess
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import xlsxwriter

from tests.factories import unique_name
from tests.tables import csv_rows, xlsx_sheets

PACKAGE = "culturegap_client"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONFIG = f"package_name_override: {PACKAGE}\nproject_name_override: culturegap-client\npost_hooks: []\n"


@pytest.fixture(scope="module")
def generated(http, tmp_path_factory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("client")
    (folder / "openapi.json").write_bytes(http.get("/openapi.json").content)
    (folder / "config.yaml").write_text(CONFIG)
    run = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", "openapi.json", "--config",
         "config.yaml", "--meta", "none", "--output-path", PACKAGE, "--fail-on-warning"],
        cwd=folder, capture_output=True, text=True, timeout=300)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    said = [line for line in output.splitlines() if line.strip() and not line.startswith("Generating ")]
    assert not said, f"the generator warned:\n{output}"
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture
def authenticated(generated) -> Iterator[Callable[..., Any]]:
    """Makes the generated package's clients, each closed when the test ends (an open connection left to the garbage
    collector fails whichever test runs then, with a ResourceWarning)."""
    with contextlib.ExitStack() as stack:
        yield lambda **options: stack.enter_context(
            generated.AuthenticatedClient(raise_on_unexpected_status=True, **options))


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def api(operation: str) -> Any:
    """The generated module of one operation, by tag and operation id: `api("surveys.create_survey").sync(...)`."""
    return _module(f"api.{operation}")


def test_a_whole_workflow_through_the_generated_client(authenticated, server_url, platform_key):
    models = _module("models")
    client = authenticated(base_url=server_url, token=platform_key)

    organisation = api("organisations.create_organisation").sync(
        client=client, body=models.OrganisationCreate(name=unique_name()))
    assert isinstance(organisation, models.OrganisationRead), organisation
    key = api("keys.create_key").sync(organisation.id, client=client,
                                   body=models.KeyCreate(name="integration", role=models.Role.ORG_ADMIN))
    admin = authenticated(base_url=server_url, token=key.key)

    layers = {layer.key: layer.id for layer in api("layers.list_layers").sync(organisation.id, client=admin)}
    department = api("units.create_unit").sync(organisation.id, client=admin, body=models.UnitCreate(name="Ruimte"))
    team = api("units.create_unit").sync(organisation.id, client=admin,
                                      body=models.UnitCreate(name="Team Wonen", parent_id=department.id))
    assert team.path == ["Ruimte", "Team Wonen"]
    # A long list a page at a time, as an integration walks it: `limit`, then the `cursor` of each next link.
    names: list[str] = []
    cursor = _module("types").UNSET
    while True:
        page = api("units.list_units").sync_detailed(organisation.id, client=admin, limit=1, cursor=cursor)
        names += [unit.name for unit in page.parsed]
        link = page.headers.get("link")
        if not link:
            break
        cursor = parse_qs(urlsplit(link[1:link.index(">")]).query)["cursor"][0]
    assert names == ["Ruimte", "Team Wonen"]
    _uploads(client=admin, organisation=organisation.id)

    builtin = max((q for q in api("questionnaires.list_questionnaires").sync(organisation.id, client=admin)
                   if q.key == "culture-gap"), key=lambda q: q.version)  # the newest: with the outcome scale
    survey = api("surveys.create_survey").sync(organisation.id, client=admin, body=models.SurveyCreate(
        title="Cultuurmeting", questionnaire_id=builtin.id, min_group_size=3))
    # An open question, asked of groups of at least three (the minimum here), set while the wave is a draft.
    question = models.OpenQuestion(key="share_knowledge", texts=models.OpenQuestionTexts.from_dict({
        "nl": "Wat zou het meest helpen om kennis te delen in je team?",
        "en": "What would help most to share knowledge in your team?"}))
    settings = api("comments.set_comment_settings").sync(
        organisation.id, survey.id, client=admin, body=models.CommentSettingsIn(questions=[question], threshold=3))
    assert isinstance(settings, models.CommentSettingsRead), settings
    assert settings.threshold == 3 and [q.key for q in settings.questions] == ["share_knowledge"]
    settings = api("comments.get_comment_settings").sync(organisation.id, survey.id, client=admin)
    assert settings.max_comment_chars > 0 and "openness" in settings.themes.additional_properties
    survey = api("surveys.open_survey").sync(organisation.id, survey.id, client=admin)
    assert survey.accepting

    batch = api("invitations.create_invitations").sync(organisation.id, survey.id, client=admin,
                                                    body=models.InvitationCreate(unit_id=team.id,
                                                                                 layer_id=layers["employee"], count=3))
    assert batch.count == 3

    for answer, invitation in enumerate(batch.invitations, start=3):
        respondent = authenticated(base_url=server_url, token=invitation.token, prefix="",
                                   auth_header_name="X-Survey-Token")
        form = api("respond.get_questionnaire_to_answer").sync(client=respondent, lang="nl")
        items = [item["key"] for dimension in form.questionnaire["dimensions"] for item in dimension["items"]]
        comment = "Meer tijd om samen te leren, open feedback" + (" (mail jan@example.org)" if answer == 3 else "")
        submitted = api("respond.submit_response").sync(client=respondent, body=models.Answers(
            language="nl", current=models.AnswersCurrent.from_dict({key: answer for key in items}),
            desired=models.AnswersDesired.from_dict({}),
            comments=models.AnswersComments.from_dict({"share_knowledge": comment})))
        assert submitted.status == "submitted"

    rates = api("reports.get_response_rates").sync(organisation.id, survey.id, client=admin)
    assert isinstance(rates, models.ResponseRates), rates
    assert rates.scope.answered == 3  # counts are live
    profile = api("reports.get_culture_profile").sync(organisation.id, survey.id, client=admin)
    assert isinstance(profile, models.CultureProfile) and profile.group.n == 0  # figures wait for the close
    closed = api("surveys.close_survey").sync(organisation.id, survey.id, client=admin)
    assert closed.published_at is not None
    profile = api("reports.get_culture_profile").sync(organisation.id, survey.id, client=admin)
    assert isinstance(profile, models.CultureProfile), profile
    assert profile.group.n == 3 and not profile.suppressed
    assert all(dimension.n == 3 and dimension.mean is not None for dimension in profile.dimensions)
    _downloads(client=admin, organisation=organisation.id, survey=survey.id)

    # The plan that follows the reading: an action for the team, aimed at openness, and its before and after.
    action = api("actions.create_action").sync(organisation.id, survey.id, client=admin, body=models.ActionCreate(
        title="Maandelijkse lunch: wat ging er mis", unit_id=team.id, dimension_key="openness",
        owner_name="A. de Vries", status=models.ActionStatus.PLANNED))
    assert isinstance(action, models.ActionRead), action
    action = api("actions.update_action").sync(organisation.id, survey.id, action.id, client=admin,
                                               body=models.ActionUpdate(status=models.ActionStatus.IN_PROGRESS))
    assert action.status == models.ActionStatus.IN_PROGRESS
    listed = api("actions.list_actions").sync(organisation.id, survey.id, client=admin, limit=10)
    assert [a.id for a in listed] == [action.id]
    effect = api("actions.get_action_effect").sync(organisation.id, survey.id, action.id, client=admin)
    assert isinstance(effect, models.ActionEffect), effect
    assert effect.reason == "no_later_wave" and effect.dimension.before.n == 3
    earlier = api("actions.list_earlier_actions").sync(organisation.id, survey.id, client=admin)
    assert earlier == []  # the first wave: nothing planned before it
    _comments(client=admin, organisation=organisation.id, survey=survey.id)
    drivers = api("reports.get_drivers").sync_detailed(organisation.id, survey.id, client=admin, resamples=0)
    assert drivers.status_code == 422  # three respondents: far below the driver analysis's minimum, said in a problem
    assert "at least 50 respondents" in drivers.parsed.detail


def _uploads(*, client: Any, organisation: Any) -> None:
    """Files go up as files (a multipart part with its name and type), CSV and XLSX alike: an upload field typed as
    a string would send the file as a text field, and the server refuse it."""
    models, file = _module("models"), _module("types").File
    imported = api("units.import_units").sync(organisation, client=client, body=models.ImportUnitsForm(
        file=file(payload=io.BytesIO(b"path\nRuimte/Team Klimaat\n"), file_name="eenheden.csv", mime_type="text/csv")))
    assert isinstance(imported, models.UnitImportResult), imported
    assert imported.created == 1 and ["Ruimte", "Team Klimaat"] in [unit.path for unit in imported.units]
    book = io.BytesIO()
    sheet = (workbook := xlsxwriter.Workbook(book, {"in_memory": True})).add_worksheet("Eenheden")
    sheet.write_column(0, 0, ["path", "Sociaal/Team Jeugd"])
    workbook.close()
    imported = api("units.import_units").sync(organisation, client=client, body=models.ImportUnitsForm(
        file=file(payload=io.BytesIO(book.getvalue()), file_name="eenheden.xlsx", mime_type=XLSX)))
    assert isinstance(imported, models.UnitImportResult), imported
    assert imported.created == 2 and ["Sociaal", "Team Jeugd"] in [unit.path for unit in imported.units]


def _downloads(*, client: Any, organisation: Any, survey: Any) -> None:
    """Files through the generated client, as docs/integration.md says: a download's bytes are its response's
    `content`; a report's table (`format=csv` or `xlsx`, not the JSON model its function parses) comes through the
    client's own httpx client."""
    models = _module("models")
    export = api("responses.export_responses").sync_detailed(organisation, survey, client=client,
                                                             format_=models.ExportResponsesFormat.XLSX)
    assert export.status_code == 200
    sheets = xlsx_sheets(export.content)
    assert len(sheets["responses"]) == 3
    table = client.get_httpx_client().get(f"/api/v1/organisations/{organisation}/surveys/{survey}/reports/profile",
                                          params={"format": "csv", "dialect": "excel-nl"})
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    rows = csv_rows(table.text, "excel-nl")
    assert rows and {row["n"] for row in rows if row.get("item", "") == ""} == {"3"}


def _comments(*, client: Any, organisation: Any, survey: Any) -> None:
    """The closed wave's comments through the generated client: the group of three shows them (masked), the theme
    counts, an admin hides one (and still lists it with `hidden`), and the k-anonymous export."""
    models = _module("models")
    report = api("comments.get_comments").sync(organisation, survey, client=client)
    assert isinstance(report, models.CommentsReport), report
    assert report.shown and report.threshold == 3 and len(report.comments) == 3
    assert any("[e-mail]" in c.text for c in report.comments) and not any("@" in c.text for c in report.comments)
    themes = api("comments.get_comment_themes").sync(organisation, survey, client=client)
    assert isinstance(themes, models.ThemesReport) and themes.shown
    counts = {t.key: t.count for t in themes.themes}
    assert counts["openness"] == 3 and counts["collegiality"] == 3  # "open", "feedback"; "samen"
    export = api("comments.export_comments").sync_detailed(organisation, survey, client=client)
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8").split("\n", 1)[1])))
    assert sorted(r["text"] for r in rows) == sorted(c.text for c in report.comments)
    target = report.comments[0]
    hidden = api("comments.hide_comment").sync(organisation, survey, target.id, client=client,
                                              body=models.CommentHide(hidden=True))
    assert isinstance(hidden, models.CommentRead) and hidden.hidden and hidden.id == target.id
    shown = api("comments.get_comments").sync(organisation, survey, client=client)
    assert target.id not in [c.id for c in shown.comments] and len(shown.comments) == 2
    listed = api("comments.get_comments").sync(organisation, survey, client=client, hidden=True)
    assert [c.hidden for c in listed.comments if c.id == target.id] == [True]
    # hidden, it leaves the export; the two left are fewer than k = 3 in their cell, so none is exported
    after = api("comments.export_comments").sync_detailed(organisation, survey, client=client).content.decode()
    assert after.startswith("# k-anonymous comments: k=3, rows=0") and "samen" not in after

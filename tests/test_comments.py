"""Comments on open questions: masked before storage (drafts too), stored like answers, published with the
responses, shown only for groups visible at the comment threshold, in random order, hidden by admins (audited),
theme counts, and gone with their survey."""

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import inspect, select

from app.comments.masking import EMAIL_MASK, PHONE_MASK, mask
from app.comments.models import Comment
from app.invitations.models import Invitation
from tests.factories import OrgContext
from tests.respond_factories import RESPOND, db_scalars, invite, token_headers
from tests.survey_factories import create_survey

QUESTION = {"key": "share_knowledge", "texts": {
    "en": "What would help most to share knowledge in your team?",
    "nl": "Wat zou het meest helpen om kennis te delen in je team?"}}
OWN_THEMES = {"learning": {"nl": ["leren", "cursus"], "en": ["learn", "course"]},
              "openness": {"nl": ["open"], "en": ["openness"]}}


@pytest.mark.parametrize(("text", "expected"), [
    ("Mail me at jan.jansen@zuidhaven.nl please", f"Mail me at {EMAIL_MASK} please"),
    ("j.devries (at) gemeente . nl weet meer", f"{EMAIL_MASK} weet meer"),
    ("bel 06-12345678 of +31 (0)6 1234 5678", f"bel {PHONE_MASK} of {PHONE_MASK}"),
    ("020 123 4567", PHONE_MASK),
    ("call +44 20 7946 0958 now", f"call {PHONE_MASK} now"),
    ("In 2025 we had 3 meetings in room 12.05, budget 1.250.000", None),
    ("Meer tijd voor intervisie, minder vergaderen.", None),
])
def test_masking(text: str, expected: str | None):
    assert mask(text) == (text if expected is None else expected)


def settings_url(org: OrgContext, survey_id: str) -> str:
    return f"{org.prefix}/surveys/{survey_id}/comment-settings"


def test_settings_are_checked(org: OrgContext):
    survey = create_survey(org, languages=["nl", "en"], min_group_size=5)
    got = org.admin.get(settings_url(org, survey["id"])).json()
    assert got["questions"] == [] and got["threshold"] == 10 and "openness" in got["themes"]
    bad = [({"questions": [QUESTION], "threshold": 4}, ["body", "threshold"]),
           ({"questions": [{"key": "q", "texts": {"en": "Only English?"}}]}, ["body", "questions", 0, "texts"]),
           ({"questions": [QUESTION, QUESTION]}, ["body", "questions", 1, "key"])]
    for body, loc in bad:
        response = org.admin.put(settings_url(org, survey["id"]), json=body)
        assert response.status_code == 422, body
        assert loc in [e["loc"] for e in response.json()["errors"]]
    ok = org.admin.put(settings_url(org, survey["id"]), json={"questions": [QUESTION], "threshold": 5})
    assert ok.status_code == 200 and ok.json()["threshold"] == 5
    assert org.client_for("analyst").put(settings_url(org, survey["id"]), json={}).status_code == 403
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    assert org.admin.put(settings_url(org, survey["id"]), json={"questions": []}).status_code == 409
    assert org.admin.put(settings_url(org, survey["id"]), json={"questions": [QUESTION], "threshold": 12}
                         ).json()["threshold"] == 12


def _answer(http: httpx.Client, token: str, comment: str | None, *, draft: bool = False) -> httpx.Response:
    body = {"language": "en", "current": {"openness_1": 4}, "desired": {},
            "comments": {} if comment is None else {"share_knowledge": comment}}
    if draft:
        return http.put(f"{RESPOND}/draft", headers=token_headers(token), json=body)
    return http.post(f"{RESPOND}/submit", headers=token_headers(token), json=body)


@pytest.fixture
def wave(org: OrgContext, http: httpx.Client) -> dict[str, Any]:
    """A survey (k = 3, threshold 10) whose teams answered: Big 12 (each with a comment, one naming an address
    and a phone number), Mid 11, Small 4; then closed (published)."""
    survey = create_survey(org, languages=["en", "nl"], min_group_size=3)
    assert org.admin.put(settings_url(org, survey["id"]), json={"questions": [QUESTION]}).status_code == 200
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    units = org.tree({"Dept": {"Big": {}, "Mid": {}, "Small": {}}})
    texts: dict[str, list[str]] = {}
    for name, n in (("Big", 12), ("Mid", 11), ("Small", 4)):
        texts[name] = []
        for i, token in enumerate(invite(org, survey["id"], units[name], n)):
            text = f"{name} {i}: more time to learn from colleagues"
            if name == "Big" and i == 0:
                text = "Ask piet.puk@zuidhaven.nl or call 06-12345678 about openness"
            texts[name].append(text)
            assert _answer(http, token, text).status_code == 201
    return {"survey": survey, "units": units, "texts": texts}


def comments(org: OrgContext, survey_id: str, client: httpx.Client | None = None, **params: Any) -> dict[str, Any]:
    response = (client or org.admin).get(f"{org.prefix}/surveys/{survey_id}/reports/comments", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_comments_wait_for_publication_and_show_only_large_groups(org: OrgContext, wave: dict[str, Any]):
    survey, units = wave["survey"], wave["units"]
    assert comments(org, survey["id"], unit_id=units["Big"])["comments"] == []  # open: nothing published yet
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    big = comments(org, survey["id"], unit_id=units["Big"])
    assert big["shown"] and big["threshold"] == 10 and len(big["comments"]) == 12
    assert {c["text"] for c in big["comments"]} >= {"Ask [e-mail] or call [phone] about openness"}
    small = comments(org, survey["id"], unit_id=units["Small"])
    assert not small["shown"] and small["comments"] == [] and small["reason"] == "below_minimum"
    # The department holds Small's 4 with Big and Mid: department minus Big minus Mid would give Small's comments,
    # so the map at the threshold never shows all three of them.
    shown = {name: comments(org, survey["id"], unit_id=units[name])["shown"] for name in ("Dept", "Big", "Mid")}
    assert not all(shown.values()), shown
    employees = comments(org, survey["id"], unit_id=units["Big"], layer="employee")
    assert employees["layer_key"] == "employee"
    stored = db_scalars(select(Comment.text).where(Comment.survey_id == uuid.UUID(survey["id"])))
    assert len(stored) == 27 and not any("@" in t or "12345678" in t for t in stored)


def test_comments_come_in_random_order(org: OrgContext, wave: dict[str, Any]):
    survey, units = wave["survey"], wave["units"]
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    orders = {tuple(c["id"] for c in comments(org, survey["id"], unit_id=units["Big"])["comments"]) for _ in range(6)}
    assert len(orders) > 1  # 12! orders: six identical draws would be a fixed order


def test_an_admin_hides_a_comment(org: OrgContext, wave: dict[str, Any]):
    survey, units = wave["survey"], wave["units"]
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    target = comments(org, survey["id"], unit_id=units["Big"])["comments"][0]
    path = f"{org.prefix}/surveys/{survey['id']}/comments/{target['id']}"
    assert org.client_for("analyst").patch(path, json={"hidden": True}).status_code == 403
    assert org.admin.patch(path, json={"hidden": True}).json()["hidden"] is True
    visible = comments(org, survey["id"], unit_id=units["Big"])["comments"]
    assert target["id"] not in {c["id"] for c in visible} and len(visible) == 11
    assert target["id"] in {c["id"] for c in comments(org, survey["id"], unit_id=units["Big"], hidden=True)["comments"]}
    analyst = org.client_for("analyst")
    assert target["id"] not in {c["id"] for c in comments(org, survey["id"], analyst, unit_id=units["Big"],
                                                          hidden=True)["comments"]}
    events = org.admin.get(f"{org.prefix}/audit-events", params={"object_id": target["id"]}).json()["events"]
    assert [e["action"] for e in events] == ["comment.hidden"]
    assert org.admin.patch(f"{org.prefix}/surveys/{survey['id']}/comments/{uuid.uuid4()}",
                           json={"hidden": True}).status_code == 404


def test_theme_counts_only_at_the_threshold(org: OrgContext, wave: dict[str, Any]):
    survey, units = wave["survey"], wave["units"]
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    found = org.admin.get(f"{org.prefix}/surveys/{survey['id']}/reports/comment-themes",
                          params={"unit_id": units["Big"]}).json()
    counts = {t["key"]: t["count"] for t in found["themes"]}
    assert counts["collegiality"] == 11  # "colleagues" in 11 of Big's 12
    assert counts["openness"] is None  # one comment mentions openness: fewer than the threshold
    hidden = org.admin.get(f"{org.prefix}/surveys/{survey['id']}/reports/comment-themes",
                           params={"unit_id": units["Small"]}).json()
    assert not hidden["shown"] and all(t["count"] is None for t in hidden["themes"])


def test_a_surveys_own_theme_lists_drive_the_counts(org: OrgContext, wave: dict[str, Any]):
    survey, units = wave["survey"], wave["units"]
    url = settings_url(org, survey["id"])
    assert org.admin.put(url, json={"questions": [QUESTION], "themes": OWN_THEMES}).status_code == 200
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    report = f"{org.prefix}/surveys/{survey['id']}/reports/comment-themes"

    def counts() -> dict[str, int | None]:
        found = org.admin.get(report, params={"unit_id": units["Big"]}).json()
        assert found["shown"], found
        return {t["key"]: t["count"] for t in found["themes"]}

    assert counts() == {"learning": 11, "openness": None}  # "learn from colleagues" in 11 of Big's 12
    assert org.admin.put(url, json={"questions": [QUESTION], "themes": None}).json()["themes_are_defaults"]
    again = counts()
    assert set(again) == {"openness", "collegiality", "transparency", "diversity", "personal_initiative"}
    assert again["collegiality"] == 11


def test_drafts_keep_comments_masked_and_comments_stay_unlinked(org: OrgContext, http: httpx.Client):
    survey = create_survey(org, languages=["en"], min_group_size=3)
    assert org.admin.put(settings_url(org, survey["id"]), json={"questions": [QUESTION]}).status_code == 200
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/open").status_code == 200
    token = invite(org, survey["id"], org.unit("Team"))[0]
    form = http.get(RESPOND, headers=token_headers(token)).json()
    assert form["open_questions"] == [{"key": "share_knowledge", "text": QUESTION["texts"]["en"]}]
    assert _answer(http, token, "Write to me: a.b@c.nl", draft=True).status_code == 200
    draft = http.get(RESPOND, headers=token_headers(token)).json()["draft"]
    assert draft["comments"] == {"share_knowledge": "Write to me: [e-mail]"}
    raw = db_scalars(select(Invitation).where(Invitation.survey_id == uuid.UUID(survey["id"])))
    assert raw[0].draft is None and b"[e-mail]" not in raw[0].sealed_draft  # sealed, and masked before that
    assert "a.b@c.nl" not in str(raw[0].sealed_draft)
    for comment, loc in (({"nope": "x"}, ["body", "comments", "nope"]),
                         ({"share_knowledge": "x" * 2001}, ["body", "comments", "share_knowledge"])):
        response = http.post(f"{RESPOND}/submit", headers=token_headers(token), json={
            "language": "en", "current": {"openness_1": 4}, "desired": {}, "comments": comment})
        assert response.status_code == 422 and loc in [e["loc"] for e in response.json()["errors"]]
    assert _answer(http, token, "  ").status_code == 201  # a blank answer is no comment
    assert db_scalars(select(Comment).where(Comment.survey_id == uuid.UUID(survey["id"]))) == []
    columns = {c.key for c in inspect(Comment).columns}
    assert columns == {"id", "survey_id", "question_key", "unit_id", "layer_id", "text", "hidden", "published"}


def test_comments_go_with_their_survey(org: OrgContext, wave: dict[str, Any]):
    survey = wave["survey"]
    key = uuid.UUID(survey["id"])
    assert len(db_scalars(select(Comment.id).where(Comment.survey_id == key))) == 27
    assert org.admin.delete(f"{org.prefix}/surveys/{survey['id']}").status_code == 204
    assert db_scalars(select(Comment.id).where(Comment.survey_id == key)) == []


def test_the_export_is_k_anonymous_at_the_comment_threshold(org: OrgContext, wave: dict[str, Any]):
    import csv
    import io
    from collections import Counter

    survey = wave["survey"]
    url = f"{org.prefix}/surveys/{survey['id']}/comments/export"
    assert org.client_for("analyst").get(url).status_code == 403
    assert org.admin.post(f"{org.prefix}/surveys/{survey['id']}/close").status_code == 200
    response = org.admin.get(url)
    assert response.status_code == 200, response.text
    lines = response.text.splitlines()
    assert lines[0].startswith("# k-anonymous comments: k=10, rows=27")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert len(rows) == 27 and set(rows[0]) == {"unit_path", "unit_key", "layer", "question_key", "text"}
    combos = Counter((r["unit_path"], r["layer"], r["question_key"]) for r in rows)
    assert min(combos.values()) >= 10, combos
    assert "Small" not in {r["unit_path"].rsplit("/", 1)[-1] for r in rows}  # 4 comments: named higher up
    assert not any("@" in r["text"] or "12345678" in r["text"] for r in rows)


def test_the_export_holds_only_groups_a_report_shows(org: OrgContext, http: httpx.Client):
    """A board of 4 (below the threshold 10) beside a directorate of 12: the comments map can't show both the
    directorate and the organisation (the one minus the other is the board). Whichever it hides, the export's
    comments are the sum of groups shown -- all of them only when the organisation's are shown -- never a set
    that, beside a group shown, gives the board's (found by our attacker: the export held every comment while the
    organisation's were hidden)."""
    import csv
    import io

    survey = create_survey(org, languages=["en"], min_group_size=3)
    sid = survey["id"]
    assert org.admin.put(settings_url(org, sid), json={"questions": [QUESTION]}).status_code == 200
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/open").status_code == 200
    units = org.tree({"Board": {}, "Directorate": {"Team": {}}})
    for name, n, layer in (("Board", 4, "executive_board"), ("Team", 12, "employee")):
        for i, token in enumerate(invite(org, sid, units[name], n, layer=layer)):
            assert _answer(http, token, f"{name} {i}: more time to learn").status_code == 201
    assert org.admin.post(f"{org.prefix}/surveys/{sid}/close").status_code == 200
    shown = {name: comments(org, sid, **({"unit_id": units[name]} if name else {}))
             for name in ("", "Board", "Directorate", "Team")}
    assert not shown["Board"]["shown"]
    assert not (shown[""]["shown"] and shown["Directorate"]["shown"])
    expected = ({c["text"] for c in shown[""]["comments"]} if shown[""]["shown"]
                else {c["text"] for name in ("Directorate", "Team") if shown[name]["shown"]
                      for c in shown[name]["comments"]})
    lines = org.admin.get(f"{org.prefix}/surveys/{sid}/comments/export").text.splitlines()
    exported = {r["text"] for r in csv.DictReader(io.StringIO("\n".join(lines[1:])))}
    assert exported == expected
    assert not any(t.startswith("Board") for t in exported)

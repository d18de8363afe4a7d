"""A questionnaire may mark one dimension as the outcome (`dimensions.outcome`), and the built-in culture-gap
questionnaire's version 2 adds the outcome scale "knowledge sharing and learning" to version 1's five dimensions.

Inserts `app/questionnaires/builtin/culture_gap_v2.json` (key `culture-gap`, version 2). Version 1 stays as it is
(surveys use it); version 2 keeps every dimension, item key and text of version 1, in the same positions, so the
two versions' waves compare item by item. Ids are derived from the keys (uuid5), as for version 1.

Revision ID: 7b2e4d9c1a53
Revises: 7b1e4c2d9f30
Create Date: 2026-12-05 20:15:00
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '7b2e4d9c1a53'
down_revision: str | None = '7b1e4c2d9f30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY, VERSION = "culture-gap", 2
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:culturegap:questionnaire:{KEY}:{VERSION}")

questionnaires = sa.table(
    "questionnaires",
    sa.column("id", sa.Uuid()), sa.column("organisation_id", sa.Uuid()), sa.column("key", sa.String()),
    sa.column("version", sa.Integer()), sa.column("title", sa.JSON()), sa.column("languages", sa.JSON()),
    sa.column("scale_min", sa.Integer()), sa.column("scale_max", sa.Integer()), sa.column("scale_labels", sa.JSON()),
    sa.column("dont_know_label", sa.JSON()), sa.column("frame_labels", sa.JSON()),
    sa.column("created_at", app.db.UTCDateTime(timezone=True)),
)
dimensions = sa.table(
    "dimensions",
    sa.column("id", sa.Uuid()), sa.column("questionnaire_id", sa.Uuid()), sa.column("key", sa.String()),
    sa.column("position", sa.Integer()), sa.column("names", sa.JSON()), sa.column("outcome", sa.Boolean()),
)
items = sa.table(
    "items",
    sa.column("id", sa.Uuid()), sa.column("questionnaire_id", sa.Uuid()), sa.column("dimension_id", sa.Uuid()),
    sa.column("key", sa.String()), sa.column("position", sa.Integer()), sa.column("reverse", sa.Boolean()),
    sa.column("texts", sa.JSON()),
)
surveys = sa.table("surveys", sa.column("questionnaire_id", sa.Uuid()))


def _definition() -> dict[str, Any]:
    source = resources.files("app.questionnaires").joinpath("builtin", "culture_gap_v2.json")
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    if (data["key"], data.get("version")) != (KEY, VERSION):
        raise RuntimeError("culture_gap_v2.json is not the built-in questionnaire's version 2")
    return data


def upgrade() -> None:
    with op.batch_alter_table('dimensions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.Boolean(), nullable=False, server_default=sa.false()))
    data = _definition()
    questionnaire_id = uuid.uuid5(NAMESPACE, "questionnaire")
    op.bulk_insert(questionnaires, [{
        "id": questionnaire_id, "organisation_id": None, "key": KEY, "version": VERSION, "title": data["title"],
        "languages": data["languages"], "scale_min": data["scale_min"], "scale_max": data["scale_max"],
        "scale_labels": data["scale_labels"], "dont_know_label": data.get("dont_know_label"),
        "frame_labels": data["frame_labels"], "created_at": datetime(2026, 12, 5, 20, 15, tzinfo=UTC),
    }])
    dimension_rows, item_rows, position = [], [], 0
    for d_position, dimension in enumerate(data["dimensions"]):
        dimension_id = uuid.uuid5(NAMESPACE, f"dimension:{dimension['key']}")
        dimension_rows.append({"id": dimension_id, "questionnaire_id": questionnaire_id, "key": dimension["key"],
                               "position": d_position, "names": dimension["names"],
                               "outcome": bool(dimension.get("outcome", False))})
        for item in dimension["items"]:
            item_rows.append({"id": uuid.uuid5(NAMESPACE, f"item:{item['key']}"), "questionnaire_id": questionnaire_id,
                              "dimension_id": dimension_id, "key": item["key"], "position": position,
                              "reverse": bool(item.get("reverse", False)), "texts": item["texts"]})
            position += 1
    op.bulk_insert(dimensions, dimension_rows)
    op.bulk_insert(items, item_rows)


def downgrade() -> None:
    questionnaire_id = uuid.uuid5(NAMESPACE, "questionnaire")
    conn = op.get_bind()
    if conn.execute(sa.select(surveys.c.questionnaire_id).where(surveys.c.questionnaire_id == questionnaire_id)
                    .limit(1)).first() is not None:
        raise RuntimeError("Surveys use version 2 of the built-in questionnaire; delete them before downgrading.")
    op.execute(items.delete().where(items.c.questionnaire_id == questionnaire_id))
    op.execute(dimensions.delete().where(dimensions.c.questionnaire_id == questionnaire_id))
    op.execute(questionnaires.delete().where(questionnaires.c.id == questionnaire_id))
    with op.batch_alter_table('dimensions', schema=None) as batch_op:
        batch_op.drop_column('outcome')

"""Built-in culture-gap questionnaire, version 1.

Inserts `app/questionnaires/builtin/culture_gap.json` (key `culture-gap`, version 1). The file is version 1 as
shipped: surveys in every installation use it, so it must never change. New wording is a new version: a new file,
inserted by a new migration, keeping the item keys of the items it keeps (trend reports match items by key).
Ids are derived from the keys (uuid5), so the built-in questionnaire has the same ids in every installation.

Revision ID: 5c1d0f7a9b2e
Revises: e47d236e38e2
Create Date: 2026-11-27 07:00:00
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

revision: str = '5c1d0f7a9b2e'
down_revision: str | None = 'e47d236e38e2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY, VERSION = "culture-gap", 1
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
    sa.column("position", sa.Integer()), sa.column("names", sa.JSON()),
)
items = sa.table(
    "items",
    sa.column("id", sa.Uuid()), sa.column("questionnaire_id", sa.Uuid()), sa.column("dimension_id", sa.Uuid()),
    sa.column("key", sa.String()), sa.column("position", sa.Integer()), sa.column("reverse", sa.Boolean()),
    sa.column("texts", sa.JSON()),
)
surveys = sa.table("surveys", sa.column("questionnaire_id", sa.Uuid()))


def _definition() -> dict[str, Any]:
    source = resources.files("app.questionnaires").joinpath("builtin", "culture_gap.json")
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    if (data["key"], data.get("version", VERSION)) != (KEY, VERSION):
        raise RuntimeError("culture_gap.json is not the built-in questionnaire's version 1")
    return data


def upgrade() -> None:
    data = _definition()
    questionnaire_id = uuid.uuid5(NAMESPACE, "questionnaire")
    op.bulk_insert(questionnaires, [{
        "id": questionnaire_id, "organisation_id": None, "key": KEY, "version": VERSION, "title": data["title"],
        "languages": data["languages"], "scale_min": data["scale_min"], "scale_max": data["scale_max"],
        "scale_labels": data["scale_labels"], "dont_know_label": data.get("dont_know_label"),
        "frame_labels": data["frame_labels"], "created_at": datetime(2026, 11, 27, 7, 0, tzinfo=UTC),
    }])
    dimension_rows, item_rows, position = [], [], 0
    for d_position, dimension in enumerate(data["dimensions"]):
        dimension_id = uuid.uuid5(NAMESPACE, f"dimension:{dimension['key']}")
        dimension_rows.append({"id": dimension_id, "questionnaire_id": questionnaire_id, "key": dimension["key"],
                               "position": d_position, "names": dimension["names"]})
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
        raise RuntimeError("Surveys use the built-in questionnaire; delete them before downgrading past it.")
    # Explicit deletes: SQLite migrations run with foreign keys (and so cascades) off.
    op.execute(items.delete().where(items.c.questionnaire_id == questionnaire_id))
    op.execute(dimensions.delete().where(dimensions.c.questionnaire_id == questionnaire_id))
    op.execute(questionnaires.delete().where(questionnaires.c.id == questionnaire_id))

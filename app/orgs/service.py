import re
import unicodedata

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import Conflict, Unprocessable
from app.orgs.models import Layer, Organisation
from app.orgs.schemas import LayerIn, LayerNames

DEFAULT_LAYERS = [
    LayerIn(key="executive_board", names=LayerNames(en="Executive board", nl="Bestuur")),
    LayerIn(key="director", names=LayerNames(en="Director", nl="Directeur")),
    LayerIn(key="department_head", names=LayerNames(en="Department head", nl="Afdelingshoofd")),
    LayerIn(key="team_leader", names=LayerNames(en="Team leader", nl="Teamleider")),
    LayerIn(key="employee", names=LayerNames(en="Employee", nl="Medewerker")),
]


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:90]
    return slug if len(slug) >= 2 else f"org-{slug}".rstrip("-")


def create_organisation(session: Session, *, name: str, slug: str | None = None) -> Organisation:
    if slug is None:
        base = slugify(name)
        slug, n = base, 1
        while session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
            n += 1
            slug = f"{base}-{n}"
    elif session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise Conflict(f"The slug {slug!r} is taken.")
    organisation = Organisation(name=name.strip(), slug=slug)
    session.add(organisation)
    session.flush()
    _write_layers(session, organisation, DEFAULT_LAYERS)
    return organisation


def delete_organisation(session: Session, organisation: Organisation) -> None:
    """Delete the organisation; the database cascades to everything that hangs off it (units, layers, keys,
    questionnaires, surveys, audit events, idempotency records). Delete its surveys first to count them."""
    session.delete(organisation)
    session.flush()


def list_layers(session: Session, organisation: Organisation) -> list[Layer]:
    return list(session.scalars(select(Layer).where(Layer.organisation_id == organisation.id).order_by(Layer.rank)))


def layers_in_use(session: Session, organisation: Organisation) -> bool:
    from app.surveys.models import Survey  # surveys build on organisations, not the other way round

    return session.scalar(select(Survey.id).where(Survey.organisation_id == organisation.id).limit(1)) is not None


def replace_layers(session: Session, organisation: Organisation, layers: list[LayerIn]) -> list[Layer]:
    keys = [layer.key for layer in layers]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise Unprocessable(errors=[{"loc": ["body", "layers", keys.index(k), "key"], "msg": "duplicate key",
                                     "type": "value_error.duplicate"} for k in duplicates])
    if layers_in_use(session, organisation):
        raise Conflict("A survey of this organisation uses its layers; they can no longer change.")
    session.execute(delete(Layer).where(Layer.organisation_id == organisation.id))
    return _write_layers(session, organisation, layers)


def _write_layers(session: Session, organisation: Organisation, layers: list[LayerIn]) -> list[Layer]:
    rows = [Layer(organisation_id=organisation.id, key=layer.key, rank=rank, names=layer.names.model_dump())
            for rank, layer in enumerate(layers, start=1)]
    session.add_all(rows)
    session.flush()
    return rows

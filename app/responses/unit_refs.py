"""Naming a unit in an imported file: by external key, by id, or by path (`Directie/Afdeling/Team`); in an
invitation list also by its name alone, when one unit has it."""

import uuid

from sqlalchemy.orm import Session

from app.text import has_control_characters
from app.units.models import Unit
from app.units.tree import UnitTree

MAX_NAME = 200


def _split(ref: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in ref.split("/"))


def _name_problem(name: str) -> str | None:
    if not name:
        return "the path has an empty name"
    if len(name) > MAX_NAME:
        return f"a name is longer than {MAX_NAME} characters"
    if has_control_characters(name):
        return "a name contains control characters"
    return None


class UnitResolver:
    """Finds (and, when asked, creates) units of one organisation from the references in a file. Lookups are
    cached, so a file of many rows naming a few units costs no queries per row."""

    def __init__(self, session: Session, tree: UnitTree, organisation_id: uuid.UUID, *, by_name: bool = False) -> None:
        """`by_name`: a name without `/` that is no path may name the one unit called so (the active one, when an
        archived unit has the name too); not where a path that is not found creates a unit (the response import)."""
        self.session = session
        self.tree = tree
        self.organisation_id = organisation_id
        self.by_key = {u.external_key: u.id for u in tree.units.values() if u.external_key}
        self.by_path = {tuple(n.casefold() for n in tree.path(i)): i for i in tree.units}
        self.by_name: dict[str, list[uuid.UUID]] = {}
        if by_name:  # active units first
            for i, unit in sorted(tree.units.items(), key=lambda pair: pair[1].archived_at is not None):
                self.by_name.setdefault(unit.name.casefold(), []).append(i)
        self.cache: dict[str, uuid.UUID | None] = {}
        self.created = 0

    def find(self, ref: str) -> uuid.UUID | None:
        ref = ref.strip()
        if ref in self.cache:
            return self.cache[ref]
        found = self.by_key.get(ref)
        if found is None:
            try:
                as_id = uuid.UUID(ref)
            except ValueError:
                found = self.by_path.get(tuple(n.casefold() for n in _split(ref)))
            else:
                found = as_id if as_id in self.tree.units else None
        if found is None and "/" not in ref:
            named = self._named(ref)
            found = named[0] if len(named) == 1 else None
        self.cache[ref] = found
        return found

    def _named(self, ref: str) -> list[uuid.UUID]:
        """The units called `ref`: the active ones, or else the archived ones."""
        named = self.by_name.get(ref.strip().casefold(), [])
        active = [i for i in named if self.tree.units[i].archived_at is None]
        return active or named

    def not_found(self, ref: str) -> str:
        """Why `ref` names no unit, for a file's list of errors."""
        named = self._named(ref) if "/" not in ref else []
        if len(named) > 1:
            paths = sorted("/".join(self.tree.path(i)) for i in named)
            shown = ", ".join(paths[:3]) + (", ..." if len(paths) > 3 else "")
            return f"{len(named)} units are called {ref.strip()}: give the path ({shown})"
        return "no such unit in this organisation (give its path, name, external key or id)"

    def create(self, ref: str) -> tuple[uuid.UUID | None, str | None]:
        """The unit at this path, created with any missing ancestors; or (None, why not)."""
        ref = ref.strip()
        try:
            uuid.UUID(ref)
        except ValueError:
            pass
        else:
            return None, "no unit with this id in the organisation"
        parts = _split(ref)
        problem = next((p for name in parts if (p := _name_problem(name)) is not None), None)
        if problem is not None:
            return None, problem
        parent: uuid.UUID | None = None
        for depth in range(1, len(parts) + 1):
            path = tuple(n.casefold() for n in parts[:depth])
            found = self.by_path.get(path)
            if found is None:
                unit = Unit(organisation_id=self.organisation_id, parent_id=parent, name=parts[depth - 1])
                self.session.add(unit)
                self.session.flush()
                self.tree.units[unit.id] = unit
                self.tree.children[parent].append(unit.id)
                self.by_path[path] = found = unit.id
                self.created += 1
            parent = found
        self.cache[ref] = parent
        return parent, None

"""The unit tree of one organisation, loaded in one query and navigated in memory."""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.units.models import Unit


@dataclass
class UnitTree:
    units: dict[uuid.UUID, Unit]
    children: dict[uuid.UUID | None, list[uuid.UUID]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, units: Iterable[Unit]) -> "UnitTree":
        tree = cls({u.id: u for u in units})
        for unit in sorted(tree.units.values(), key=lambda u: u.name.casefold()):
            tree.children[unit.parent_id].append(unit.id)
        return tree

    def ancestors(self, unit_id: uuid.UUID) -> Iterator[uuid.UUID]:
        """The unit's ancestors, nearest first."""
        parent = self.units[unit_id].parent_id
        while parent is not None:
            yield parent
            parent = self.units[parent].parent_id

    def is_within(self, unit_id: uuid.UUID, root_id: uuid.UUID) -> bool:
        return unit_id == root_id or root_id in self.ancestors(unit_id)

    def subtree(self, root_id: uuid.UUID | None) -> list[uuid.UUID]:
        """The root and everything below it, depth first; `None` means the whole organisation."""
        out: list[uuid.UUID] = [] if root_id is None else [root_id]
        stack = list(reversed(self.children.get(root_id, [])))
        while stack:
            unit_id = stack.pop()
            out.append(unit_id)
            stack.extend(reversed(self.children.get(unit_id, [])))
        return out

    def path(self, unit_id: uuid.UUID) -> list[str]:
        names = [self.units[a].name for a in self.ancestors(unit_id)]
        return [*reversed(names), self.units[unit_id].name]

    def depth(self, unit_id: uuid.UUID) -> int:
        return sum(1 for _ in self.ancestors(unit_id))


def load_tree(session: Session, organisation_id: uuid.UUID) -> UnitTree:
    return UnitTree.of(session.scalars(select(Unit).where(Unit.organisation_id == organisation_id)))

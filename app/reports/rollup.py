"""Reporting units: where a respondent's answers count in the figures, so that managers don't cost teams.

Respondents attached to a unit that has sub-units with respondents (department heads at their department) form that
unit's *own group*. Counted in the department, they would be what is left when its teams are subtracted from it, so a
small own group would cost a team's figures (or the department's) to protect it. Where an own group has fewer than k
respondents -- or fewer than k, but some, in any respondent set a figure rests on (those who answered all of a
dimension's items in a frame) -- it is counted with the parent's own group instead, recursively up to the
organisation (the organisation's own group holds what reaches the top): as the commercial tools count a manager in
their own manager's team. A department's figures are then those of its teams, and nothing is left to subtract.
What reaches the top may leave the organisation's own group small (in any of those sets): "the organisation minus
its top units" would then be the small group. It then counts with the board's unit, when the organisation has a
top-level unit holding its top layer (directors with the board, as a "directieraad"); otherwise the groups that came
from units whose sub-units are all teams go back where they were (protecting them there costs a team), and the rest
stay with the organisation (protecting them costs one cell at the top).

Layers don't move: a department head counted at the directorate is still a department head, so layer comparisons
keep every respondent in their own layer. A unit's figures cover the respondents whose reporting unit is in its
subtree; `RollUp.counted_at` and `RollUp.counts_own_of` say per unit whose answers those are.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from app.units.tree import UnitTree

UnitRef = uuid.UUID | None  # None: the organisation


@dataclass(frozen=True)
class RollUp:
    """Per unit with respondents of its own: the unit whose own group they count in (itself when not moved)."""

    counted_at: Mapping[uuid.UUID, UnitRef]

    def reporting_unit(self, unit: uuid.UUID) -> UnitRef:
        return self.counted_at.get(unit, unit)

    def moved(self, unit: uuid.UUID) -> bool:
        return self.reporting_unit(unit) != unit

    def counts_own_of(self, unit: UnitRef) -> list[uuid.UUID]:
        """The units whose own respondents count in `unit`'s own group, besides its own."""
        return self._arrivals.get(unit, [])

    @cached_property
    def _arrivals(self) -> dict[UnitRef, list[uuid.UUID]]:
        out: dict[UnitRef, list[uuid.UUID]] = {}
        for u, at in sorted(self.counted_at.items(), key=lambda pair: str(pair[0])):
            if at != u:
                out.setdefault(at, []).append(u)
        return out


def roll_up(tree: UnitTree, own_counts: Mapping[uuid.UUID, int | npt.NDArray[np.int64]], k: int,
            board: uuid.UUID | None = None) -> RollUp:
    """The reporting unit of every unit's own respondents. `own_counts`: per unit, its own respondents, or a
    vector of them: everyone first, then each respondent set (module docstring). `board`: the top-level unit that
    holds the organisation's top layer, if any."""
    own: dict[UnitRef, npt.NDArray[np.int64]] = {
        u: np.atleast_1d(np.asarray(n, dtype=np.int64)) for u, n in own_counts.items() if np.any(n)}
    below: dict[uuid.UUID, bool] = {}  # a sub-unit keeps respondents of its own in the figures
    counted_at: dict[uuid.UUID, UnitRef] = {}
    moved_into: dict[UnitRef, list[uuid.UUID]] = {}  # the units whose own respondents count in a unit's own group
    for unit in _post_order(tree):
        kids = tree.children.get(unit, [])
        has_below = any(below[c] for c in kids)
        n = own.get(unit)
        # a unit's own group moves when small in any respondent set; a team (all its respondents are its own group)
        # only when small in all: a team of k or more stays, and the maps hide what is small in one set of it
        small = n is not None and (((n > 0) & (n < k)).any() if has_below else 0 < n[0] < k)
        if small and n is not None:
            parent = tree.units[unit].parent_id
            group = [unit, *moved_into.pop(unit, [])]
            for u in group:
                counted_at[u] = parent
            moved_into.setdefault(parent, []).extend(group)
            own[parent] = own[parent] + n if parent in own else n
            del own[unit]
        below[unit] = has_below or unit in own
    top = own.get(None)
    if top is not None and ((top > 0) & (top < k)).any():
        arrived = [u for u, at in counted_at.items() if at is None]
        if board is not None and board in tree.units and tree.units[board].parent_id is None:
            counted_at.update(dict.fromkeys(arrived, board))
        else:
            for u in arrived:
                if all(not tree.children.get(c) for c in tree.children.get(u, [])):
                    del counted_at[u]
    return RollUp(counted_at)


def _post_order(tree: UnitTree) -> Sequence[uuid.UUID]:
    order = tree.subtree(None)  # depth first, parents before children
    return order[::-1]

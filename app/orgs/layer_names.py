"""A layer named in an uploaded file: by its key (`team_leader`) or by its name in any of its languages
(`Teamleider`, `team leader`), whatever the case, and with spaces, hyphens or underscores alike. One helper, used by
every import that takes a layer.

A key always means its own layer; a name that two layers share (after the folding above) names neither, and the
message lists what each layer may be called.
"""

import re
import uuid
from collections.abc import Iterable

from app.orgs.models import Layer

_SEPARATORS = re.compile(r"[\s_\-]+")


def fold(text: str) -> str:
    return _SEPARATORS.sub(" ", text.strip().casefold()).strip()


class LayerNames:
    def __init__(self, layers: Iterable[Layer]) -> None:
        self.layers = list(layers)
        self._by_key = {layer.key: layer for layer in self.layers}
        by_name: dict[str, set[uuid.UUID]] = {}
        for layer in self.layers:
            for name in (layer.key, *(str(n) for n in (layer.names or {}).values() if n)):
                by_name.setdefault(fold(name), set()).add(layer.id)
        layer_by_id = {layer.id: layer for layer in self.layers}
        self._by_name = {name: layer_by_id[next(iter(ids))] for name, ids in by_name.items() if len(ids) == 1}

    def find(self, cell: str) -> Layer | None:
        """The layer a cell names, or None."""
        cell = cell.strip()
        return self._by_key.get(cell) or self._by_name.get(fold(cell))

    def unknown(self, cell: str) -> str:
        """The message for a cell that names no layer: what each layer may be called."""
        known = "; ".join(f"{layer.key} ({', '.join(str(n) for n in (layer.names or {}).values() if n)})"
                          for layer in self.layers)
        return (f"no layer with key {cell.strip()!r}, nor with that name; the organisation's layers are "
                f"{known or 'none'}")

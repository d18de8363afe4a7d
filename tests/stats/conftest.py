"""Every test under tests/stats runs with warnings turned into errors: the statistics must say why a figure is
missing (a reason) instead of warning. Data and reference helpers live in ``helpers.py``."""

from pathlib import Path

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.filterwarnings("error"))

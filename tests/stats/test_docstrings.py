"""The examples in the docstrings of app.stats run and print what they say."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import app.stats

MODULES = [m.name for m in pkgutil.iter_modules(app.stats.__path__, "app.stats.")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0

"""e2e tier: a person's path — `pinniped get kubeconfig`, then real kubectl through the exec plugin."""

from __future__ import annotations

import pytest

pytest_plugins = ["pinniped.testing.pytest_plugin"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.e2e)

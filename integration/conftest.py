"""Integration tier: a real kube-apiserver (local provider by default; any provider by option)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pinniped.testing.pytest_plugin"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(pytest.mark.integration)

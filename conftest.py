"""Fixtures shared by every app's tests: the roles of the permission matrix and their API clients."""

from __future__ import annotations

pytest_plugins = ["otvet.testing.fixtures"]
pytest_plugins += ["otvet.testing.browser"]
pytest_plugins += ["otvet.testing.mailservers"]

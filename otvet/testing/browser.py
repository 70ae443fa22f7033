"""Playwright in Debian's Chromium against the live test server (browser downloads are impossible here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """pytest-playwright launches this Chromium: the system one, never a downloaded build."""
    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium is missing at {executable}: apt-get install -y chromium (make test does it as root)")
    return {"executable_path": executable, "args": CHROMIUM_ARGS}


def pytest_configure(config: pytest.Config) -> None:
    """Browser tests run in a pytest session of their own (`pytest -m browser`, as `make test` does).

    Playwright's sync API keeps an event loop running in the main thread for the whole session, which Django's
    async-safety check would take for async code; only that session switches the check off, so it still guards
    every other test.
    """
    if config.option.markexpr == "browser":
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Outside `-m browser`, browser tests are deselected (not skipped): `make test` runs them in their own session."""
    if config.option.markexpr == "browser":
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if browser_items:
        config.hook.pytest_deselected(items=browser_items)
        items[:] = [item for item in items if not item.get_closest_marker("browser")]


def screenshot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0), from the npm registry


def accessibility_violations(page: object, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2 A/AA findings of the given impact on the page, one line each (empty means clean)."""
    page.add_script_tag(content=AXE.read_text())  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']}: {node.get('failureSummary', '')}"
        for v in result["violations"]
        if v["impact"] in impacts
        for node in v["nodes"]
    ]

"""axe-core checks for pages visited by the browser tests."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

_axe = Axe()


def serious_violations(page: Page) -> list[str]:
    """Return 'rule-id: help' for every serious or critical axe-core violation."""
    results = _axe.run(page)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])} nodes)"
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]

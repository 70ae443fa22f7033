"""A supervisor builds a rule from rows in a real browser (Debian's Chromium), saves it, and dry-runs it."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from otvet.accounts.choices import Role
from otvet.accounts.factories import AgentFactory, UserFactory
from otvet.automation.models import Rule
from otvet.testing.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Secret-Pass-2026"


def test_a_supervisor_builds_a_rule_from_rows_and_dry_runs_it(live_server, browser) -> None:
    user = UserFactory(email="rules-boss@example.com", password=PASSWORD, name="Ольга Старшая")
    AgentFactory(user=user, role=Role.SUPERVISOR)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    page = browser.new_context(locale="en", extra_http_headers={"Accept-Language": "en"}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/desk/")
    page.locator(".ot-sidebar").get_by_role("link", name="Automation").click()
    page.wait_for_url(f"{live_server.url}/desk/automation/")
    page.get_by_role("link", name="New rule").click()

    page.fill("input[name=name]", "Премиум: высокий приоритет")
    page.get_by_label("A ticket is created").check()
    conditions = page.locator('[data-builder="conditions"]')
    conditions.get_by_role("button", name="Add a condition").click()
    row = conditions.locator("[data-row]").first
    row.locator("[data-field]").select_option("plan")
    row.locator("[data-op]").select_option("in")
    row.locator("[data-value]").select_option(["comfort", "premium"])
    actions = page.locator('[data-builder="actions"]')
    actions.get_by_role("button", name="Add an action").click()
    action = actions.locator("[data-row]").first
    action.locator("[data-type]").select_option("set_priority")
    action.locator('[data-param="priority"]').select_option("30")
    action.locator('[data-param="raise_only"]').check()
    screenshot(page, "en-desk-automation-builder")

    page.get_by_role("button", name="Run").click()
    page.locator("#rule-dry-run-result", has_text="Would have fired 0 times").wait_for()

    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/desk/automation/*/")
    rule = Rule.objects.get(name="Премиум: высокий приоритет")
    assert rule.events == ["created"]
    assert rule.conditions == {"all": [{"field": "plan", "op": "in", "value": ["comfort", "premium"]}]}
    assert rule.actions == [{"type": "set_priority", "priority": 30, "raise_only": True, "reason": ""}]
    assert rule.is_active is False

    # The saved rule comes back as rows; the JSON switch shows the same definition.
    assert page.locator('[data-builder="conditions"] [data-row]').count() == 1
    page.get_by_label("Advanced: JSON").check()
    assert '"premium"' in page.locator("textarea[name=conditions]").input_value()
    screenshot(page, "en-desk-automation-json")

    # A condition without a value: nothing is saved and the row says what is wrong.
    page.get_by_label("Advanced: JSON").uncheck()
    conditions.get_by_role("button", name="Add a condition").click()
    second = conditions.locator("[data-row]").nth(1)
    second.locator("[data-field]").select_option("company")
    second.locator("[data-op]").select_option("eq")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    marked = page.locator('[data-builder="conditions"] [data-row]').nth(1)
    assert marked.locator("[data-error]").inner_text() == "A number is expected."
    assert "is-invalid" in (marked.locator("[data-value]").get_attribute("class") or "")
    assert Rule.objects.get(pk=rule.pk).conditions == rule.conditions
    screenshot(page, "en-desk-automation-row-error")

"""The workspace's permission matrix: every page and action x every role (DESIGN.md §5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otvet.tickets.models import SavedView

CUSTOMERS = ("customer", "company_admin", "other_customer", "partner_customer")
STAFF = ("partner_agent", "agent", "supervisor", "admin")
PAGES = ("workspace-home", "workspace-tickets", "workspace-counts")
TICKET_PAGES = ("workspace-ticket", "workspace-ticket-transfer")
TICKET_ACTIONS = {
    "workspace-ticket-reply": {"body": "Здравствуйте!"},
    "workspace-ticket-note": {"body": "Проверим логи", "mode": "note"},
    "workspace-ticket-resolve": {"body": "Готово"},
    "workspace-ticket-claim": {},
    "workspace-ticket-release": {},
    "workspace-ticket-status": {},
    "workspace-ticket-fields": {"priority": "30"},
    "workspace-ticket-assignee": {},
    "workspace-ticket-transfer": {},
    "workspace-ticket-support-note": {"body": "VIP"},
}
# role -> the World tickets its workspace may open
VISIBLE = {
    "partner_agent": {"ticket_partner"},
    "agent": {"ticket_customer", "ticket_colleague", "ticket_other"},
    "supervisor": {"ticket_customer", "ticket_colleague", "ticket_other", "ticket_partner"},
    "admin": {"ticket_customer", "ticket_colleague", "ticket_other", "ticket_partner"},
}
TICKETS = ("ticket_customer", "ticket_colleague", "ticket_other", "ticket_partner")


def every_url(world) -> list[tuple[str, str]]:
    """(method, url) of every workspace page and action."""
    urls = [("get", reverse(name)) for name in PAGES]
    urls += [("get", reverse("workspace-queue", args=[key])) for key in ("new", "mine", "unassigned")]
    urls += [("post", reverse("workspace-views")), ("post", reverse("workspace-view-delete", args=[1]))]
    number = world.ticket_customer.pk
    urls += [("get", reverse(name, args=[number])) for name in TICKET_PAGES]
    urls += [("post", reverse(name, args=[number])) for name in TICKET_ACTIONS]
    return urls


def test_anonymous_users_are_sent_to_the_login_page_from_every_workspace_url(client, world):
    for method, url in every_url(world):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_an_anonymous_htmx_request_is_redirected_to_login_by_htmx(client, world):
    response = client.get(reverse("workspace-counts"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", CUSTOMERS)
def test_customers_get_a_404_for_every_workspace_url(login, world, role):
    client = login(role)
    for method, url in every_url(world):
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize("role", STAFF)
def test_every_agent_opens_the_workspace_pages(login, world, role):
    client = login(role)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_the_portal_home_sends_agents_to_the_workspace(login):
    response = login("agent").get("/")
    assert response.status_code == 302 and response["Location"] == reverse("workspace-home")


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("name", TICKETS)
def test_a_ticket_page_outside_the_agents_scope_is_a_404(login, world, role, name):
    client = login(role)
    number = getattr(world, name).pk
    expected = 200 if name in VISIBLE[role] else 404
    for page in TICKET_PAGES:
        assert client.get(reverse(page, args=[number])).status_code == expected, page


@pytest.mark.parametrize(("role", "name"), [("partner_agent", "ticket_customer"), ("agent", "ticket_partner")])
def test_no_action_reaches_a_ticket_outside_the_agents_scope(login, world, role, name):
    client = login(role)
    ticket = getattr(world, name)
    for action, data in TICKET_ACTIONS.items():
        assert client.post(reverse(action, args=[ticket.pk]), data).status_code == 404, action
    ticket.refresh_from_db()
    assert ticket.assignee_id is None and ticket.messages.count() == 1 and ticket.priority != 30


def test_an_agent_cannot_delete_someone_elses_saved_view(login, world):
    view = SavedView.objects.create(owner=world.users["supervisor"], name="Срочные", params={"priority": "40"})
    response = login("agent").post(reverse("workspace-view-delete", args=[view.pk]))
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_actions_answer_only_to_post(login, world):
    client = login("agent")
    for action in TICKET_ACTIONS:
        if action != "workspace-ticket-transfer":  # its GET is the page without JavaScript
            assert client.get(reverse(action, args=[world.ticket_customer.pk])).status_code == 405, action

"""The bell, the lists and marking read, for agents and customers; a user sees only their own notifications."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from otvet.accounts.models import User
from otvet.core import clock
from otvet.notifications.emails import notification_emails_pending
from otvet.notifications.models import Notification
from otvet.notifications.selectors import UNREAD_CAP
from otvet.testing.fixtures import World

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
BADGE = reverse("notifications-unread")
# session, user, agent (the desk check), one page of rows, the sidebar's lines and saved views (counts are cached).
DESK_LIST_QUERIES = 6


@pytest.fixture(autouse=True)
def _own_cache(settings) -> None:
    """The sidebar's queue counts are cached: each test starts cold, so the page's query count is stable."""
    settings.CACHES = {
        name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"n-{name}-{uuid.uuid4()}"}
        for name in ("default", "local")
    }


def notify(user: User, world: World, n: int = 1, **fields: object) -> list[Notification]:
    rows = [Notification(user=user, ticket=world.ticket_customer, text=f"Заявка ждёт {i}", **fields) for i in range(n)]
    return Notification.objects.bulk_create(rows)


def test_the_bell_counts_unread_notifications_with_one_query(
    client: Client, world: World, django_assert_num_queries
) -> None:
    agent = world.users["agent"]
    notify(agent, world, 3)
    notify(agent, world, 1, read_at=clock.now())
    notify(world.users["supervisor"], world, 2)
    client.force_login(agent)

    with django_assert_num_queries(3):  # session, user, the count
        response = client.get(BADGE, **HTMX)

    assert response.status_code == 200
    assert ">3</span>" in response.content.decode()


def test_the_bell_caps_its_count(client: Client, world: World) -> None:
    notify(world.users["agent"], world, UNREAD_CAP + 5)
    client.force_login(world.users["agent"])

    assert ">99+</span>" in client.get(BADGE).content.decode()


def test_the_bell_is_silent_when_signed_out_or_all_read(client: Client, world: World) -> None:
    assert client.get(BADGE).status_code == 204
    client.force_login(world.users["agent"])
    assert client.get(BADGE).content.decode().strip() == ""


def test_the_workspace_sidebar_polls_the_bell(client: Client, world: World) -> None:
    client.force_login(world.users["agent"])
    page = client.get(reverse("workspace-home")).content.decode()
    assert f'hx-get="{BADGE}"' in page and 'hx-trigger="load, every 30s"' in page


def test_the_desk_list_costs_the_same_queries_for_few_and_many(
    client: Client, world: World, django_assert_num_queries
) -> None:
    agent = world.users["agent"]
    notify(world.users["supervisor"], world, 1)  # someone else's: never listed
    client.force_login(agent)
    url = reverse("notifications-desk")
    client.get(url)  # the sidebar's counts are cached from now on, as between page views

    notify(agent, world, 2)
    with django_assert_num_queries(DESK_LIST_QUERIES):
        few = client.get(url)
    notify(agent, world, 40)
    with django_assert_num_queries(DESK_LIST_QUERIES):
        many = client.get(url)

    assert few.content.decode().count("Заявка ждёт") == 2
    assert many.content.decode().count("Заявка ждёт") == 30
    older = client.get(url, {"cursor": many.context["page"].next_cursor})
    assert older.content.decode().count("Заявка ждёт") == 12
    assert client.get(url, {"cursor": "garbage"}).status_code == 302


def test_opening_marks_read_and_goes_to_the_ticket(client: Client, world: World) -> None:
    agent = world.users["agent"]
    [row, other] = notify(agent, world, 2)
    client.force_login(agent)

    response = client.post(reverse("notifications-desk-open", args=[row.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace-ticket", args=[world.ticket_customer.pk])
    row.refresh_from_db()
    other.refresh_from_db()
    assert row.read_at is not None and other.read_at is None
    assert client.get(reverse("notifications-desk-open", args=[row.pk])).status_code == 405


def test_mark_all_read(client: Client, world: World) -> None:
    agent = world.users["agent"]
    notify(agent, world, 3)
    [theirs] = notify(world.users["supervisor"], world, 1)
    client.force_login(agent)

    assert client.post(reverse("notifications-desk-read-all")).status_code == 302

    assert not Notification.objects.filter(user=agent, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_another_users_notification_is_a_404(client: Client, world: World) -> None:
    [theirs] = notify(world.users["supervisor"], world, 1)
    client.force_login(world.users["agent"])

    assert client.post(reverse("notifications-desk-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_customers_read_theirs_in_the_portal_and_not_at_the_desk(client: Client, world: World) -> None:
    customer = world.users["customer"]
    [row] = notify(customer, world, 1)
    [agents] = notify(world.users["agent"], world, 1)
    client.force_login(customer)

    assert client.get(reverse("notifications-desk")).status_code == 404
    listed = client.get(reverse("notifications-portal"))
    assert listed.status_code == 200 and listed.content.decode().count("Заявка ждёт") == 1
    assert client.post(reverse("notifications-portal-open", args=[agents.pk])).status_code == 404
    response = client.post(reverse("notifications-portal-open", args=[row.pk]))
    assert response["Location"] == reverse("portal-request", args=[world.ticket_customer.pk])
    client.post(reverse("notifications-portal-read-all"))
    assert not Notification.objects.filter(user=customer, read_at__isnull=True).exists()


def test_agents_have_no_portal_notifications_page(client: Client, world: World) -> None:
    client.force_login(world.users["agent"])
    assert client.get(reverse("notifications-portal")).status_code == 404


def test_the_sweep_picks_up_mail_whose_job_was_lost_but_not_stale_news(world: World) -> None:
    now = clock.now()
    [lost, stale, fresh, sent] = notify(world.users["agent"], world, 4, email_wanted=True)
    Notification.objects.filter(pk=lost.pk).update(created_at=now - dt.timedelta(minutes=10))
    Notification.objects.filter(pk=stale.pk).update(created_at=now - dt.timedelta(days=2))
    Notification.objects.filter(pk=sent.pk).update(created_at=now - dt.timedelta(minutes=10), emailed_at=now)

    assert notification_emails_pending() == [lost.pk]
    assert fresh.pk not in notification_emails_pending()


def test_the_portal_bell_fragment_polls_the_same_badge() -> None:
    html = render_to_string("notifications/_portal_bell.html")
    assert f'href="{reverse("notifications-portal")}"' in html
    assert f'hx-get="{BADGE}"' in html and 'hx-trigger="load, every 30s"' in html

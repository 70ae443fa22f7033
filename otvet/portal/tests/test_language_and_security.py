"""Language choice remembered per user, Russian for Russian browsers, CSRF and login rate limits."""

from __future__ import annotations

import pytest
from django.test import Client

from otvet.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_russian_browsers_get_russian_and_english_browsers_get_english(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").headers["Content-Language"] == "ru"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").headers["Content-Language"] == "en"


def test_the_chosen_language_is_remembered_on_the_user_across_devices(world):
    laptop = Client()
    laptop.force_login(world.users["customer"])
    laptop.post("/i18n/language/", {"language": "en", "next": "/requests/"})
    world.users["customer"].refresh_from_db()
    assert world.users["customer"].language == "en"
    phone = Client()  # another device, a Russian browser, no language cookie
    phone.force_login(world.users["customer"])
    response = phone.get("/requests/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.headers["Content-Language"] == "en"


def test_an_unknown_language_is_ignored(world, client):
    client.force_login(world.users["customer"])
    client.post("/i18n/language/", {"language": "xx", "next": "/"})
    world.users["customer"].refresh_from_db()
    assert world.users["customer"].language == ""


def test_forms_without_a_csrf_token_are_refused(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["customer"])
    response = strict.post("/requests/new/", {"subject": "x", "body": "y", "response_preference": "portal"})
    assert response.status_code == 403


def test_repeated_failed_logins_lock_the_account_out_for_a_while(client):
    UserFactory(email="victim@example.org", password="right-password")
    for i in range(5):
        client.post("/accounts/login/", {"login": "victim@example.org", "password": f"wrong-{i}"})
    response = client.post("/accounts/login/", {"login": "victim@example.org", "password": "right-password"})
    assert response.status_code == 200  # the form again, with an error: the right password is not tried
    assert "_auth_user_id" not in client.session


def test_the_users_language_also_applies_under_asgi(world):
    """`otvet web` serves through ASGI, where the preferences middleware runs as a coroutine."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    user = world.users["customer"]
    user.language = "en"
    user.save(update_fields=["language"])
    client = AsyncClient()
    client.force_login(user)
    response = async_to_sync(client.get)("/requests/", headers={"Accept-Language": "ru"})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"

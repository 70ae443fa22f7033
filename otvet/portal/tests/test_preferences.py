"""One's own name, language and time zone; dates are shown in the user's time zone."""

from __future__ import annotations

import zoneinfo

import pytest

from otvet.accounts.preferences import time_zones


def test_a_customer_sets_name_language_and_time_zone(client, world):
    client.force_login(world.users["customer"])
    assert client.get("/preferences/").status_code == 200
    response = client.post(
        "/preferences/", {"name": "Иван  Петров", "language": "en", "time_zone": "Asia/Yekaterinburg"}
    )
    assert response.status_code == 302
    user = world.users["customer"]
    user.refresh_from_db()
    assert (user.name, user.language, user.time_zone) == ("Иван Петров", "en", "Asia/Yekaterinburg")


def test_dates_are_shown_in_the_users_time_zone(client, world):
    ticket = world.ticket_customer
    client.force_login(world.users["customer"])
    user = world.users["customer"]
    for zone in ("Europe/Kaliningrad", "Asia/Vladivostok"):
        user.time_zone = zone
        user.save(update_fields=["time_zone"])
        page = client.get(f"/requests/{ticket.pk}/").content.decode()
        local = ticket.created_at.astimezone(zoneinfo.ZoneInfo(zone))
        assert f"{local.hour}:{local.minute:02d}" in page, zone


@pytest.mark.parametrize(
    "data,field",
    [({"name": "", "language": "", "time_zone": ""}, "name"),
     ({"name": "X", "language": "fr", "time_zone": ""}, "language"),
     ({"name": "X", "language": "", "time_zone": "Mars/Olympus"}, "time_zone")],
)  # fmt: skip
def test_bad_preferences_are_refused_next_to_the_field(client, world, data, field):
    client.force_login(world.users["agent"])
    response = client.post("/preferences/", data)
    assert response.status_code == 200 and f'name="{field}"' in response.content.decode()
    assert "is-invalid" in response.content.decode()


def test_russian_zones_come_first():
    assert time_zones()[:2] == ("Europe/Kaliningrad", "Europe/Moscow") and "UTC" in time_zones()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/preferences/").status_code == 302

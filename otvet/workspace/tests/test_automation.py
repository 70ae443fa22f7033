"""Automation in the workspace: the rule list, the editor, switching and ordering, export/import, presets, the test
on a ticket and the dry run."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from otvet.automation.models import Rule, RuleFiring
from otvet.automation.services import rule_create
from otvet.core import clock
from otvet.workspace.tests.conftest import HTMX

STAFF_WITHOUT_ACCESS = ("agent", "partner_agent")
CUSTOMERS = ("customer", "company_admin")
LIST = "/desk/automation/"


def trigger_data(name: str = "Срочные заявки", **extra) -> dict:
    """The form post of a trigger rule: «срочно» in the subject raises the priority."""
    return {
        "name": name,
        "description": "",
        "kind": "trigger",
        "events": ["created"],
        "anchor": "",
        "minutes": "",
        "conditions": json.dumps({"all": [{"field": "subject", "op": "has_word", "value": ["срочно"]}]}),
        "actions": json.dumps([{"type": "set_priority", "priority": 40, "raise_only": True, "reason": "срочно"}]),
        **extra,
    }


def make_rule(world, name: str = "Правило", *, on: bool = False, **extra: Any) -> Rule:
    data = {
        "name": name,
        "kind": "trigger",
        "events": ["created"],
        "conditions": {"all": [{"field": "plan", "op": "in", "value": ["premium"]}]},
        "actions": [{"type": "set_status", "status": "in_progress"}],
        "is_active": on,
        **extra,
    }
    return rule_create(actor=world.actor("admin"), data=data)


# Access


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_admins_see_the_rules(login, world, role) -> None:
    make_rule(world, "Премиум в работу")
    response = login(role).get(LIST)
    assert response.status_code == 200
    assert "Премиум в работу" in response.content.decode()


@pytest.mark.parametrize("role", STAFF_WITHOUT_ACCESS + CUSTOMERS)
@pytest.mark.parametrize("url", [LIST, "/desk/automation/new/", "/desk/automation/export/", "/desk/automation/{pk}/"])
def test_agents_and_customers_get_a_404(login, world, role, url) -> None:
    rule = make_rule(world)
    assert login(role).get(url.format(pk=rule.pk)).status_code == 404


@pytest.mark.parametrize("role", STAFF_WITHOUT_ACCESS)
def test_agents_cannot_switch_a_rule(login, world, role) -> None:
    rule = make_rule(world)
    response = login(role).post(f"/desk/automation/{rule.pk}/switch/", {"on": "1"})
    assert response.status_code == 404
    rule.refresh_from_db()
    assert rule.is_active is False


def test_anonymous_users_go_to_the_login_page(client, world) -> None:
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_sidebar_links_automation_for_supervisors_only(login, world) -> None:
    assert 'href="/desk/automation/"' in login("supervisor").get("/desk/").content.decode()
    assert 'href="/desk/automation/"' not in login("agent").get("/desk/").content.decode()


# The list


def test_the_list_describes_each_rule_in_words(login, world) -> None:
    make_rule(world, "Премиум", on=True)
    rule_create(
        actor=world.actor("admin"),
        data={
            "name": "Не принята за 30 минут",
            "kind": "timer",
            "anchor": "created_at",
            "minutes": 30,
            "business_time": True,
            "conditions": {"all": [{"field": "assignee", "op": "is_empty"}]},
            "actions": [{"type": "notify", "audience": "supervisors", "text": "Заявка #{number} ждёт"}],
        },
    )
    page = login("supervisor", "en").get(LIST).content.decode()
    assert "On: A ticket is created" in page
    assert "30 minutes of working time after creation" in page
    assert "Plan is one of" in page
    assert "Set the status" in page
    assert "Notify: the supervisors" in page


def test_a_rule_with_errors_shows_a_red_badge_and_the_last_error(login, world) -> None:
    rule = make_rule(world)
    Rule.objects.filter(pk=rule.pk).update(error_count=3, last_error="Unknown status «x»", last_error_at=clock.now())
    page = login("supervisor", "en").get(LIST).content.decode()
    assert "badge text-bg-danger" in page
    assert "3 errors" in page
    assert "Unknown status «x»" in page


LIST_QUERIES = 12  # session, user, agent, sidebar (lines, counts, saved views), rules, seven vocabularies


def test_the_list_costs_the_same_queries_however_many_rules(login, world, django_assert_num_queries) -> None:
    agent_id = world.actor("agent").agent.pk
    extra: dict[str, Any] = {"actions": [{"type": "assign", "agent": agent_id}]}
    make_rule(world, "Первое", **extra)
    client = login("supervisor")
    client.get(LIST)  # warm the sidebar's cached counts
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(LIST).status_code == 200
    for number in range(5):
        make_rule(world, f"Ещё {number}", **extra)
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(LIST).status_code == 200


# Creating and editing


def test_a_supervisor_creates_a_trigger_rule_through_the_form(login, world) -> None:
    response = login("supervisor").post("/desk/automation/new/", trigger_data())
    rule = Rule.objects.get(name="Срочные заявки")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/automation/{rule.pk}/"
    assert rule.kind == "trigger"
    assert rule.events == ["created"]
    assert rule.conditions == {"all": [{"field": "subject", "op": "has_word", "value": ["срочно"]}]}
    assert rule.actions[0]["priority"] == 40
    assert rule.is_active is False


def test_a_timer_rule_is_created_with_its_anchor_and_minutes(login, world) -> None:
    data = trigger_data("Таймер", kind="timer", events=[], anchor="claimed_at", minutes="15", business_time="on")
    assert login("supervisor").post("/desk/automation/new/", data).status_code == 302
    rule = Rule.objects.get(name="Таймер")
    assert (rule.anchor, rule.minutes, rule.business_time) == ("claimed_at", 15, True)


def test_a_wrong_condition_value_is_named_and_nothing_is_saved(login, world) -> None:
    conditions = {
        "all": [
            {"field": "plan", "op": "in", "value": ["premium"]},
            {"field": "priority", "op": "gt", "value": "высокий"},
        ]
    }
    data = trigger_data("Сломанное", conditions=json.dumps(conditions))
    response = login("supervisor", "en").post("/desk/automation/new/", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Condition 2, value: A number is expected." in page
    assert '"conditions.all.1.value"' in page  # for the builder to mark the row
    assert not Rule.objects.filter(name="Сломанное").exists()


def test_a_wrong_action_parameter_is_named(login, world) -> None:
    data = trigger_data("Сломанное", actions=json.dumps([{"type": "set_status", "status": "nope"}]))
    response = login("supervisor", "en").post("/desk/automation/new/", data)
    assert response.status_code == 422
    assert "Action 1, status: Unknown value «nope»." in response.content.decode()
    assert Rule.objects.count() == 0


def test_json_that_does_not_parse_is_reported_next_to_the_field(login, world) -> None:
    response = login("supervisor", "en").post("/desk/automation/new/", trigger_data(actions="[{"))
    assert response.status_code == 422
    assert "Not valid JSON" in response.content.decode()
    assert Rule.objects.count() == 0


def test_editing_a_rule_keeps_its_switch(login, world) -> None:
    rule = make_rule(world, "Старое имя", on=True)
    client = login("supervisor")
    page = client.get(f"/desk/automation/{rule.pk}/").content.decode()
    assert "Старое имя" in page
    assert client.post(f"/desk/automation/{rule.pk}/", trigger_data("Новое имя")).status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Новое имя"
    assert rule.is_active is True


def test_the_rule_page_lists_recent_firings_with_their_errors(login, world) -> None:
    rule = make_rule(world)
    now = clock.now()
    RuleFiring.objects.create(rule=rule, ticket=world.ticket_customer, episode="e1", outcome="done", at=now)
    RuleFiring.objects.create(
        rule=rule, ticket=world.ticket_other, episode="e2", outcome="failed", error="Нет такого статуса", at=now
    )
    page = login("supervisor").get(f"/desk/automation/{rule.pk}/").content.decode()
    assert f"/desk/tickets/{world.ticket_customer.number}/" in page
    assert "Нет такого статуса" in page


def test_a_rule_is_deleted(login, world) -> None:
    rule = make_rule(world)
    assert login("supervisor").post(f"/desk/automation/{rule.pk}/delete/").status_code == 302
    assert not Rule.objects.filter(pk=rule.pk).exists()


# Switching and ordering


def test_a_rule_is_switched_on_and_off_in_place(login, world) -> None:
    rule = make_rule(world)
    client = login("supervisor", "en")
    response = client.post(f"/desk/automation/{rule.pk}/switch/", {"on": "1"}, **HTMX)
    assert response.status_code == 200
    assert f'id="rule-{rule.pk}"' in response.content.decode()
    assert 'aria-checked="true"' in response.content.decode()
    rule.refresh_from_db()
    assert rule.is_active is True
    client.post(f"/desk/automation/{rule.pk}/switch/", {"on": "0"}, **HTMX)
    rule.refresh_from_db()
    assert rule.is_active is False


def test_rules_move_up_and_down(login, world) -> None:
    first, second, third = (make_rule(world, name) for name in ("Первое", "Второе", "Третье"))
    client = login("supervisor")
    response = client.post(f"/desk/automation/{third.pk}/move/", {"direction": "up"}, **HTMX)
    assert response.status_code == 200
    assert list(Rule.objects.values_list("pk", flat=True)) == [first.pk, third.pk, second.pk]
    page = response.content.decode()
    assert page.index("Третье") < page.index("Второе")
    client.post(f"/desk/automation/{first.pk}/move/", {"direction": "down"})
    assert list(Rule.objects.values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]


# Export, import, presets


def test_exported_rules_import_back(login, world) -> None:
    make_rule(world, "Первое", on=True)
    make_rule(world, "Второе")
    client = login("supervisor", "en")
    response = client.get("/desk/automation/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = json.loads(response.content)
    assert [rule["name"] for rule in exported] == ["Первое", "Второе"]
    Rule.objects.all().delete()
    upload = SimpleUploadedFile("rules.json", response.content, content_type="application/json")
    assert client.post("/desk/automation/import/", {"file": upload}).status_code == 302
    imported = list(Rule.objects.all())
    assert [rule.name for rule in imported] == ["Первое", "Второе"]
    assert [rule.is_active for rule in imported] == [False, False]  # imported rules arrive switched off
    assert imported[0].conditions == exported[0]["conditions"]


def test_an_import_error_names_the_rule_and_the_field(login, world) -> None:
    good = {"name": "Хорошее", "kind": "trigger", "events": ["created"], "actions": [{"type": "unassign"}]}
    bad = {**good, "name": "Плохое", "actions": [{"type": "set_status", "status": "nope"}]}
    upload = SimpleUploadedFile("rules.json", json.dumps([good, bad]).encode(), content_type="application/json")
    response = login("supervisor", "en").post("/desk/automation/import/", {"file": upload})
    assert response.status_code == 422
    assert "Rule 2 «Плохое», Action 1, status: Unknown value «nope»." in response.content.decode()
    assert Rule.objects.count() == 0  # all or nothing


def test_a_file_that_is_not_json_is_refused(login, world) -> None:
    upload = SimpleUploadedFile("rules.json", b"not json", content_type="application/json")
    response = login("supervisor", "en").post("/desk/automation/import/", {"file": upload})
    assert response.status_code == 422
    assert "not valid JSON" in response.content.decode()


def test_presets_load_switched_off(login, world) -> None:
    response = login("supervisor").post("/desk/automation/presets/")
    assert response.status_code == 302
    assert Rule.objects.filter(preset="not-accepted-30", is_active=False).exists()
    assert not Rule.objects.filter(is_active=True).exists()
    assert login("supervisor").get(LIST).status_code == 200  # every preset reads in words


# Test on a ticket, dry run


def test_a_rule_is_tested_on_a_ticket_without_changing_it(login, world) -> None:
    ticket = world.ticket_customer  # company A is on the Premium plan
    conditions = {"all": [{"field": "plan", "op": "in", "value": ["premium"]}]}
    data = {**trigger_data("", conditions=json.dumps(conditions)), "ticket": ticket.number}
    response = login("supervisor", "en").post("/desk/automation/test/", data, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="rule-test-result"' in page
    assert "✓" in page
    assert "Set the priority" in page
    ticket.refresh_from_db()
    assert ticket.priority != 40
    assert Rule.objects.count() == 0


def test_testing_on_a_missing_ticket_says_so(login, world) -> None:
    data = {**trigger_data(), "ticket": 999999}
    response = login("supervisor", "en").post("/desk/automation/test/", data, **HTMX)
    assert response.status_code == 422
    assert "There is no ticket #999999." in response.content.decode()


def test_a_dry_run_tells_how_often_the_rule_would_have_fired(login, world) -> None:
    conditions = json.dumps({"all": [{"field": "plan", "op": "in", "value": ["premium"]}]})
    data = {**trigger_data("", conditions=conditions), "days": "30"}
    response = login("supervisor", "en").post("/desk/automation/dry-run/", data, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="rule-dry-run-result"' in page
    assert "Would have fired 2 times on 2 tickets in 30 days" in page  # the two tickets of company A
    assert f"/desk/tickets/{world.ticket_customer.number}/" in page
    assert Rule.objects.count() == 0


def test_a_dry_run_of_an_invalid_rule_names_the_field(login, world) -> None:
    data = {**trigger_data(actions=json.dumps([{"type": "nope"}])), "days": "30"}
    response = login("supervisor", "en").post("/desk/automation/dry-run/", data, **HTMX)
    assert response.status_code == 422
    assert "Action 1, action: Unknown action." in response.content.decode()


@pytest.mark.parametrize("url", ["/desk/automation/test/", "/desk/automation/dry-run/"])
def test_agents_cannot_try_rules(login, world, url) -> None:
    data = {**trigger_data(), "ticket": world.ticket_customer.number, "days": "30"}
    assert login("agent").post(url, data, **HTMX).status_code == 404

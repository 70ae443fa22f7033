"""The «canned_reply» rule action: a shared canned response sent to the customer, filled, in their language."""

from __future__ import annotations

import pytest

from otvet.automation.actions import actions_clean
from otvet.automation.models import Rule
from otvet.automation.services import rule_create
from otvet.automation.tests.conftest import drain
from otvet.canned.models import CannedResponse
from otvet.core.errors import InvalidInput
from otvet.testing.fixtures import World
from otvet.tickets.access import Actor
from otvet.tickets.choices import MessageKind
from otvet.tickets.factories import open_ticket
from otvet.tickets.models import Message
from otvet.workspace.views.automation_tools import builder_config, rule_rows

SYSTEM = Actor.system("tests")


def _rule(canned_id: int) -> None:
    data = {
        "name": "Типовой ответ на новую заявку",
        "kind": "trigger",
        "is_active": True,
        "events": ["created"],
        "actions": [{"type": "canned_reply", "canned": canned_id}],
    }
    rule_create(actor=SYSTEM, data=data)


def test_a_trigger_rule_sends_the_filled_canned_response_to_the_customer(world: World, canned) -> None:
    drain()  # the world's own tickets
    response = canned("supervisor", "received", shared=True, body="{name}, заявка #{number} принята. {agent}")
    _rule(response.pk)
    contact = world.users["other_customer"].contact
    ticket = open_ticket(contact, "Не работает выгрузка")
    drain()
    reply = Message.objects.get(ticket=ticket, kind=MessageKind.REPLY, author_user__isnull=True)
    assert reply.body_text == f"{contact.name}, заявка #{ticket.number} принята. Поддержка"
    response.refresh_from_db()
    assert response.usage_count == 1


def test_the_rule_sends_the_english_text_to_an_english_speaking_customer(world: World, canned) -> None:
    drain()
    response = canned("admin", "got-it", shared=True, body="Получили #{number}", body_en="Got #{number}, {name}")
    _rule(response.pk)
    contact = world.users["other_customer"].contact
    contact.language = "en"
    contact.save()
    ticket = open_ticket(contact, "Export fails")
    drain()
    reply = Message.objects.get(ticket=ticket, kind=MessageKind.REPLY, author_user__isnull=True)
    assert reply.body_text == f"Got #{ticket.number}, {contact.name}"


def test_a_personal_canned_response_is_refused_naming_the_field(world: World, canned) -> None:
    personal = canned("supervisor", "mine")
    with pytest.raises(InvalidInput) as error:
        actions_clean([{"type": "add_tag", "tag": "x"}, {"type": "canned_reply", "canned": personal.pk}])
    assert "actions.1.canned" in error.value.fields


@pytest.mark.parametrize("value", [None, "abc", 999_999, True])
def test_a_missing_canned_response_is_refused(world: World, value: object) -> None:
    with pytest.raises(InvalidInput) as error:
        actions_clean([{"type": "canned_reply", "canned": value}])
    assert "actions.0.canned" in error.value.fields


def test_a_switched_off_one_is_refused_and_a_form_value_is_accepted(world: World, canned) -> None:
    response = canned("supervisor", "shared", shared=True)
    assert actions_clean([{"type": "canned_reply", "canned": str(response.pk)}]) == [
        {"type": "canned_reply", "canned": response.pk}
    ]
    CannedResponse.objects.filter(pk=response.pk).update(is_active=False)
    with pytest.raises(InvalidInput):
        actions_clean([{"type": "canned_reply", "canned": response.pk}])


def test_the_rule_builder_offers_shared_ones_only_and_the_list_names_them(world: World, canned) -> None:
    shared = canned("supervisor", "shared", shared=True, title="Общий")
    canned("supervisor", "mine", title="Личный")
    config = builder_config()
    assert any(action["type"] == "canned_reply" and action["params"] == ["canned"] for action in config["actions"])
    assert [option[0] for option in config["params"]["canned"]["options"]] == [shared.pk]
    _rule(shared.pk)
    [row] = rule_rows(list(Rule.objects.all()))
    assert "Общий" in row.actions[0]

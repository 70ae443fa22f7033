"""Sign-up with email verification; a verified email links the login to the contact with that email."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from otvet.accounts.factories import UserFactory
from otvet.accounts.models import User
from otvet.customers.factories import CompanyFactory, ContactFactory
from otvet.customers.models import Contact
from otvet.tickets.factories import open_ticket

pytestmark = pytest.mark.django_db
PASSWORD = "Str0ng-enough-pass"


def sign_up(client, email: str, name: str = "Анна Смирнова"):
    return client.post(
        "/accounts/signup/", {"email": email, "name": name, "password1": PASSWORD, "password2": PASSWORD}
    )


def confirm_from_mail(client) -> None:
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    client.post(link)


def test_a_new_customer_signs_up_confirms_the_email_and_gets_a_contact(client):
    response = sign_up(client, "anna@newcorp.ru")
    assert response.status_code == 302
    user = User.objects.get(email="anna@newcorp.ru")
    assert user.name == "Анна Смирнова"
    assert not Contact.objects.filter(user=user).exists()  # not before the address is proven
    confirm_from_mail(client)
    contact = Contact.objects.get(user=user)
    assert contact.email == "anna@newcorp.ru" and contact.name == "Анна Смирнова"
    assert contact.identities.filter(kind="email", value="anna@newcorp.ru").exists()


def test_signing_up_with_a_known_contract_email_links_the_existing_contact_and_company(client):
    company = CompanyFactory(name="ООО Контракт")
    contact = ContactFactory(email="Director@Contract.ru", company=company)
    ticket = open_ticket(contact, "Старая заявка")
    sign_up(client, "director@contract.ru")
    confirm_from_mail(client)
    contact.refresh_from_db()
    assert contact.user.email == "director@contract.ru"
    client.post("/accounts/login/", {"login": "director@contract.ru", "password": PASSWORD})
    assert client.get(f"/requests/{ticket.pk}/").status_code == 200


def test_a_company_email_domain_puts_a_new_customer_in_the_company(client):
    company = CompanyFactory(email_domains=["acme.example"])
    sign_up(client, "new.person@acme.example")
    confirm_from_mail(client)
    assert Contact.objects.get(email="new.person@acme.example").company == company


def test_an_unverified_customer_cannot_sign_in(client):
    sign_up(client, "later@example.org")
    client.logout()
    response = client.post("/accounts/login/", {"login": "later@example.org", "password": PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    assert client.get("/requests/").status_code == 302


def test_sign_up_errors_are_shown_next_to_the_field(client):
    response = sign_up(client, "not-an-email", name="")
    assert response.status_code == 200
    assert b"is-invalid" in response.content
    assert not User.objects.exists()


def test_a_forgotten_password_is_reset_through_the_emailed_link(client):
    user = UserFactory(email="forgot@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": "forgot@example.org"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_url = client.get(link)["Location"] if client.get(link).status_code == 302 else link
    response = client.post(form_url, {"password1": "Brand-new-pass-1", "password2": "Brand-new-pass-1"})
    assert response.status_code == 302
    client.logout()
    client.post("/accounts/login/", {"login": "forgot@example.org", "password": "Brand-new-pass-1"})
    assert "_auth_user_id" in client.session

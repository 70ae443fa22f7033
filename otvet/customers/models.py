"""Customer organisations, their plans and partners, and the people who ask for help."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from otvet.core import clock
from otvet.core.models import Bilingual, TimeStamped
from otvet.customers.choices import IdentityKind


class Plan(Bilingual):
    """A tariff [тариф]; its rank orders plans, and automation raises priority by plan."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), default=0, help_text=_("Higher is a bigger plan."))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")


class Partner(TimeStamped):
    """A support organisation with its own agents and companies."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    own_first_line = models.BooleanField(
        _("own first line"),
        default=False,
        help_text=_("Tickets of its companies reach platform lines only by an explicit transfer."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class Company(TimeStamped):
    """A customer organisation [Компания]."""

    name = models.CharField(_("name"), max_length=200)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="companies")
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
    )
    external_id = models.CharField(
        _("external id"), max_length=100, blank=True, help_text=_("Contract or project number.")
    )
    email_domains = models.JSONField(
        _("email domains"),
        default=list,
        blank=True,
        help_text=_("Senders from these domains join the company."),
    )
    calendar = models.ForeignKey(
        "sla.Calendar",
        verbose_name=_("working calendar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The hours of the company's contract; SLA clocks of its tickets run in them."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [models.Index(Lower("name"), name="company_name_lower")]

    def __str__(self) -> str:
        return self.name


class Contact(TimeStamped):
    """A person who asks for help [Клиент]; may sign in to the portal through `user`."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
    )
    is_company_admin = models.BooleanField(
        _("company admin"), default=False, help_text=_("Sees every ticket of the company.")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="contact"
    )
    language = models.CharField(_("language"), max_length=8, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["company", "name"])]

    def __str__(self) -> str:
        return self.name or self.email


class ContactIdentity(models.Model):
    """One way to reach a contact; unique per channel, so it links every channel to one person."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("kind"), max_length=16, choices=IdentityKind.choices)
    value = models.CharField(_("value"), max_length=255)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_per_channel")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class SupportNote(models.Model):
    """An internal note about a customer that persists between shifts; never shown to customers."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True, related_name="notes")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("support note")
        verbose_name_plural = _("support notes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(company__isnull=False) | models.Q(contact__isnull=False),
                name="support_note_has_subject",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]

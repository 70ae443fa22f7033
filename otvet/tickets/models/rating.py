"""Ratings [Оценка] and the configurable marks customers choose from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.core import clock
from otvet.core.models import Bilingual


class RatingMark(Bilingual):
    """A mark such as «Ответ устраивает» or «Недостаточно полно»; `score` feeds reports."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    score = models.SmallIntegerField(_("score"), help_text=_("For example 1 (good) to -1 (bad)."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("rating mark")
        verbose_name_plural = _("rating marks")


class Rating(models.Model):
    """The requester's rating of a ticket, attributed to the agent who wrote the rated reply."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, related_name="rating")
    mark = models.ForeignKey(RatingMark, on_delete=models.PROTECT)
    comment = models.TextField(_("comment"), blank=True)
    message = models.ForeignKey("tickets.Message", on_delete=models.SET_NULL, null=True, related_name="+")
    agent = models.ForeignKey(
        "accounts.Agent", on_delete=models.SET_NULL, null=True, blank=True, related_name="ratings"
    )
    contact = models.ForeignKey("customers.Contact", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["agent", "-created_at"], name="rating_agent")]

    def __str__(self) -> str:
        return f"{self.mark} on #{self.ticket_id}"

"""A VK community whose messages customers write to; its access token is write-only wherever it is shown."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.core.models import TimeStamped


class VkCommunity(TimeStamped):
    """A VK community [сообщество ВКонтакте] served by the Callback API at /hooks/vk/."""

    name = models.CharField(_("name"), max_length=120)
    group_id = models.PositiveBigIntegerField(_("group id"), unique=True, help_text=_("The community's numeric id."))
    access_token = models.CharField(
        _("access token"), max_length=255, help_text=_("A community token with the «messages» right.")
    )
    confirmation = models.CharField(
        _("confirmation string"),
        max_length=64,
        help_text=_("Callback API settings: «String to be returned»; answered to VK's confirmation request."),
    )
    secret_key = models.CharField(
        _("secret key"), max_length=50, help_text=_("Callback API settings: «Secret key»; every event must carry it.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    line = models.ForeignKey(
        "tickets.Line", verbose_name=_("line"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("VK community")
        verbose_name_plural = _("VK communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (club{self.group_id})"

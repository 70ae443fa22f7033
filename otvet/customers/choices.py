"""Named constants of the customers domain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentityKind(models.TextChoices):
    """The channels through which one person can be recognised."""

    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    TELEGRAM = "telegram", _("Telegram")
    VK = "vk", _("VK")
    VIBER = "viber", _("Viber")
    WEBCHAT = "webchat", _("Web chat visitor")

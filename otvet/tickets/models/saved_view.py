"""Saved personal views of the agent workspace: a named set of list filters."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.core import clock


class SavedView(models.Model):
    """An agent's named filter set for the ticket list; personal, written by services/saved_views.py."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=80)
    # {"status": "in_progress", "priority": "30", ...}: the list's GET parameters, whitelisted by the service.
    params = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_unique_per_owner")]

    def __str__(self) -> str:
        return self.name

    @property
    def querystring(self) -> str:
        return urlencode(sorted(self.params.items()))

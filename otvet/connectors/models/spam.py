"""The spam classifier's learned state, shared by every web and worker process through the database."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpamModel(models.Model):
    """The one trained spam model (a single row, pk=1) and the figures of its work.

    Written only by otvet/connectors/spam_services.py, under a row lock; `version` and `revision` change with every
    training step, so a process keeps its loaded copy until either differs.
    """

    SINGLETON = 1

    scheme = models.PositiveSmallIntegerField(
        _("feature scheme"), default=0, help_text=_("A model of another scheme is set aside and training starts over.")
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    revision = models.CharField(max_length=32, blank=True)  # random per save: a rolled-back version is not reused
    estimator = models.BinaryField(_("estimator"), default=b"", blank=True)
    spam_trained = models.PositiveIntegerField(_("spam mails learned"), default=0)
    ham_trained = models.PositiveIntegerField(_("real requests learned"), default=0)
    scored = models.PositiveIntegerField(_("mails scored"), default=0)
    held = models.PositiveIntegerField(_("mails held as spam"), default=0)
    false_positives = models.PositiveIntegerField(
        _("false positives"), default=0, help_text=_("Held by the classifier, then marked «Not spam» by an agent.")
    )
    missed = models.PositiveIntegerField(
        _("missed spam"), default=0, help_text=_("Let through by the classifier, then marked «Spam» by an agent.")
    )
    trained_at = models.DateTimeField(_("last trained"), null=True, blank=True)

    class Meta:
        verbose_name = _("spam model")
        verbose_name_plural = _("spam models")

    def __str__(self) -> str:
        return f"spam model v{self.version}"

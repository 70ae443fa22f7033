"""Which line a new ticket enters."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from otvet.core.cache import cached_twice, local_forget
from otvet.core.errors import InvalidInput
from otvet.customers.models import Company
from otvet.tickets.models import Line

DEFAULT_LINE_KEY = "otvet:tickets:default-line"
DEFAULT_LINE_TTL = 60  # saving a line forgets it at once (apps.py); the TTL bounds other processes' lag
LOCAL_SECONDS = 2  # each process keeps its copy this long (otvet/core/cache.py: cached_twice)


def intake_line(company: Company | None, preferred: Line | None = None) -> Line:
    """A partner with its own first line receives its companies' tickets; everyone else `preferred` (a channel's
    line, such as a mailbox's) when it is an active platform line, else the default line."""
    partner = company.partner if company is not None else None
    if partner is not None and partner.own_first_line:
        line = Line.objects.filter(partner=partner, is_active=True).order_by("-is_default", "order").first()
        if line is None:
            line = Line.objects.create(
                code=f"partner-{partner.pk}",
                name_ru=f"Первая линия — {partner.name}",
                name_en=f"First line — {partner.name}",
                partner=partner,
                is_default=True,
            )
        return line
    if preferred is not None and preferred.is_active and preferred.partner_id is None:
        return preferred
    line = cached_twice(DEFAULT_LINE_KEY, LOCAL_SECONDS, _default_line_shared)
    if line is None:
        raise InvalidInput(_("No active line is configured to receive tickets."), code="misconfigured")
    return line


def _default_line_shared() -> Line | None:
    line = cache.get(DEFAULT_LINE_KEY)
    if line is None:
        line = Line.objects.filter(partner__isnull=True, is_active=True).order_by("-is_default", "order").first()
        if line is not None:
            cache.set(DEFAULT_LINE_KEY, line, DEFAULT_LINE_TTL)
    return line


def default_line_forget(*args: Any, **kwargs: Any) -> None:
    """Drop the cached default line (connected to saves of lines)."""
    cache.delete(DEFAULT_LINE_KEY)
    local_forget(DEFAULT_LINE_KEY)


def check_transfer_target(line: Line, company: Company | None) -> None:
    """A ticket may go to a platform line or to a line of its own company's partner, nothing else."""
    if not line.is_active:
        raise InvalidInput.field("line", _("This line is not active."))
    partner_id = company.partner_id if company is not None else None
    if line.partner_id is not None and line.partner_id != partner_id:
        raise InvalidInput.field("line", _("This line belongs to another partner."))

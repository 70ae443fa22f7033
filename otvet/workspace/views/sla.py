"""The SLA report (/desk/sla/): met and breached deadlines by line, plan and assignee; supervisors and admins."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date

from otvet.core import clock
from otvet.sla.report import sla_report
from otvet.tickets.access import Actor
from otvet.workspace.views.common import desk_view, render_desk

DEFAULT_DAYS = 30
MAX_DAYS = 366


@desk_view
def sla_report_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The report for a range of days (default: the last 30), counted by the day each clock started."""
    if not actor.is_supervisor:
        raise Http404
    first, last = report_days(request.GET.get("from", ""), request.GET.get("to", ""))
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    report = sla_report(actor=actor, start=start, end=end)
    return render_desk(
        request, actor, "workspace/sla_report.html", {"report": report, "first": first, "last": last, "active": "sla"}
    )


def report_days(first_text: str, last_text: str) -> tuple[dt.date, dt.date]:
    """The asked range of days; unreadable or missing ends fall back to the last 30 days, at most a year long."""
    today = timezone.localdate(clock.now())
    last = _date(last_text) or today
    first = _date(first_text) or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    return max(first, last - dt.timedelta(days=MAX_DAYS - 1)), last


def _date(text: str) -> dt.date | None:
    try:
        return parse_date(text.strip())
    except ValueError:
        return None

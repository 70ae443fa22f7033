"""Automation at /desk/automation/: the rules in order, switching and ordering them, the rule editor with a test
on a ticket and a dry run, export and import as JSON, the shipped presets. Support managers only."""

from __future__ import annotations

import json
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from otvet.automation.dry_run import rule_dry_run, rule_test
from otvet.automation.models import Rule, RuleFiring
from otvet.automation.presets import presets_load
from otvet.automation.services import (
    rule_create,
    rule_delete,
    rule_switch,
    rule_update,
    rules_export,
    rules_import,
    rules_reorder,
)
from otvet.core import clock
from otvet.core.errors import InvalidInput, NotFound
from otvet.tickets.access import Actor, ticket_get_for_user
from otvet.workspace.forms_automation import DryRunForm, RuleForm, RulesImportForm, RuleTestForm, error_place
from otvet.workspace.views.automation_tools import builder_config, dry_run_summary, import_errors, moved, rule_rows
from otvet.workspace.views.common import DeskView, desk_view, render_desk

FIRINGS_LIMIT = 50


def manager_view(view: DeskView) -> DeskView:
    """Platform supervisors and admins only; every other agent gets a 404 (rules act on every ticket)."""

    @wraps(view)
    def wrapper(request: HttpRequest, actor: Actor, *args: Any, **kwargs: Any) -> HttpResponse:
        if actor.agent is None or not actor.agent.is_supervisor or actor.agent.partner_id is not None:
            raise Http404
        return view(request, actor, *args, **kwargs)

    return desk_view(wrapper)


@manager_view
@require_GET
def rule_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every rule in the order it runs, with its switch, counters and last error."""
    return _list_page(request, actor)


@manager_view
def rule_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _editor(request, actor, None)


@manager_view
def rule_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _editor(request, actor, get_object_or_404(Rule, pk=pk))


@manager_view
@require_POST
def rule_delete_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=pk)
    rule_delete(rule=rule, actor=actor)
    messages.success(request, _("The rule «%(name)s» is deleted.") % {"name": rule.name})
    return redirect("workspace-automation")


@manager_view
@require_POST
def rule_switch_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Switch a rule on or off; htmx gets the row back."""
    rule = rule_switch(rule=get_object_or_404(Rule, pk=pk), actor=actor, on=request.POST.get("on") == "1")
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "workspace/_automation_row.html", {"row": rule_rows([rule])[0]})
    return redirect("workspace-automation")


@manager_view
@require_POST
def rule_move_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Move a rule one place up or down; htmx gets the rows back in their new order."""
    step = -1 if request.POST.get("direction") == "up" else 1
    order = moved(list(Rule.objects.values_list("pk", flat=True)), pk, step)
    rules_reorder(actor=actor, rule_ids=order)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "workspace/_automation_rows.html", {"rows": rule_rows(list(Rule.objects.all()))})
    return redirect("workspace-automation")


@manager_view
@require_GET
def rules_export_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Every rule as a JSON file that the import reads back."""
    body = json.dumps(rules_export(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="otvet-rules-{clock.now():%Y-%m-%d}.json"'
    return response


@manager_view
@require_POST
def rules_import_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Rules from an exported file, all or nothing, switched off; errors name the rule and the field."""
    form = RulesImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(
            request, actor, import_errors=[str(error) for error in form.errors.get("file", [])], status=422
        )
    try:
        rules = rules_import(actor=actor, data=form.cleaned_data["file"])
    except InvalidInput as error:
        errors = import_errors(error.fields, form.cleaned_data["file"]) or [error.message]
        return _list_page(request, actor, import_errors=errors, status=422)
    count = len(rules)
    messages.success(
        request,
        ngettext("%(n)s rule imported, switched off.", "%(n)s rules imported, switched off.", count) % {"n": count},
    )
    return redirect("workspace-automation")


@manager_view
@require_POST
def presets_load_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The shipped rules: new ones arrive switched off, those already loaded are brought up to date."""
    count = len(presets_load(activate=False))
    messages.success(request, ngettext("%(n)s preset loaded.", "%(n)s presets loaded.", count) % {"n": count})
    return redirect("workspace-automation")


@manager_view
@require_POST
def rule_test_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Would the rule in the editor fire on a ticket now, condition by condition; nothing changes."""
    form, ticket_form = RuleForm(request.POST), RuleTestForm(request.POST)
    context: dict[str, Any] = {"form": form, "ticket_form": ticket_form}
    if not (form.is_valid() and ticket_form.is_valid()):
        return render(request, "workspace/_automation_test.html", context, status=422)
    try:
        context["ticket"] = ticket_get_for_user(actor, ticket_form.cleaned_data["ticket"])
        context["result"] = rule_test(data=form.rule_data(placeholder_name=True), ticket=context["ticket"])
    except NotFound:
        context["missing"] = ticket_form.cleaned_data["ticket"]
    except InvalidInput as error:
        context["errors"] = _errors(error)
    status = 200 if "result" in context else 422
    return render(request, "workspace/_automation_test.html", context, status=status)


@manager_view
@require_POST
def rule_dry_run_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """How often the rule in the editor would have fired over the last days of real tickets; nothing changes."""
    form, days_form = RuleForm(request.POST), DryRunForm(request.POST)
    context: dict[str, Any] = {"form": form, "days_form": days_form}
    if not (form.is_valid() and days_form.is_valid()):
        return render(request, "workspace/_automation_dry_run.html", context, status=422)
    try:
        days = days_form.cleaned_data["days"]
        context["result"] = result = rule_dry_run(data=form.rule_data(placeholder_name=True), days=days)
    except InvalidInput as error:
        context["errors"] = _errors(error)
        return render(request, "workspace/_automation_dry_run.html", context, status=422)
    context["summary"] = dry_run_summary(result)
    return render(request, "workspace/_automation_dry_run.html", context)


def _editor(request: HttpRequest, actor: Actor, rule: Rule | None) -> HttpResponse:
    """Show the rule editor, or save its post through rule_create/rule_update; nothing is saved on an error."""
    form, row_errors, status = RuleForm.for_rule(rule), {}, 200
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                data = form.rule_data(rule=rule)
                saved = rule_update(rule=rule, actor=actor, data=data) if rule else rule_create(actor=actor, data=data)
            except InvalidInput as error:
                row_errors = form.add_service_error(error)
            else:
                messages.success(request, _("The rule «%(name)s» is saved.") % {"name": saved.name})
                return redirect("workspace-automation-rule", pk=saved.pk)
        status = 422
    firings = (
        RuleFiring.objects.filter(rule=rule).select_related("ticket").order_by("-at")[:FIRINGS_LIMIT] if rule else []
    )
    context = {
        "rule": rule,
        "form": form,
        "row_errors": row_errors,
        "builder": builder_config(),
        "firings": firings,
        "days_form": DryRunForm(),
        "ticket_form": RuleTestForm(),
        "active": "automation",
    }
    return render_desk(request, actor, "workspace/automation_form.html", context, status=status)


def _list_page(
    request: HttpRequest, actor: Actor, *, import_errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "rows": rule_rows(list(Rule.objects.all())),
        "import_form": RulesImportForm(),
        "import_errors": import_errors or [],
        "active": "automation",
    }
    return render_desk(request, actor, "workspace/automation.html", context, status=status)


def _errors(error: InvalidInput) -> list[str]:
    """The service's complaints about the rule, each naming its place."""
    return [f"{error_place(key)}: {message}" for key, message in error.fields.items()] or [error.message]

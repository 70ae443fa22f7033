"""«Объединить с…»: pick the contact that is the same person, see what will move, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from otvet.core.errors import ServiceError
from otvet.customers.merge import contact_get_for_user, contact_merge, contact_merge_plan
from otvet.customers.models import Contact
from otvet.lib.phones import phone_normalize
from otvet.tickets.access import Actor, contacts_visible_to, tickets_visible_to
from otvet.workspace.views.common import desk_view, render_desk

MAX_CANDIDATES = 20


@desk_view
def contact_merge_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """GET: search for the other contact (?q=) or preview merging it (?other=); POST other=…: merge it into this one."""
    keep = contact_get_for_user(actor, pk)
    other_pk = request.POST.get("other") if request.method == "POST" else request.GET.get("other")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    plan, error, status = None, "", 200
    if other_pk and other_pk.isdigit():
        other = contact_get_for_user(actor, int(other_pk))
        try:
            if request.method == "POST":
                contact_merge(actor=actor, keep=keep, merge=other)
                messages.success(request, _("«%(merged)s» merged into «%(kept)s».") % {"merged": other, "kept": keep})
                return redirect(next_url or _after_merge(actor, keep))
            plan = contact_merge_plan(actor=actor, keep=keep, merge=other)
        except ServiceError as refused:
            error, status = refused.message, refused.status
    query = (request.GET.get("q") or "").strip()
    context = {
        "keep": keep,
        "plan": plan,
        "error": error,
        "q": query,
        "candidates": _candidates(actor, keep, query) if query and plan is None else [],
        "next": next_url,
    }
    return render_desk(request, actor, "workspace/contact_merge.html", context, status=status)


def _candidates(actor: Actor, keep: Contact, query: str) -> list[Contact]:
    """Contacts the agent may see by name, email or any identity (a phone number in any writing)."""
    number = phone_normalize(query)
    match = Q(name__icontains=query) | Q(email__iexact=query) | Q(identities__value=number or query.lower())
    if number:
        match |= Q(phone=number)
    found = contacts_visible_to(actor).filter(match).exclude(pk=keep.pk).select_related("company")
    return list(found.distinct().order_by("name", "pk")[:MAX_CANDIDATES])


def _after_merge(actor: Actor, keep: Contact) -> str:
    """The kept contact's latest ticket the agent sees, else the queues."""
    latest = tickets_visible_to(actor).filter(requester=keep).order_by("-created_at").values_list("pk", flat=True)
    number = latest.first()
    return reverse("workspace-ticket", kwargs={"number": number}) if number else reverse("workspace-home")

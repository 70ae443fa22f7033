"""Views every face of Otvet shares: the language switch and one's own preferences."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from otvet.accounts.models import User
from otvet.accounts.preferences import time_zones, user_set_language, user_update_preferences
from otvet.core.errors import ServiceError


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the language: remembered in a cookie, and on the user for every later visit and device."""
    if isinstance(request.user, User):
        try:
            user_set_language(user=request.user, language=request.POST.get("language", ""))
        except ServiceError:
            pass  # Django's view ignores an unknown language the same way
    return set_language(request)


class PreferencesForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        default = gettext_lazy("As the browser asks")
        self.fields["language"].choices = [("", default), ("ru", "Русский"), ("en", "English")]  # type: ignore[attr-defined]
        self.fields["time_zone"].choices = [("", gettext_lazy("The site's default"))] + [  # type: ignore[attr-defined]
            (zone, zone.replace("_", " ")) for zone in time_zones()
        ]


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """One's own name, language and time zone; agents and customers alike."""
    user: User = request.user  # type: ignore[assignment]
    form = PreferencesForm(request.POST or None, initial={"name": user.name, "language": user.language,
                                                          "time_zone": user.time_zone})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            user_update_preferences(user=user, **form.cleaned_data)
        except ServiceError as error:
            for field, message in error.fields.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Preferences saved."))
            response = redirect("preferences")
            if user.language:
                response.set_cookie("django_language", user.language, samesite="Lax")
            return response
    return render(request, "preferences.html", {"form": form})

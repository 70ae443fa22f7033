"""The canned response form of the workspace; the service validates again (the API and the demo skip this form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from otvet.canned.services import MAX_BODY


class CannedForm(forms.Form):
    """Title, shortcut, category, the two texts; `shared` is offered to supervisors on creation only."""

    title = forms.CharField(label=_("Title"), max_length=200)
    shortcut = forms.CharField(
        label=_("Shortcut"),
        max_length=40,
        help_text=_("Latin letters, digits and hyphens: type /pwd-reset to find it."),
    )
    category = forms.CharField(
        label=_("Category"), max_length=80, required=False, widget=forms.TextInput(attrs={"list": "canned-categories"})
    )
    body = forms.CharField(label=_("Text"), max_length=MAX_BODY, widget=forms.Textarea(attrs={"rows": 8}))
    body_en = forms.CharField(
        label=_("Text in English"),
        max_length=MAX_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sent instead to customers who speak English."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    shared = forms.BooleanField(label=_("Shared with every agent"), required=False)

    def __init__(self, *args: object, may_share: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not may_share:
            del self.fields["shared"]

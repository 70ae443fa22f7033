"""Portal forms: sign-up with a name, a new request, a reply, a rating."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from otvet.accounts.models import User
from otvet.tickets.choices import ResponsePreference
from otvet.tickets.models import Category, Criticality, RatingMark


class SignupForm(forms.Form):
    """allauth's sign-up form gains the customer's name (ACCOUNT_SIGNUP_FORM_CLASS)."""

    name = forms.CharField(label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))

    def signup(self, request: object, user: User) -> None:
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.path


class RequestForm(forms.Form):
    """A new request from the portal."""

    subject = forms.CharField(label=_("Subject"), max_length=255, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    body = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 7}))
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("Not sure")
    )
    criticality = forms.ModelChoiceField(
        label=_("Criticality"), queryset=Criticality.objects.none(), required=False, empty_label=_("Not set")
    )
    response_preference = forms.ChoiceField(
        label=_("How should we answer?"),
        choices=ResponsePreference.choices,
        initial=ResponsePreference.PORTAL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).select_related("parent")  # type: ignore[attr-defined]
        self.fields["criticality"].queryset = Criticality.objects.all()  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}))


class RatingForm(forms.Form):
    mark = forms.ModelChoiceField(
        label=_("How did we do?"), queryset=RatingMark.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mark"].queryset = RatingMark.objects.filter(is_active=True)  # type: ignore[attr-defined]

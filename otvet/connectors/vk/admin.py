"""Admin for VK communities: the access token and the secret key are write-only."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from otvet.connectors.models import VkCommunity
from otvet.connectors.models.mailbox import SECRET_MASK


class WriteOnlyForm(forms.ModelForm):
    """The fields named in `secrets` are shown masked and kept when left empty (also used by the Viber admin)."""

    secrets: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.secrets:
            self.fields[name].widget = forms.PasswordInput(render_value=False)
            if self.instance.pk and getattr(self.instance, name):
                self.fields[name].required = False
                self.fields[name].widget.attrs["placeholder"] = SECRET_MASK
                self.fields[name].help_text = _("Stored. Leave empty to keep it.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in self.secrets:
            if not cleaned.get(name) and self.instance.pk:
                cleaned[name] = getattr(type(self.instance).objects.get(pk=self.instance.pk), name)
                self.errors.pop(name, None)
        return cleaned


class VkCommunityForm(WriteOnlyForm):
    secrets = ("access_token", "secret_key")

    class Meta:
        model = VkCommunity
        fields = ["name", "group_id", "access_token", "confirmation", "secret_key", "is_active", "line"]


class VkCommunityAdmin(admin.ModelAdmin):
    form = VkCommunityForm
    list_display = ["name", "group_id", "is_active", "line"]
    list_filter = ["is_active"]


admin.site.register(VkCommunity, VkCommunityAdmin)

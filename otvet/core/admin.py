"""The admin site's titles: the configuration area of Otvet for administrators."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Otvet administration")
admin.site.site_title = _("Otvet")
admin.site.index_title = _("Configuration")
admin.site.site_url = "/desk/"

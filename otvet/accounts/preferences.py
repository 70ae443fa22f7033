"""A user's own preferences: name, language and time zone (dates are shown in the user's time zone)."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _

from otvet.accounts.models import User
from otvet.core.errors import InvalidInput

# Russia's zones first: the teams this is built for work across eleven of them.
RUSSIAN_ZONES = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk",
    "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
)  # fmt: skip


@cache
def time_zones() -> tuple[str, ...]:
    """Russian zones first, then every other IANA zone in alphabetical order."""
    others = sorted(zoneinfo.available_timezones() - set(RUSSIAN_ZONES) - {"localtime", "Factory"})
    return RUSSIAN_ZONES + tuple(z for z in others if "/" in z or z == "UTC")


def user_set_language(*, user: User, language: str) -> None:
    """Remember the interface language on the user, for every later visit and device."""
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput.field("language", _("Unknown language."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def user_update_preferences(*, user: User, name: str, language: str, time_zone: str) -> User:
    """Change one's own name, language and time zone (an empty time zone means the site's default)."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise InvalidInput.field("name", _("The name must have 1 to 200 characters."))
    if language and language not in dict(settings.LANGUAGES):
        raise InvalidInput.field("language", _("Unknown language."))
    if time_zone and time_zone not in time_zones():
        raise InvalidInput.field("time_zone", _("Unknown time zone."))
    user.name, user.language, user.time_zone = name, language, time_zone
    user.save(update_fields=["name", "language", "time_zone"])
    return user

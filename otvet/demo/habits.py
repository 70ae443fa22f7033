"""How the people of the demo behave: when support works and how it addresses customers."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

SUPPORT_TZ = ZoneInfo("Europe/Moscow")
WORK_HOURS = (9, 21)  # support answers between these local hours (seed 001: «с 10:00 до 22:00 по Челябинску»)
MINUTE = dt.timedelta(minutes=1)


def polite_name(name: str, language: str) -> str:
    """How support addresses a person: «Елена Сергеевна» (name and patronymic) or the first name."""
    words = name.split()
    if language == "ru" and len(words) == 3 and words[1].endswith(("вна", "вич", "чна", "ична")):
        return " ".join(words[:2])
    return words[0]


def in_working_hours(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    """`moment`, or the start of the next working window (plus a few minutes) when support is off duty."""
    local = moment.astimezone(SUPPORT_TZ)
    start, end = WORK_HOURS
    if start <= local.hour < end:
        return moment
    day = local.date() if local.hour < start else local.date() + dt.timedelta(days=1)
    opened = dt.datetime.combine(day, dt.time(start), tzinfo=SUPPORT_TZ) + rng.uniform(1, 45) * MINUTE
    return opened.astimezone(dt.UTC)

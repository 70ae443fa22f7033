"""`otvet demo`: the organisation, then N ticket stories spread over the last ~60 days, then the search index.

Deterministic for a seed (every choice comes from one random.Random); only the anchor, "now", moves.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from otvet.accounts.models import Agent
from otvet.automation.presets import presets_load
from otvet.canned.demo import canned_demo_load
from otvet.connectors.telegram.setup import telegram_demo_bot
from otvet.connectors.webchat.visitors import webchat_demo_widget
from otvet.core import clock
from otvet.demo import texts, texts_en, texts_ru
from otvet.demo.habits import SUPPORT_TZ
from otvet.demo.org import Cast, Person, build_org
from otvet.demo.story import Plot, Story
from otvet.search.services import search_reindex
from otvet.sla.calendars import default_calendar
from otvet.sla.models import Calendar
from otvet.tickets.choices import Channel
from otvet.tickets.models import Ticket, TicketEvent

DAY = dt.timedelta(days=1)
ORG_AGE = 400 * DAY  # the companies and people existed well before the first demo ticket

# How a help desk's tickets are spread a couple of months after launch (most finished, a working queue).
STATUS_WEIGHTS = {
    "open": 8,
    "in_progress": 10,
    "waiting_reply": 9,
    "waiting_rollout": 4,
    "waiting_development": 6,
    "testing": 3,
    "frozen": 2,
    "done": 14,
    "closed": 44,
}
# How long ago a ticket that ends in each status was opened, in days.
AGE_DAYS = {
    "open": (0.01, 2),
    "in_progress": (0.1, 8),
    "waiting_reply": (0.3, 12),
    "waiting_rollout": (2, 25),
    "waiting_development": (3, 50),
    "testing": (10, 55),
    "frozen": (20, 60),
    "done": (0.3, 3),
    "closed": (5, 60),
}
CHANNEL_WEIGHTS = {
    Channel.PORTAL: 26,
    Channel.EMAIL: 30,
    Channel.TELEGRAM: 12,
    Channel.WEBCHAT: 8,
    Channel.PHONE: 7,
    Channel.VK: 5,
    Channel.VIBER: 5,
    Channel.API: 7,
}
ALERT_SHARE = 0.03
# Statuses an internal wait fits: a setup task waits for rollout, a platform bug for development.
INTERNAL = {"waiting_rollout": "rollout", "waiting_development": "development", "testing": "development"}
INTERNAL["frozen"] = "development"


@dataclass
class DemoResult:
    tickets: int
    seconds: float
    by_status: Counter[str] = field(default_factory=Counter)
    logins: list[tuple[str, str]] = field(default_factory=list)


def build_demo(*, tickets: int, seed: int) -> DemoResult:
    """Create the demo organisation and `tickets` tickets, all through the services, in one transaction."""
    started = time.monotonic()
    rng = random.Random(seed)
    now = clock.now()
    result = DemoResult(tickets=0, seconds=0)
    with transaction.atomic():
        cast = build_org(since=now - ORG_AGE)
        for index in range(tickets):
            plot, created = cast_plot(rng, cast, index, now)
            story = Story(rng=rng, cast=cast, plot=plot)
            story.plan()
            ticket = story.play(created, now)
            result.by_status[ticket.status.code] += 1
            result.tickets += 1
        # Each event also indexes itself once processed after commit; this makes the index whole right away.
        search_reindex(Ticket.objects.filter(created_at__gte=now - ORG_AGE))
        # The demo's history happened in the past: its side effects (mail to the demo customers, ...) are not due.
        TicketEvent.objects.filter(processed_at__isnull=True).update(processed_at=now)
        # The shipped automation, switched on, for what happens from now on; a duty agent works around the clock
        # so that a request out of hours gets a responsible agent (seed 001).
        presets_load(activate=True, arm=False)
        duty_roster(cast)
        canned_demo_load()  # shared typical answers in categories, Russian and English (docs/canned.md)
        telegram_demo_bot()  # token demo-token, webhook secret demo-secret (docs/channels.md)
        webchat_demo_widget()  # try it at /chat/<key>/preview/ (the admin shows the link and the snippet)
    result.logins = cast.logins
    result.seconds = time.monotonic() - started
    return result


def duty_roster(cast: Cast) -> None:
    """The demo agent works around the clock; everyone else works the support's hours."""
    always = Calendar.objects.filter(name="Круглосуточно").first()
    Agent.objects.filter(pk__in=[agent.pk for agent in cast.agents.values()]).update(schedule=default_calendar())
    if always is not None and "agent@example.com" in cast.agents:
        Agent.objects.filter(pk=cast.agents["agent@example.com"].pk).update(schedule=always)


def cast_plot(rng: random.Random, cast: Cast, index: int, now: dt.datetime) -> tuple[Plot, dt.datetime]:
    """Who writes, through which channel, about what, how it ends and when it started.

    The first tickets are dealt so that even a small demo has every status and channel, tickets that stay in
    the partner's own line, and a system alert.
    """
    statuses = list(STATUS_WEIGHTS)
    final = statuses[index] if index < len(statuses) else rng.choices(statuses, list(STATUS_WEIGHTS.values()))[0]
    channels = list(CHANNEL_WEIGHTS)
    channel = channels[index] if index < len(channels) else rng.choices(channels, list(CHANNEL_WEIGHTS.values()))[0]
    alert = index == 11 or (index > 11 and rng.random() < ALERT_SHARE)
    partner_only = index in (9, 10)
    if index == 9:
        final = "open"
    if alert:
        final, channel = rng.choice(("waiting_reply", "done", "closed")), rng.choice((Channel.PORTAL, Channel.EMAIL))
    person = _pick_person(rng, cast, channel, partner_only=partner_only, with_company=alert)
    created = _created(rng, final, now)
    values = _values(rng, person, created)
    if alert:
        scenario = rng.choice(texts_ru.SCENARIOS)  # unused by an alert, required by the plot
        return Plot(
            person, channel, final, scenario, alert=rng.choice(texts.ALERTS[person.language]), values=values
        ), created
    pool = texts_ru.SCENARIOS if person.language == "ru" else texts_en.SCENARIOS
    fitting = [s for s in pool if s.internal == INTERNAL[final]] if final in INTERNAL else list(pool)
    return Plot(person, channel, final, rng.choice(fitting), values=values), created


def _pick_person(rng: random.Random, cast: Cast, channel: str, *, partner_only: bool, with_company: bool) -> Person:
    pool = [p for p in cast.people if p.reachable_by(channel)]
    if partner_only:
        pool = [p for p in pool if p.company is not None and p.company.partner] or [
            p for p in cast.people if p.company is not None and p.company.partner
        ]
    if with_company:
        pool = [p for p in pool if p.company is not None]
    return rng.choices(pool, [p.weight for p in pool])[0]


def _created(rng: random.Random, final: str, now: dt.datetime) -> dt.datetime:
    """When the ticket was opened: mostly in the daytime, older for statuses that take longer to reach."""
    low, high = AGE_DAYS[final]
    moment = now - rng.uniform(low, high) * DAY
    local = moment.astimezone(SUPPORT_TZ)
    if local.hour < 8 and rng.random() < 0.85:  # few people write at night
        daytime = local.replace(hour=rng.randint(8, 19), minute=rng.randint(0, 59))
        if daytime < now:
            moment = daytime.astimezone(dt.UTC)
    return moment


def _values(rng: random.Random, person: Person, created: dt.datetime) -> dict[str, Any]:
    """The numbers and names that make each copy of a request its own."""
    site = person.company.site if person.company else person.spec.email.split("@")[0] + ".example"
    later = created + rng.randint(3, 10) * DAY
    return {
        "order": rng.randint(10_000, 99_999),
        "invoice": f"{rng.randint(100, 999)}-{created:%m}",
        "amount": f"{rng.randrange(1_500, 120_000, 100):,}".replace(",", " "),
        "site": site,
        "date": f"{later:%d.%m.%Y}" if person.language == "ru" else f"{later:%d %B %Y}",
        "code": rng.randint(1000, 9999),
        "task": rng.randint(1000, 9999),
        "release": f"2.{rng.randint(10, 30)}.{rng.randint(0, 9)}",
    }

"""One demo ticket's life: planned as timed steps, then played through the ticket services under clock.travel.

Nothing here writes a ticket row itself: every step is a service call (STYLE.md rule 1) made at a moment in the
past, so timestamps, events, first-response times and rating attribution come out exactly as in real use.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from otvet.accounts.models import Agent
from otvet.core import clock
from otvet.demo import texts
from otvet.demo.habits import in_working_hours, polite_name
from otvet.demo.org import Cast, Person
from otvet.demo.people import PARTNER_LINE
from otvet.demo.texts import Scenario
from otvet.tickets import services
from otvet.tickets.access import Actor
from otvet.tickets.choices import AlertType, Channel, Priority, ResponsePreference, TicketKind
from otvet.tickets.models import Ticket

MINUTE = dt.timedelta(minutes=1)
RATING_MARKS = (("satisfied", 0.7), ("incomplete", 0.2), ("unsatisfied", 0.1))
CUSTOMER_CHANNELS_WITH_LOGIN = (Channel.PORTAL, Channel.API)
# Questions that hurt nobody while they wait: they enter at low priority, one step up on a bigger plan.
LOW_PRIORITY_CATEGORIES = frozenset({"feature", "plan", "invoice", "users", "marketing"})


@dataclass
class Plot:
    """What a story is about, chosen by the builder."""

    person: Person
    channel: Channel
    final: str  # the status code the ticket ends in
    scenario: Scenario
    alert: tuple[str, ...] | None = None  # an outbound system alert instead of a request
    values: dict[str, Any] = field(default_factory=dict)  # placeholders of the texts


@dataclass
class Step:
    gap: tuple[float, float]  # minutes after the previous step
    who: str  # "customer", "agent" or "system": agents act in working hours
    action: Callable[[], object]


class Story:
    """Plans the steps of one ticket and plays them."""

    def __init__(self, *, rng: random.Random, cast: Cast, plot: Plot) -> None:
        self.rng, self.cast, self.plot = rng, cast, plot
        self.person, self.scenario, self.lang = plot.person, plot.scenario, plot.person.language
        self.partner = plot.person.company is not None and plot.person.company.partner
        self.line = cast.lines[PARTNER_LINE[0] if self.partner else "first"]
        self.steps: list[Step] = []
        self.ticket: Ticket | None = None
        self.agent: Agent | None = None  # who holds the ticket in the plan
        self.subject = self._subject()
        self.base_priority, self.priority, self.priority_rule = self._priority()

    # -- planning -----------------------------------------------------------------------------------------------
    def plan(self) -> None:
        """Lay out every step from opening to the planned final status."""
        rng, final, scenario = self.rng, self.plot.final, self.scenario
        if self.plot.alert is not None:
            self._plan_alert()
            return
        self.add((0, 0), "customer", self._open)
        if self.priority != self.base_priority:
            self.add((0.02, 0.2), "system", self._raise_priority)
        if final == "open":
            if rng.random() < 0.4:
                self.add((20, 600), "customer", self._customer_says(rng.choice(texts.FOLLOW_UPS[self.lang])))
            return
        self._take()
        if self.ticket_category_missing:
            self.add((1, 10), "agent", self._classify)
        if scenario.note and rng.random() < 0.6:
            self.add((2, 60), "agent", self._note(scenario.note))
        elif rng.random() < 0.25:
            self.add((2, 60), "agent", self._note(rng.choice(texts.NOTES[self.lang])))
        asked = final == "waiting_reply" or rng.random() < 0.65
        escalate = self._escalation()
        if asked:
            self.add((3, 120), "agent", self._agent_says(scenario.ask, status="waiting_reply"))
            if final == "waiting_reply" and escalate is None:
                return
            self.add((30, 1440), "customer", self._customer_says(scenario.answer))
            self.add((0.05, 0.3), "system", self._status("in_progress", texts.REASON_CUSTOMER_REPLIED))
        if escalate is not None:
            self._transfer(escalate)
        self._plan_ending(asked)

    def _plan_ending(self, asked: bool) -> None:
        final, lang, rng = self.plot.final, self.lang, self.rng
        if final == "in_progress":
            return
        if final == "waiting_reply":
            self.add((10, 240), "agent", self._agent_says(texts.SECOND_ASK[lang], status="waiting_reply"))
            return
        if final in ("waiting_rollout", "waiting_development", "testing", "frozen"):
            wait = "waiting_development" if final == "testing" else final
            self.add((30, 1440), "agent", self._agent_says(texts.WAIT_REPLIES[wait][lang], status=wait))
            self.add((1, 20), "agent", self._note(texts.WAIT_NOTES[wait][lang]))
            if final == "testing":
                self.add((1440 * 2, 1440 * 12), "system", self._status("testing", texts.REASON_RELEASE))
            return
        self.add((20, 900 if asked else 300), "agent", self._resolve(self.scenario.solution))
        if rng.random() < 0.12:
            self.add((60, 1800), "customer", self._customer_says(rng.choice(texts.REOPEN[lang])))
            self.add((30, 600), "agent", self._resolve(texts.RESOLVE_AGAIN[lang]))
        if rng.random() < 0.6:
            self.add((10, 1440), "customer", self._rate)
        if final == "closed":
            self.add((1440 * 2, 1440 * 3), "system", self._status("closed", texts.REASON_AUTOCLOSE))

    def _plan_alert(self) -> None:
        kind, subject, body, reply, closing = self.plot.alert or ()
        author = self._pick_agent(self.line.code)
        self.agent = author
        self.add((0, 0), "agent", lambda: self._open_alert(author, kind, subject, body))
        self.add((0.1, 1), "agent", self._claim(author))
        if self.plot.final in ("done", "closed"):
            self.add((30, 1440), "customer", self._customer_says(reply))
            self.add((20, 600), "agent", self._resolve(closing))
        if self.plot.final == "closed":
            self.add((1440 * 2, 1440 * 3), "system", self._status("closed", texts.REASON_AUTOCLOSE))

    def _take(self) -> None:
        """Someone takes the ticket: a claim («Я отвечу»), a supervisor's assignment, a takeover or a hand-back."""
        rng, line = self.rng, self.line.code
        agent = self._pick_agent(line)
        chance = rng.random()
        if not self.partner and chance < 0.1:
            supervisor = self.cast.agents["supervisor@example.com"]
            self.add((5, 120), "agent", self._assign(supervisor, agent))
            self.add((1, 30), "agent", self._status("in_progress", actor=agent))
            self.agent = agent
            return
        self.add((5, 240), "agent", self._claim(agent))
        self.agent = agent
        if not self.partner and chance > 0.95 and self.priority >= Priority.HIGH:
            supervisor = self.cast.agents["supervisor@example.com"]
            if supervisor.pk != agent.pk:
                self.add((60, 180), "agent", self._claim(supervisor, force=True))
                self.agent = supervisor
                self.add((0.2, 2), "agent", self._note(texts.TAKEOVER[self.lang]))
        elif 0.9 < chance <= 0.95:
            self.add((10, 120), "agent", self._note(texts.RELEASE_NOTE[self.lang]))
            self.add((0.1, 1), "agent", self._release(agent))
            other = self._pick_agent(line, besides=agent)
            self.add((30, 600), "agent", self._claim(other))
            self.agent = other

    def _escalation(self) -> str | None:
        """The line the ticket is transferred to, if any."""
        chance = self.rng.random()
        if self.partner:
            return "second" if chance < 0.4 else None
        if self.scenario.line:
            return self.scenario.line if chance < 0.5 else None
        return "second" if chance < 0.08 else None

    def _transfer(self, code: str) -> None:
        note = texts.PARTNER_TRANSFER[self.lang] if self.partner else texts.TRANSFER_NOTES[code][self.lang]
        self.add((10, 240), "agent", self._transfer_to(code, note))
        newcomer = self._pick_agent(code)
        self.add((10, 300), "agent", self._claim(newcomer))
        self.agent = newcomer
        self.partner = False  # from here on the platform works it

    def add(self, gap: tuple[float, float], who: str, action: Callable[[], object]) -> None:
        """Plan `action` `gap` minutes (drawn between the bounds) after the previous step."""
        self.steps.append(Step(gap, who, action))

    # -- timing and playing -------------------------------------------------------------------------------------
    def schedule(self, created: dt.datetime, now: dt.datetime) -> list[dt.datetime]:
        """The moment of each step: gaps drawn at random, agents in working hours, all of it before `now`."""
        moments, moment = [], created
        for step in self.steps:
            moment = moment + self.rng.uniform(*step.gap) * MINUTE
            if step.who == "agent" and step.gap != (0, 0):
                moment = in_working_hours(moment, self.rng)
            moments.append(moment)
        limit = max(now - 2 * MINUTE, created)
        if moments[-1] > limit:  # squeeze the story into the time left, keeping its order
            ratio = (limit - created) / (moments[-1] - created)
            moments = [created + (m - created) * ratio for m in moments]
        return moments

    def play(self, created: dt.datetime, now: dt.datetime) -> Ticket:
        """Make every planned service call at its moment; returns the ticket as the last step left it."""
        for step, moment in zip(self.steps, self.schedule(created, now), strict=True):
            with clock.travel(moment):
                step.action()
        ticket = self._t()
        ticket.refresh_from_db()
        return ticket

    # -- the steps: each returns a callable that makes one service call -----------------------------------------
    @property
    def ticket_category_missing(self) -> bool:
        return self.plot.channel not in CUSTOMER_CHANNELS_WITH_LOGIN

    def _customer(self) -> Actor:
        contact = self.person.contact
        with_login = self.plot.channel in CUSTOMER_CHANNELS_WITH_LOGIN
        return Actor(user=contact.user if with_login else None, contact=contact)

    @staticmethod
    def _actor(agent: Agent) -> Actor:
        return Actor(user=agent.user, agent=agent)

    def _open(self) -> None:
        channel, body = self.plot.channel, self.fill(self.scenario.body)
        if channel == Channel.PHONE:  # an agent takes the call down; the message still speaks for the requester
            actor, body = self._actor(self._pick_agent(self.line.code)), texts.PHONE_INTRO[self.lang] + body
        else:
            actor = self._customer()
        preset = not self.ticket_category_missing
        self.ticket = services.ticket_open(
            actor=actor,
            requester=self.person.contact,
            subject=self.subject,
            body=self._signed(body),
            channel=channel,
            priority=self.base_priority,
            category=self.cast.categories[self.scenario.category] if preset else None,
            criticality=self._criticality() if preset and self.rng.random() < 0.5 else None,
            response_preference=ResponsePreference.EMAIL
            if channel == Channel.PORTAL and self.rng.random() < 0.3
            else ResponsePreference.PORTAL,
        )

    def _open_alert(self, author: Agent, kind: str, subject: str, body: str) -> None:
        self.ticket = services.ticket_open(
            actor=self._actor(author),
            requester=self.person.contact,
            subject=self.fill(subject),
            body=self._agent_text(self.fill(body), author),
            channel=self.plot.channel,
            kind=TicketKind.ALERT,
            alert_type=AlertType(kind),
            priority=Priority.HIGH if kind == AlertType.SUSPICIOUS else Priority.NORMAL,
        )

    def _raise_priority(self) -> None:
        reason = texts.REASON_PRIORITY[self.priority_rule]
        services.ticket_update_fields(ticket=self._t(), actor=Actor.system(reason), priority=self.priority)

    def _classify(self) -> None:
        assert self.agent is not None
        services.ticket_update_fields(
            ticket=self._t(),
            actor=self._actor(self.agent),
            category=self.cast.categories[self.scenario.category],
            criticality=self._criticality(),
        )

    def _claim(self, agent: Agent, force: bool = False) -> Callable[[], object]:
        return lambda: services.ticket_claim(ticket=self._t(), actor=self._actor(agent), force=force)

    def _assign(self, supervisor: Agent, agent: Agent) -> Callable[[], object]:
        return lambda: services.ticket_assign(ticket=self._t(), actor=self._actor(supervisor), assignee=agent)

    def _release(self, agent: Agent) -> Callable[[], object]:
        return lambda: services.ticket_release(ticket=self._t(), actor=self._actor(agent))

    def _transfer_to(self, code: str, note: str) -> Callable[[], object]:
        holder = self.agent
        assert holder is not None
        line = self.cast.lines[code]
        return lambda: services.ticket_transfer(ticket=self._t(), actor=self._actor(holder), line=line, note=note)

    def _note(self, body: str) -> Callable[[], object]:
        holder = self.agent
        assert holder is not None
        return lambda: services.ticket_add_note(ticket=self._t(), actor=self._actor(holder), body=self.fill(body))

    def _agent_says(self, body: str, *, status: str) -> Callable[[], object]:
        holder = self.agent
        assert holder is not None
        return lambda: services.ticket_reply(
            ticket=self._t(),
            actor=self._actor(holder),
            body=self._agent_text(self.fill(body), holder),
            status=self.cast.statuses[status],
        )

    def _resolve(self, body: str) -> Callable[[], object]:
        holder = self.agent
        assert holder is not None
        return lambda: services.ticket_resolve(
            ticket=self._t(), actor=self._actor(holder), body=self._agent_text(self.fill(body), holder)
        )

    def _customer_says(self, body: str) -> Callable[[], object]:
        return lambda: services.ticket_reply(
            ticket=self._t(), actor=self._customer(), body=self._signed(self.fill(body))
        )

    def _status(self, code: str, reason: str = "", actor: Agent | None = None) -> Callable[[], object]:
        def change() -> None:
            who = self._actor(actor) if actor is not None else Actor.system(self.fill(reason))
            services.ticket_change_status(ticket=self._t(), actor=who, status=self.cast.statuses[code])

        return change

    def _rate(self) -> None:
        mark = self.rng.choices([m for m, _ in RATING_MARKS], [w for _, w in RATING_MARKS])[0]
        comment = self.rng.choice(texts.RATING_COMMENTS[mark][self.lang])  # type: ignore[index]
        services.ticket_rate(
            ticket=self._t(), actor=Actor(contact=self.person.contact), mark=self.cast.marks[mark], comment=comment
        )

    # -- helpers ------------------------------------------------------------------------------------------------
    def _t(self) -> Ticket:
        assert self.ticket is not None, "the ticket is opened by the first step"
        return self.ticket

    def _pick_agent(self, line: str, besides: Agent | None = None) -> Agent:
        pool = [(agent, weight) for agent, weight in self.cast.line_agents[line] if agent != besides]
        return self.rng.choices([a for a, _ in pool], [w for _, w in pool])[0]

    def fill(self, text: str) -> str:
        return text.format_map(self.plot.values)

    def _agent_text(self, body: str, agent: Agent) -> str:
        greeting = texts.GREETING[self.lang].format(first=polite_name(self.person.spec.name, self.lang))
        return f"{greeting}\n\n{body}\n\n{texts.SIGNATURE[self.lang].format(agent=agent.user.name)}"

    def _signed(self, body: str) -> str:
        """Emails and portal messages end with a name; messengers do not."""
        if self.plot.channel in (Channel.EMAIL, Channel.PORTAL):
            company = self.person.company.name if self.person.company else ""
            return f"{body}\n\n{self.person.spec.name}\n{company}".rstrip()
        return body

    def _subject(self) -> str:
        subject = self.fill(self.rng.choice(self.scenario.subjects))
        if self.scenario.urgent and self.rng.random() < 0.4:
            return self.rng.choice(texts.URGENT_SUBJECT[self.lang]).format(subject=subject)
        if self.scenario.paid and self.rng.random() < 0.6:
            return self.rng.choice(texts.PAID_SUBJECT[self.lang]).format(subject=subject)
        return subject

    def _priority(self) -> tuple[Priority, Priority, str]:
        """The priority at intake and after the rules of seed 000 (plan, «срочно», «платно»), with the rule."""
        base = Priority.LOW if self.scenario.category in LOW_PRIORITY_CATEGORIES else Priority.NORMAL
        lowered = self.subject.lower()
        plan = self.person.company.plan if self.person.company else "basic"
        if "срочно" in lowered or "urgent" in lowered:
            return base, Priority.URGENT, "urgent"
        if self.scenario.category == "outage":
            return base, Priority.URGENT, "incident"
        if plan in ("premium", "comfort"):
            return base, Priority(base + 10), plan
        if "платно" in lowered or "paid" in lowered:
            return base, Priority(base + 10), "paid"
        return base, base, ""

    def _criticality(self) -> Any:
        if self.priority == Priority.URGENT:
            return self.cast.criticality["high"]
        if self.scenario.category in ("payment", "order", "gateway", "delivery"):
            return self.cast.criticality["medium"]
        return self.cast.criticality["low"]

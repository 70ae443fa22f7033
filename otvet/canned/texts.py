"""A canned response's text for a ticket: the automation placeholders plus {agent} and {company}.

{number}, {subject}, {name}, {status}, {line}, {working_hours} come from `otvet.automation.texts.text_fill`;
{agent} is the replying agent's name (for a rule: the assignee, else «Поддержка»), {company} the requester's
company. The text is the English one for an English-speaking customer when the response has it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from otvet.accounts.models import Agent
from otvet.automation.texts import PLACEHOLDER, customer_language, text_fill
from otvet.automation.texts import PLACEHOLDERS as RULE_PLACEHOLDERS
from otvet.canned.models import CannedResponse
from otvet.tickets.models import Ticket

PLACEHOLDERS = (*RULE_PLACEHOLDERS, "agent", "company")


def canned_text(canned: CannedResponse, ticket: Ticket, at: dt.datetime, *, agent: Agent | None = None) -> str:
    """The response's text for `ticket`, in the customer's language, with every placeholder filled."""
    language = customer_language(ticket)
    with translation.override(language):
        own = {"agent": agent_name(agent or ticket.assignee), "company": ticket.company.name if ticket.company else ""}
    # Ours first, on the template only: a name that happens to contain "{...}" is never filled again.
    template = PLACEHOLDER.sub(lambda match: own.get(match.group(1), match.group(0)), canned.text_for(language))
    return text_fill(template, ticket, at, language)


def agent_name(agent: Agent | None) -> str:
    """How a reply is signed: the agent's name, else their address, else the support as a whole."""
    if agent is None:
        return _("Support")
    return agent.user.name or agent.user.email

"""Spam: scoring new mail, the agents' «Спам» / «Не спам» (which train the shared model), purging, figures.

The model lives in one `SpamModel` row; training locks it, learns one mail and writes it back with a new version,
so every web and worker process sees the same model and reloads it only when the version changed.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min
from django.utils.translation import gettext as _

from otvet.connectors.choices import InboundState
from otvet.connectors.email import spamd
from otvet.connectors.email.parse import ParsedEmail, parse_email
from otvet.connectors.email.spam import (
    MIN_EXAMPLES_PER_CLASS,
    SCHEME,
    Features,
    SenderContext,
    SpamClassifier,
    Verdict,
    mail_features,
)
from otvet.connectors.models import InboundEmail, SpamModel
from otvet.connectors.services import inbound_email_release
from otvet.core import clock
from otvet.core.errors import Conflict
from otvet.customers.choices import IdentityKind
from otvet.customers.models import Contact, ContactIdentity
from otvet.tickets.access import Actor
from otvet.tickets.choices import AuthorKind, Channel, EventKind, StatusCategory
from otvet.tickets.models import Ticket, TicketEvent
from otvet.tickets.services.common import apply_status, default_status, lock, record_event, require_agent

logger = logging.getLogger(__name__)

HAM_FROM_ANSWERS = 500  # real requests learned from agents' answers; enough for a good model, bounded lock use

_loaded: dict[str, tuple[tuple[int, str], SpamClassifier]] = {}  # this process's copy, keyed by (version, revision)


# --- scoring (called by email/process.py for a mail that would open a new ticket) ---------------------------------


@dataclass
class SpamTally:
    """Scores to add to the model's figures once, after the commit: intake never waits for the shared row's lock,
    and a batch of mails costs one UPDATE."""

    scored: int = 0
    held: int = 0

    def add(self, other: SpamTally) -> None:
        self.scored += other.scored
        self.held += other.held

    def count_after_commit(self) -> None:
        if self.scored:
            scored, held = self.scored, self.held
            transaction.on_commit(lambda: _count(scored=scored, held=held))


class SenderHistory:
    """What sender_context asks about a sender's past, asked of the database question by question."""

    def mail_before(self, sender: str, before: dt.datetime) -> bool:
        """Mail of theirs was processed (became a ticket or a reply) before `before`."""
        earlier = InboundEmail.objects.filter(sender=sender, state=InboundState.PROCESSED, received_at__lt=before)
        return earlier.exists()

    def other_ticket_before(self, contact: Contact, before: dt.datetime) -> bool:
        """The contact opened a ticket through another channel than email before `before`."""
        tickets = Ticket.objects.filter(requester=contact, created_at__lt=before).exclude(channel=Channel.EMAIL)
        return tickets.exists()


class SendersHistory(SenderHistory):
    """The same answers for the senders of a batch of mail, read in two queries; `processed` adds the mail the
    batch itself processed since."""

    def __init__(self, senders: Iterable[str], contacts: Iterable[Contact]) -> None:
        mails = InboundEmail.objects.filter(sender__in=set(senders), state=InboundState.PROCESSED)
        self.first_mail: dict[str, dt.datetime] = dict(
            mails.values("sender").annotate(first=Min("received_at")).values_list("sender", "first")
        )
        others = Ticket.objects.filter(requester__in={c.pk for c in contacts if c.pk is not None})
        self.first_ticket: dict[int, dt.datetime] = dict(
            others.exclude(channel=Channel.EMAIL)
            .values("requester")
            .annotate(first=Min("created_at"))
            .values_list("requester", "first")
        )

    def copy(self) -> SendersHistory:
        """A copy to look ahead with (what the batch expects), leaving this one as it is."""
        twin = copy.copy(self)
        twin.first_mail = dict(self.first_mail)
        return twin

    def processed(self, sender: str, received_at: dt.datetime) -> None:
        first = self.first_mail.get(sender)
        self.first_mail[sender] = received_at if first is None else min(first, received_at)

    def mail_before(self, sender: str, before: dt.datetime) -> bool:
        first = self.first_mail.get(sender)
        return first is not None and first < before

    def other_ticket_before(self, contact: Contact, before: dt.datetime) -> bool:
        first = self.first_ticket.get(contact.pk)
        return first is not None and first < before


class SpamScorer:
    """The classifier's verdict on one mail at a time."""

    def __init__(self, classifier: SpamClassifier | None = None) -> None:
        self.classifier = classifier or spam_classifier()

    def verdict(self, row: InboundEmail, parsed: ParsedEmail, context: SenderContext) -> Verdict:
        return self.classifier.predict(mail_features(parsed, context))


class BatchScorer(SpamScorer):
    """Verdicts on a batch's mails, predicted together (one vectorisation) the first time one is asked for, each
    for its sender's context as the batch expects it; a mail whose context turned out otherwise (its sender's
    earlier mail in the batch was held, say) is scored alone."""

    def __init__(self, classifier: SpamClassifier, expected: dict[int, tuple[ParsedEmail, SenderContext]]) -> None:
        super().__init__(classifier)
        self.expected = expected
        self.verdicts: dict[int, Verdict] | None = None

    def verdict(self, row: InboundEmail, parsed: ParsedEmail, context: SenderContext) -> Verdict:
        if not self.classifier.ready:  # cold start: no verdict, whatever the features
            return Verdict(probability=None, explanation=[])
        if self.verdicts is None:
            ids = list(self.expected)
            features = [mail_features(*self.expected[pk]) for pk in ids]
            self.verdicts = dict(zip(ids, self.classifier.predict_many(features), strict=True))
        expected = self.expected.get(row.pk)
        if expected is not None and expected[1] == context and row.pk in self.verdicts:
            return self.verdicts[row.pk]
        return super().verdict(row, parsed, context)


def spam_hold(
    row: InboundEmail,
    parsed: ParsedEmail,
    contact: Contact,
    *,
    history: SenderHistory | None = None,
    scorer: SpamScorer | None = None,
    tally: SpamTally | None = None,
) -> bool:
    """Score a mail that would open a new ticket; True (state and reason set on the row) when it is held as spam.

    The classifier decides once it has learned enough (see email/spam.py); an upstream X-Spam-Flag and SpamAssassin
    (when SPAMD_URL is set) can hold a mail on their own at any time. The caller saves the row. A batch of mail
    passes what serves all its mails: the senders' history read at once, a scorer that predicts them together,
    and a tally it counts once.
    """
    context = sender_context(sender=row.sender, contact=contact, before=row.received_at, history=history)
    verdict = (scorer or SpamScorer()).verdict(row, parsed, context)
    row.spam_score = verdict.probability
    row.spam_explanation = list(verdict.explanation)
    reasons: list[str] = []
    by_classifier = verdict.probability is not None and verdict.probability >= settings.OTVET_SPAM_THRESHOLD
    if by_classifier:
        reasons.append(_("the spam classifier (%(percent)s%%)") % {"percent": round(100 * (verdict.probability or 0))})
    if parsed.spam_flag:
        reasons.append(_("a filter on the way (X-Spam-Flag)"))
    if settings.OTVET_SPAMD_URL:
        result = spamd.check(bytes(row.raw), settings.OTVET_SPAMD_URL)
        if result is not None:
            row.spam_explanation.insert(0, {"feature": result.describe(), "weight": result.score})
            if result.is_spam:
                reasons.append(_("SpamAssassin (%(score)s of %(threshold)s)") % result.figures())
    if verdict.probability is not None:
        counted = SpamTally(scored=1, held=1 if by_classifier else 0)
        if tally is None:
            counted.count_after_commit()
        else:
            tally.add(counted)
    if not reasons:
        return False
    row.state = InboundState.SPAM
    row.reason = (_("Held as spam by %(who)s.") % {"who": "; ".join(reasons)})[:255]
    return True


def sender_context(
    *, sender: str, contact: Contact | None, before: dt.datetime, history: SenderHistory | None = None
) -> SenderContext:
    """What was known about the sender before `before`: earlier processed mail, other tickets, a login, a company."""
    history = history or SenderHistory()
    known = bool(sender) and history.mail_before(sender, before)
    if contact is not None and contact.pk is not None and not known:
        known = contact.user_id is not None or history.other_ticket_before(contact, before)
    return SenderContext(known=known, company=contact is not None and contact.company_id is not None)


# --- the shared model -------------------------------------------------------------------------------------------


def spam_classifier() -> SpamClassifier:
    """The current model, loaded from the database only when another process trained it since the last load."""
    key = SpamModel.objects.filter(pk=SpamModel.SINGLETON).values_list("version", "revision", "scheme").first()
    if key is None or key[2] != SCHEME:
        return SpamClassifier()
    cached = _loaded.get("model")
    if cached is not None and cached[0] == key[:2]:
        return cached[1]
    state = SpamModel.objects.get(pk=SpamModel.SINGLETON)
    try:
        classifier = SpamClassifier.loads(bytes(state.estimator), spam=state.spam_trained, ham=state.ham_trained)
    except Exception:  # e.g. pickled by another scikit-learn: intake goes on without the classifier, never fails
        logger.exception("spam model v%s cannot be loaded; scoring is off until it is trained again", state.version)
        classifier = SpamClassifier()
    _loaded["model"] = ((state.version, state.revision), classifier)
    return classifier


def _learn(row: InboundEmail, *, is_spam: bool) -> None:
    """Teach the shared model one judged mail; call inside the caller's transaction (the model row stays locked)."""
    state, _created = SpamModel.objects.select_for_update().get_or_create(pk=SpamModel.SINGLETON)
    if state.scheme != SCHEME:  # the features changed: the old weights mean nothing for the new ones
        if state.version:
            logger.warning("spam model of scheme %s set aside; training starts over", state.scheme)
        state.scheme, state.estimator, state.spam_trained, state.ham_trained = SCHEME, b"", 0, 0
    try:
        classifier = SpamClassifier.loads(bytes(state.estimator), spam=state.spam_trained, ham=state.ham_trained)
    except Exception:  # unreadable (another scikit-learn): start over rather than refuse the agent's judgement
        logger.exception("spam model v%s cannot be loaded; training starts over", state.version)
        classifier = SpamClassifier()
    classifier.learn(_features(row), is_spam=is_spam)
    row.spam_learned = "spam" if is_spam else "ham"
    InboundEmail.objects.filter(pk=row.pk).update(spam_learned=row.spam_learned)
    state.estimator = classifier.dumps()
    state.spam_trained, state.ham_trained = classifier.spam, classifier.ham
    state.version += 1
    state.revision = uuid.uuid4().hex
    state.trained_at = clock.now()
    state.save()


def _features(row: InboundEmail) -> Features:
    """The features of a stored mail as they were when it arrived."""
    identity = ContactIdentity.objects.select_related("contact").filter(kind=IdentityKind.EMAIL, value=row.sender)
    contact = next((i.contact for i in identity[:1]), None)
    context = sender_context(sender=row.sender, contact=contact, before=row.received_at)
    return mail_features(parse_email(bytes(row.raw)), context)


def _count(**fields: int) -> None:
    """Add to the model's figures (one UPDATE; the row is only locked until the surrounding commit)."""
    SpamModel.objects.filter(pk=SpamModel.SINGLETON).update(**{name: F(name) + n for name, n in fields.items()})


# --- what agents do ---------------------------------------------------------------------------------------------


def ticket_mark_spam(*, ticket: Ticket, actor: Actor) -> Ticket:
    """«Спам»: the ticket leaves the queues (closed), its original mail is kept as spam and teaches the model."""
    require_agent(actor)
    closed = default_status(StatusCategory.CLOSED)
    now = clock.now()
    with transaction.atomic():
        ticket = lock(ticket)
        mail = _original_mail(ticket)
        if mail is not None and mail.state == InboundState.SPAM:
            raise Conflict(_("This ticket is already marked as spam."), code="already_spam")
        changes: dict[str, list[Any]] = {}
        fields = apply_status(ticket, closed, now, changes)
        ticket.updated_at = now
        ticket.save(update_fields=[*fields, "updated_at"])
        if mail is not None:
            _learn(mail, is_spam=True)
            if mail.spam_score is not None and mail.spam_score < settings.OTVET_SPAM_THRESHOLD:
                _count(missed=1)
            mail.state = InboundState.SPAM
            mail.reason = (_("Marked as spam by %(name)s.") % {"name": _name(actor)})[:255]
            mail.save(update_fields=["state", "reason"])
        record_event(ticket, EventKind.SPAM_MARKED, actor, changes=changes)
    return ticket


def inbound_email_not_spam(*, actor: Actor, inbound: InboundEmail) -> InboundEmail:
    """«Не спам»: the mail teaches the model; its ticket is reopened, or (held mail) it is processed into one."""
    require_agent(actor)
    with transaction.atomic():
        # Locks in the order ticket_mark_spam takes them (ticket, mail, model), so the two never deadlock.
        ticket_id = InboundEmail.objects.filter(pk=inbound.pk).values_list("ticket_id", flat=True).first()
        ticket = lock(Ticket(pk=ticket_id)) if ticket_id is not None else None
        row = InboundEmail.objects.select_for_update(of=("self",)).get(pk=inbound.pk)
        if row.state != InboundState.SPAM or row.ticket_id != ticket_id:
            raise Conflict(_("This mail is not marked as spam."), code="not_spam")
        _learn(row, is_spam=False)
        if ticket is None:
            if row.spam_score is not None and row.spam_score >= settings.OTVET_SPAM_THRESHOLD:
                _count(false_positives=1)  # the classifier held it; an agent says it was wrong
            return inbound_email_release(actor=actor, inbound=row)
        changes: dict[str, list[Any]] = {}
        now = clock.now()
        fields: list[str] = []
        if ticket.status.category == StatusCategory.CLOSED:
            fields = apply_status(ticket, default_status(StatusCategory.OPEN), now, changes)
            ticket.waiting_since = now
            fields.append("waiting_since")
        ticket.updated_at = now
        ticket.save(update_fields=[*fields, "updated_at"])
        record_event(ticket, EventKind.SPAM_CLEARED, actor, changes=changes)
        row.state = InboundState.PROCESSED
        row.reason = (_("Not spam, said %(name)s.") % {"name": _name(actor)})[:255]
        row.save(update_fields=["state", "reason"])
    return row


def spam_learn_from_answers(events: Sequence[TicketEvent]) -> None:
    """Event handler: an agent answering a mail ticket says it was a real request; the model learns it as such.

    Agents seldom click «Не спам», so without this the model would hardly ever see real requests. Only a ticket's
    first mail teaches, once, and only until HAM_FROM_ANSWERS real requests were learned this way and by hand
    (training takes the shared model's lock: it must not become a cost of every reply).
    """
    for event in events:
        if event.kind not in (EventKind.REPLIED, EventKind.RESOLVED) or event.actor_kind != AuthorKind.AGENT:
            continue
        if event.ticket.channel != Channel.EMAIL:
            continue
        learned = SpamModel.objects.filter(pk=SpamModel.SINGLETON).values_list("ham_trained", flat=True).first() or 0
        if learned >= HAM_FROM_ANSWERS:
            return
        with transaction.atomic():
            mail = _original_mail(event.ticket)
            if mail is not None and mail.state == InboundState.PROCESSED and not mail.spam_learned:
                _learn(mail, is_spam=False)


def _original_mail(ticket: Ticket) -> InboundEmail | None:
    """The mail that opened the ticket, if it came by mail."""
    first = ticket.messages.order_by("id").values_list("pk", flat=True).first()
    if first is None:
        return None
    return InboundEmail.objects.select_for_update(of=("self",)).filter(ticket=ticket, message_id=first).first()


def _name(actor: Actor) -> str:
    return actor.user.email if actor.user is not None else actor.system_reason


# --- housekeeping and figures -----------------------------------------------------------------------------------


def spam_purge(*, now: dt.datetime) -> int:
    """Delete held spam (no ticket) older than OTVET_SPAM_PURGE_DAYS; until then it waits in the Spam view."""
    cutoff = now - dt.timedelta(days=settings.OTVET_SPAM_PURGE_DAYS)
    old = InboundEmail.objects.filter(state=InboundState.SPAM, ticket__isnull=True, received_at__lt=cutoff)
    deleted, _per_model = old.delete()
    if deleted:
        logger.info("purged %s spam mails received before %s", deleted, cutoff.isoformat())
    return deleted


def spam_stats() -> dict[str, Any]:
    """The classifier's figures for the admin: what it learned, decided, and got wrong."""
    state = SpamModel.objects.filter(pk=SpamModel.SINGLETON).first() or SpamModel()
    # Of the real requests the classifier judged (let through, or held and released), the share it held.
    legitimate = state.false_positives + max(0, state.scored - state.held - state.missed)
    rate = state.false_positives / legitimate if legitimate else None
    return {
        "spam_trained": state.spam_trained,
        "ham_trained": state.ham_trained,
        "ready": state.scheme == SCHEME and min(state.spam_trained, state.ham_trained) >= MIN_EXAMPLES_PER_CLASS,
        "min_examples": MIN_EXAMPLES_PER_CLASS,
        "scored": state.scored,
        "held": state.held,
        "false_positives": state.false_positives,
        "missed": state.missed,
        "false_positive_rate": rate,
        "false_positive_percent": round(100 * rate, 2) if rate is not None else None,
        "trained_at": state.trained_at,
        "version": state.version,
    }

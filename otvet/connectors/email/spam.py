"""The self-learning spam classifier: features of a mail, and a model that scores and explains them; no ORM.

Features are tokens in two blocks. Words (Snowball stems of the subject and the text, and the domains the mail
links to) and header facts (known sender, SPF/DKIM/DMARC results, an upstream filter's flag, the number of links,
HTML only, risky attachments, a subject in capitals, ...) are present-or-absent, and each block is scaled to unit
length: a long mail weighs as much as a short one, and the words as much as the headers. Both are hashed
(`HashingVectorizer`: no vocabulary to store or grow) and learned online by a logistic-loss `SGDClassifier` from
the agents' «Спам» / «Не спам» actions.

Cold start: until it has learned `MIN_EXAMPLES_PER_CLASS` mails of each kind the classifier gives no probability
and decides nothing; only an upstream filter's X-Spam-Flag and (when configured) SpamAssassin can hold a mail then.
A model trained on one kind only would call everything that kind.

An explanation lists the features that moved this mail's score most (coefficient x value), named for people;
a positive weight pushes towards spam, a negative one towards a real request.
"""

from __future__ import annotations

import pickle
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier

from otvet.connectors.email.html_text import html_to_text
from otvet.connectors.email.parse import Automatic, ParsedEmail
from otvet.lib.stemming import WORD, stem

# Bump when the features change: a model stored under another scheme no longer matches them (it is set aside).
SCHEME = 1
MIN_EXAMPLES_PER_CLASS = 5
# A constant step, so that a handful of judged mails already move the model. The rarer kind weighs more (agents
# click «Спам» far more often than «Не спам», which would tip the intercept), but at most twice as much: one
# «Не спам» after a long run of «Спам» must not swing the model from one extreme to the other.
LEARNING_RATE = 2.0
MAX_SAMPLE_WEIGHT = 2.0
WORD_BUCKETS = 2**18
HEADER_BUCKETS = 2**12
MAX_WORDS = 3000  # of one mail: enough to judge, bounded cost for a 50 MB mail
EXPLAIN_TOP = 6
CLASSES = np.array([0, 1])  # 0 = a real request (ham), 1 = spam

AUTH_CHECKS = ("spf", "dkim", "dmarc")
AUTH_RESULTS = ("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy")
RISKY_EXTENSIONS = frozenset(
    "exe scr com pif bat cmd js jse vbs vbe wsf wsh hta ps1 jar msi msp lnk iso img vhd cab docm xlsm pptm".split()
)
URL = re.compile(r"""\bhttps?://[^\s<>"'()\[\]]+""", re.IGNORECASE)
HREF = re.compile(r"""href\s*=\s*["']?(https?://[^\s"'<>]+)""", re.IGNORECASE)
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class SenderContext:
    """What the help desk knows about the sender before this mail (read from the database by the caller)."""

    known: bool  # earlier mail of theirs became tickets, or they have tickets from another channel or a login
    company: bool  # the contact belongs to a customer company


@dataclass(frozen=True)
class Features:
    """The tokens of one mail: header facts ("h:..."), word stems ("w:...") and linked domains ("d:...")."""

    header: tuple[str, ...]
    words: tuple[str, ...]
    surface: dict[str, str] = field(default_factory=dict)  # word token -> the word as the mail spelled it


@dataclass(frozen=True)
class Verdict:
    """The classifier's opinion: None before it has learned enough, and the features that weighed most."""

    probability: float | None
    explanation: list[dict[str, object]]  # [{"feature": readable name, "weight": float}], strongest first


def mail_features(parsed: ParsedEmail, context: SenderContext) -> Features:
    """The features of a parsed mail in the light of what is known about its sender."""
    urls = _urls(parsed)
    header = [
        "h:sender:known" if context.known else "h:sender:unknown",
        "h:company:yes" if context.company else "h:company:no",
    ]
    for check in AUTH_CHECKS:
        result = parsed.auth_results.get(check, "")
        header.append(f"h:{check}:{result if result in AUTH_RESULTS else ('other' if result else 'absent')}")
    header.append(f"h:links:{_links_bucket(len(urls))}")
    if parsed.spam_flag:
        header.append("h:upstream:spam")
    if _html_only(parsed):
        header.append("h:html_only")
    if any(_extension(a.filename) in RISKY_EXTENSIONS for a in parsed.attachments):
        header.append("h:attachment:risky")
    subject_letters = LETTER.findall(parsed.subject)
    if len(subject_letters) >= 5 and all(c.isupper() for c in subject_letters):
        header.append("h:subject:caps")
    if not parsed.subject.strip():
        header.append("h:subject:empty")
    if parsed.automatic == Automatic.BULK:
        header.append("h:bulk")
    if _reply_to_elsewhere(parsed):
        header.append("h:reply_to:elsewhere")
    words, surface = _words(f"{parsed.subject}\n{URL.sub(' ', parsed.text)}")
    domains = sorted({f"d:{domain}" for domain in (_domain(url) for url in urls) if domain})
    return Features(header=tuple(header), words=(*words, *domains), surface=surface)


def readable(token: str, surface: dict[str, str] | None = None) -> str:
    """A feature as agents read it: «unknown sender», «SPF: fail», «word: выигрыш»."""
    kind, _colon, rest = token.partition(":")
    if kind == "w":
        return _("word: %(word)s") % {"word": (surface or {}).get(token, rest)}
    if kind == "d":
        return _("link to %(domain)s") % {"domain": rest}
    name, _colon, value = rest.partition(":")
    if name in AUTH_CHECKS:
        return f"{name.upper()}: {value}" if value != "absent" else _("%(check)s: no result") % {"check": name.upper()}
    if name == "links":
        return _("links: %(count)s") % {"count": {"0": "0", "1": "1", "few": "2–4", "many": "5+"}.get(value, value)}
    named = HEADER_NAMES.get(rest)  # translated only when used: every scored mail names its strongest features
    return str(named) if named is not None else rest


HEADER_NAMES = {
    "sender:known": gettext_lazy("known sender"),
    "sender:unknown": gettext_lazy("unknown sender"),
    "company:yes": gettext_lazy("sender from a customer company"),
    "company:no": gettext_lazy("sender from no customer company"),
    "upstream:spam": gettext_lazy("a filter on the way flagged it (X-Spam-Flag)"),
    "html_only": gettext_lazy("HTML only, no text part"),
    "attachment:risky": gettext_lazy("attachment of a risky type (.exe, .js, .iso, ...)"),
    "subject:caps": gettext_lazy("subject in capital letters"),
    "subject:empty": gettext_lazy("no subject"),
    "bulk": gettext_lazy("bulk mail"),
    "reply_to:elsewhere": gettext_lazy("Reply-To in another domain"),
}


def _identity(document: list[str]) -> list[str]:
    """The analyzer of both vectorizers: the tokens are made by `mail_features`."""
    return document


WORD_VECTORIZER = HashingVectorizer(
    n_features=WORD_BUCKETS, analyzer=_identity, alternate_sign=False, binary=True, norm="l2"
)
HEADER_VECTORIZER = HashingVectorizer(
    n_features=HEADER_BUCKETS, analyzer=_identity, alternate_sign=False, binary=True, norm="l2"
)


def vectorize(features: Features) -> sp.csr_matrix:
    """One row: the word block, then the header block."""
    return vectorize_many([features])


def vectorize_many(many: Sequence[Features]) -> sp.csr_matrix:
    """One row per mail, each as `vectorize` makes it alone (the blocks are normalised row by row)."""
    words = WORD_VECTORIZER.transform([list(features.words) for features in many])
    header = HEADER_VECTORIZER.transform([list(features.header) for features in many])
    return sp.hstack([words, header], format="csr")


def _columns(many: Sequence[Features]) -> dict[str, int]:
    """The column of every token of the mails (words first, then header facts), hashed in one call per block."""
    columns: dict[str, int] = {}
    for tokens, offset, vectorizer in (
        (list(dict.fromkeys(token for features in many for token in features.words)), 0, WORD_VECTORIZER),
        (list(dict.fromkeys(token for features in many for token in features.header)), WORD_BUCKETS, HEADER_VECTORIZER),
    ):
        if tokens:  # one token per document: its column is that row's only index
            hashed = vectorizer.transform([[token] for token in tokens]).indices + offset
            columns.update(zip(tokens, hashed.tolist(), strict=True))
    return columns


class SpamClassifier:
    """A hashed-feature logistic model learned one mail at a time; `spam` and `ham` count the mails it learned."""

    def __init__(self, estimator: SGDClassifier | None = None, *, spam: int = 0, ham: int = 0) -> None:
        self.estimator = estimator
        self.spam, self.ham = spam, ham

    @property
    def ready(self) -> bool:
        """Whether it has learned enough of both kinds to decide on its own."""
        return self.estimator is not None and min(self.spam, self.ham) >= MIN_EXAMPLES_PER_CLASS

    def predict(self, features: Features) -> Verdict:
        """The probability that the mail is spam (None at cold start) and the features that weighed most."""
        return self.predict_many([features])[0]

    def predict_many(self, many: Sequence[Features]) -> list[Verdict]:
        """`predict` for many mails at once (a batch of intake): one vectorisation, one prediction, and the
        features' columns hashed once; each mail's verdict is the one `predict` gives it alone."""
        if not self.ready or self.estimator is None:
            return [Verdict(probability=None, explanation=[]) for _features in many]
        if not many:
            return []
        rows = vectorize_many(many)
        probabilities = self.estimator.predict_proba(rows)[:, 1].tolist()
        columns = _columns(many)
        indices, data, bounds = rows.indices.tolist(), rows.data.tolist(), rows.indptr.tolist()
        verdicts = []
        for i, (features, probability) in enumerate(zip(many, probabilities, strict=True)):
            values = dict(zip(indices[bounds[i] : bounds[i + 1]], data[bounds[i] : bounds[i + 1]], strict=True))
            verdicts.append(
                Verdict(probability=round(probability, 4), explanation=self._explain(features, values, columns))
            )
        return verdicts

    def learn(self, features: Features, *, is_spam: bool) -> None:
        """Learn one mail an agent judged; the rarer kind weighs more, so a lopsided history does not tip it."""
        if self.estimator is None:
            self.estimator = SGDClassifier(loss="log_loss", alpha=1e-4, learning_rate="constant", eta0=LEARNING_RATE)
        mine = self.spam if is_spam else self.ham
        weight = min(MAX_SAMPLE_WEIGHT, (self.spam + self.ham + 2) / (2 * (mine + 1)))
        self.estimator.partial_fit(
            vectorize(features), np.array([int(is_spam)]), classes=CLASSES, sample_weight=np.array([weight])
        )
        if is_spam:
            self.spam += 1
        else:
            self.ham += 1

    def _explain(
        self, features: Features, values: dict[int, float], columns: dict[str, int]
    ) -> list[dict[str, object]]:
        """The strongest contributions (coefficient x value) of this mail's features, readable; `values` are the
        mail's row (column -> value), `columns` the column of each token."""
        assert self.estimator is not None
        coef = self.estimator.coef_[0]
        contributions: dict[str, float] = {}
        for token in (*features.words, *features.header):
            column = columns[token]
            contribution = float(coef[column]) * values.get(column, 0.0)
            if contribution:
                contributions[token] = contribution
        strongest = sorted(contributions.items(), key=lambda item: abs(item[1]), reverse=True)[:EXPLAIN_TOP]
        return [{"feature": readable(token, features.surface), "weight": round(w, 3)} for token, w in strongest]

    def dumps(self) -> bytes:
        """The learned estimator as compressed bytes (mostly zeros: it compresses well)."""
        return zlib.compress(pickle.dumps(self.estimator, protocol=pickle.HIGHEST_PROTOCOL), 6)

    @classmethod
    def loads(cls, blob: bytes, *, spam: int, ham: int) -> SpamClassifier:
        """A classifier from `dumps` bytes; empty bytes are an untrained one.

        The bytes come only from our own database (written by `dumps`), never from users: unpickling them is safe.
        """
        estimator = pickle.loads(zlib.decompress(blob)) if blob else None
        return cls(estimator, spam=spam, ham=ham)


def _words(text: str) -> tuple[list[str], dict[str, str]]:
    """Distinct word stems in order of appearance, and the first spelling of each."""
    surface: dict[str, str] = {}
    for count, match in enumerate(WORD.finditer(text)):  # lazily: a huge mail is read only as far as needed
        if count >= MAX_WORDS:
            break
        word = match.group(0)
        if len(word) < 3 or len(word) > 30 or word.isdigit():  # short words are mostly particles
            continue
        surface.setdefault(f"w:{stem(word)}", word.lower())
    return list(surface), surface


def _urls(parsed: ParsedEmail) -> set[str]:
    """The distinct links of the text and the HTML."""
    found = {url.rstrip(".,;:!?") for url in URL.findall(parsed.text)}
    found.update(url.rstrip(".,;:!?") for url in HREF.findall(parsed.html))
    return found


def _domain(url: str) -> str:
    """The host of a link without www. and port, lower case."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    return host.lower().removeprefix("www.")[:100]


def _links_bucket(count: int) -> str:
    if count <= 1:
        return str(count)
    return "few" if count <= 4 else "many"


def _html_only(parsed: ParsedEmail) -> bool:
    """An HTML body without a text part: the parser then renders `text` from the HTML, so the two agree."""
    return bool(parsed.html.strip()) and parsed.text.strip() == html_to_text(parsed.html).strip()


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def _reply_to_elsewhere(parsed: ParsedEmail) -> bool:
    """Replies are asked to go to another domain than the sender's: a common trait of fraud."""
    sender_domain = parsed.sender.email.rpartition("@")[2]
    return any(a.email.rpartition("@")[2] != sender_domain for a in parsed.reply_to if a.email)

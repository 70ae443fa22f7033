"""Readable text from a mail's HTML (inscriptis), optionally without the quoted history mail programs mark up."""

from __future__ import annotations

import html as html_entities
import re
import textwrap

import lxml.html
from inscriptis.html_engine import Inscriptis
from lxml import etree

XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
TAG = re.compile(r"<[^>]*>")
BLANK_LINES = re.compile(r"\n{3,}")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Containers of quoted history: Gmail, Apple Mail, Thunderbird, Yandex and Mail.ru (blockquote), Outlook on the web.
QUOTE_XPATH = (
    "//blockquote | //div[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
    " | //div[@id='divRplyFwdMsg'] | //div[@id='appendonsend'] | //div[@id='mail-app-auto-quote']"
)


def html_charset(data: bytes) -> str:
    """The charset an HTML document declares in a <meta> tag, "" when it declares none."""
    found = META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii", "replace") if found else ""


def _fallback_text(html: str) -> str:
    """Text from HTML that lxml cannot read: tags dropped, entities decoded."""
    return html_entities.unescape(TAG.sub(" ", html))


def _drop_quotes(tree: lxml.html.HtmlElement) -> None:
    """Remove quoted-history containers, and for Outlook on the web everything after its reply header."""
    for element in tree.xpath(QUOTE_XPATH):
        parent = element.getparent()
        if parent is None:
            continue
        if element.get("id") in ("divRplyFwdMsg", "appendonsend"):
            for sibling in list(element.itersiblings()):
                parent.remove(sibling)
        if element.getparent() is parent:
            parent.remove(element)


def _tidy(text: str) -> str:
    """Lines without trailing spaces or the common indentation, at most one blank line in a row."""
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    return BLANK_LINES.sub("\n\n", textwrap.dedent(text)).strip()


def html_to_text(html: str, *, drop_quotes: bool = False) -> str:
    """The text a reader sees in `html`; with `drop_quotes`, without blockquotes and similar quote containers."""
    source = XML_DECLARATION.sub("", html.replace("\x00", "")).strip()
    if not source:
        return ""
    try:
        tree = lxml.html.document_fromstring(source)
        if drop_quotes:
            _drop_quotes(tree)
        text = Inscriptis(tree).get_text()
    except (etree.ParserError, ValueError, TypeError, AssertionError, RecursionError):
        text = _fallback_text(source)
    return _tidy(text)

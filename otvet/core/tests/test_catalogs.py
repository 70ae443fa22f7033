"""The Russian and English catalogs are complete, compiled, and cover every string the code marks."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "otvet" / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_string_is_translated_and_none_is_fuzzy(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalog) > 300
    assert [e.msgid for e in catalog.untranslated_entries()] == []
    assert [e.msgid for e in catalog.fuzzy_entries()] == []


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_compiled_catalog_matches_its_source(language):
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    compiled = gettext.GNUTranslations((LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb"))

    def compiled_text(entry: polib.POEntry) -> str:
        return compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)

    stale = [e.msgid for e in source if e.msgstr and compiled_text(e) != e.msgstr]
    assert stale == [], "run `make messages` to recompile"


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(LOCALE / "ru" / "LC_MESSAGES" / "django.po")):
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        for translation in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            assert expected == sorted(PLACEHOLDER.findall(translation)), entry.msgid


def test_no_marked_string_is_missing_from_the_catalog(tmp_path):
    """Extract the strings again into a scratch copy of the catalog and compare: a new string needs a translation."""
    if subprocess.run(["which", "xgettext"], capture_output=True, check=False).returncode != 0:
        pytest.fail("xgettext (Debian package gettext) is needed to check the catalogs")
    known = {e.msgid for e in polib.pofile(str(LOCALE / "ru" / "LC_MESSAGES" / "django.po"))}
    extracted = extract_msgids(tmp_path)
    assert sorted(extracted - known) == []


def extract_msgids(tmp_path: Path) -> set[str]:
    root = Path(settings.BASE_DIR) / "otvet"
    scratch = tmp_path / "otvet"
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.rmtree(scratch / "locale")
    (scratch / "locale").mkdir()
    previous = os.getcwd()
    os.chdir(scratch)
    try:
        call_command("makemessages", locale=["ru"], ignore_patterns=["*/tests/*", "demo/*", "testing/*"], verbosity=0)
    finally:
        os.chdir(previous)
    return {e.msgid for e in polib.pofile(str(scratch / "locale" / "ru" / "LC_MESSAGES" / "django.po"))}

"""The clock, HTML sanitizing, and settings that refuse to start unsafely."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from otvet.core import clock
from otvet.core.sanitize import clean_html, text_to_html


def test_the_clock_is_aware_utc_and_can_travel():
    assert clock.now().tzinfo is not None
    moment = dt.datetime(2024, 5, 23, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    with clock.travel(moment):
        assert clock.now() == moment and clock.now().utcoffset() == dt.timedelta(0)
    assert clock.now() != moment
    with pytest.raises(ValueError):
        with clock.travel(dt.datetime(2024, 1, 1)):
            pass


def test_sanitizing_removes_scripts_handlers_and_dangerous_links():
    dirty = '<p style="x" onclick="steal()">Hi <a href="javascript:alert(1)">x</a><script>bad()</script></p>'
    assert clean_html(dirty) == '<p>Hi <a rel="noopener noreferrer nofollow">x</a></p>'
    assert clean_html('<img src="cid:logo" onerror="x()">') == '<img src="cid:logo">'


def test_plain_text_becomes_escaped_paragraphs():
    assert text_to_html("a <b>\nline\n\nnext") == "<p>a &lt;b&gt;<br>line</p><p>next</p>"


def test_production_mode_without_a_secret_key_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update(DEBUG="false", OTVET_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="otvet.config.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_development_mode_generates_a_key_once_into_var(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY",)}
    env.update(DEBUG="true", OTVET_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="otvet.config.settings")
    script = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    keys = [
        subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    ]
    assert keys[0] == keys[1] and len(keys[0].strip()) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600

"""Tests of the email parser, without Django."""

"""Otvet: an open-source help desk / service desk."""

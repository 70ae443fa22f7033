"""Load and scale benchmarks that print their figures (`make bench`); see bench.py."""

from __future__ import annotations

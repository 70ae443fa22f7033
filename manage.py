#!/usr/bin/env python3
"""Django's command-line utility; `otvet` (otvet/cli.py) is the same with shorter names."""
from __future__ import annotations

import sys

from otvet.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""The `otvet` console script: Django's manage.py with Otvet's settings.

`otvet serve` (web + scheduler in one process), `otvet web`, `otvet worker [--periodic]`, `otvet demo`,
`otvet token create EMAIL`, and every Django management command (`otvet migrate`, `otvet createsuperuser`, ...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otvet.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(list(argv if argv is not None else sys.argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())

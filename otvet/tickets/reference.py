"""The vocabularies every installation starts with (loaded by a data migration, editable by admins later).

The nine statuses and five lines are those of DESIGN.md §4 and the seeds; labels come in Russian and English,
with the customer-facing wording of seed 000.
"""

from __future__ import annotations

STATUSES = [
    # code, category, agent ru, agent en, customer ru, customer en, colour, is_default
    ("open", "new", "Открыто", "Open", "Открыто", "Open", "primary", True),
    ("in_progress", "open", "В процессе", "In progress", "В процессе", "In progress", "info", True),
    ("waiting_reply", "waiting_customer", "Ожидает ответа", "Awaiting reply", "Ожидает вашего ответа",
     "Awaiting your reply", "warning", True),
    ("waiting_rollout", "waiting_internal", "Ожидает внедрения", "Awaiting rollout", "Ожидает внедрения",
     "Awaiting rollout", "secondary", True),
    ("waiting_development", "waiting_internal", "Ожидает разработки", "Awaiting development",
     "Ожидает разработки", "Awaiting development", "secondary", False),
    ("testing", "waiting_internal", "На тестировании", "In testing", "На тестировании", "In testing",
     "secondary", False),
    ("frozen", "waiting_internal", "Заморожена", "Frozen", "Заморожена", "Frozen", "dark", False),
    ("done", "solved", "Выполнена", "Solved", "Выполнена", "Solved", "success", True),
    ("closed", "closed", "Закрыта", "Closed", "Закрыта", "Closed", "light", True),
]  # fmt: skip

LINES = [
    ("first", "Первая линия", "First line", True),
    ("second", "Вторая линия", "Second line", False),
    ("marketing", "Маркетинг", "Marketing", False),
    ("vendor", "Вендор", "Vendor", False),
    ("incidents", "Инциденты", "Incidents", False),
]

PLANS = [
    ("basic", "Базовый", "Basic", 10),
    ("comfort", "Комфорт", "Comfort", 20),
    ("premium", "Премиум", "Premium", 30),
]

CRITICALITY = [("low", "Низкая", "Low"), ("medium", "Средняя", "Medium"), ("high", "Высокая", "High")]

RATING_MARKS = [
    ("satisfied", "Ответ устраивает", "The answer helps", 1),
    ("incomplete", "Недостаточно полно", "Not complete enough", 0),
    ("unsatisfied", "Ответ не устраивает", "The answer does not help", -1),
]

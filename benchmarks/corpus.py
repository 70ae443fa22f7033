"""What bench tickets say: the demo's hand-written requests with fresh numbers, so search sees a real vocabulary."""

from __future__ import annotations

import random
from dataclasses import dataclass

from otvet.demo import texts, texts_en, texts_ru
from otvet.demo.texts import Scenario

RUSSIAN_SHARE = 0.8
FIRST_NAMES = ("Мария", "Игорь", "Елена", "Артём", "Ирина", "Кирилл", "Ольга", "Дмитрий", "Анна", "Сергей")
LAST_NAMES = ("Иванова", "Петров", "Громова", "Ковалёв", "Лаптева", "Зайцев", "Смирнова", "Лебедев", "Белова")


@dataclass(frozen=True)
class Conversation:
    """The texts of one bench ticket."""

    language: str
    subject: str
    first: str  # the customer's first message
    asks: tuple[str, str]  # an agent's question and the customer's answer
    solution: str
    note: str


class Corpus:
    """Draws conversations from the demo scenarios with random order numbers, sites, codes and names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.scenarios = {"ru": texts_ru.SCENARIOS, "en": texts_en.SCENARIOS}

    def conversation(self, site: str) -> Conversation:
        rng = self.rng
        language = "ru" if rng.random() < RUSSIAN_SHARE else "en"
        scenario: Scenario = rng.choice(self.scenarios[language])
        values = {
            "order": rng.randint(10_000, 99_999),
            "invoice": f"{rng.randint(100, 999)}-{rng.randint(1, 12):02d}",
            "amount": rng.randrange(1_500, 120_000, 100),
            "site": site,
            "date": f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2026",
            "code": rng.randint(1000, 9999),
            "task": rng.randint(1000, 9999),
            "release": f"2.{rng.randint(10, 30)}.{rng.randint(0, 9)}",
        }
        subject = rng.choice(scenario.subjects).format_map(values)
        if scenario.urgent and rng.random() < 0.3:
            subject = rng.choice(texts.URGENT_SUBJECT[language]).format(subject=subject)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        note = scenario.note or rng.choice(texts.NOTES[language])
        return Conversation(
            language=language,
            subject=subject,
            first=f"{scenario.body}\n\n{name}".format_map(values),
            asks=(scenario.ask.format_map(values), scenario.answer.format_map(values)),
            solution=scenario.solution.format_map(values),
            note=note.format_map(values),
        )

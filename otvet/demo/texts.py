"""What people write in the demo, apart from the requests themselves (texts_ru.py, texts_en.py).

Each pool is keyed by language; placeholders are filled per ticket: {first} {agent} {task} {release} {date} ...
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """One kind of request and the conversation that solves it."""

    category: str  # a category key of people.CATEGORIES
    subjects: tuple[str, ...]
    body: str  # the customer's first message
    ask: str  # the agent's clarifying question
    answer: str  # the customer's answer to it
    solution: str  # the agent's resolving reply
    note: str = ""  # an internal note about this case
    line: str = ""  # the line that takes over when the first line cannot solve it
    internal: str = ""  # the internal wait that fits the case: "rollout" or "development"
    urgent: bool = False  # «срочно» fits the subject
    paid: bool = False  # «платно» fits the subject


GREETING = {"ru": "Здравствуйте, {first}!", "en": "Hello {first},"}
SIGNATURE = {"ru": "С уважением,\n{agent}\nСлужба поддержки", "en": "Best regards,\n{agent}\nSupport team"}
PHONE_INTRO = {
    "ru": "(Звонок на линию поддержки, записано сотрудником.) ",
    "en": "(Phone call, taken down by support.) ",
}

URGENT_SUBJECT = {"ru": ("СРОЧНО: {subject}", "{subject} — срочно!", "Срочно! {subject}"), "en": ("URGENT: {subject}",)}
PAID_SUBJECT = {"ru": ("Платно: {subject}", "{subject} (платно)"), "en": ("Paid work: {subject}",)}

FOLLOW_UPS = {
    "ru": (
        "Добавлю: проблема повторяется и в мобильной версии.",
        "Есть новости по заявке? Клиенты продолжают спрашивать.",
        "Подскажите, пожалуйста, хотя бы примерные сроки.",
        "Забыла уточнить: у нас тариф с приоритетной поддержкой.",
        "Скриншот ошибки отправил на почту поддержки, если нужно — пришлю ещё.",
    ),
    "en": (
        "Adding to this: it also happens on mobile.",
        "Any news? Our customers keep asking.",
        "Could you give us at least a rough estimate?",
        "I've emailed a screenshot of the error to support, just in case.",
    ),
}

# A question from the line that took the ticket over.
SECOND_ASK = {
    "ru": "Проверяем на стороне платформы. Пришлите, пожалуйста, точное время, когда ошибка повторилась в последний "
    "раз, и адрес страницы, на которой она возникает.",
    "en": "We're checking on the platform side. Could you send the exact time the error last happened and the page "
    "address where it appears?",
}
RESOLVE_AGAIN = {
    "ru": "Проверили ещё раз: в прошлый раз исправление применилось не ко всем разделам сайта. Сейчас поправили "
    "везде и проверили на нескольких заказах. Если ошибка появится снова — просто ответьте на это письмо.",
    "en": "We've checked again: last time the fix didn't reach every section of the site. It's applied everywhere "
    "now and tested on several orders. If it happens again, just reply here.",
}

REOPEN = {
    "ru": (
        "К сожалению, сегодня утром проблема появилась снова.",
        "Не помогло: через час всё повторилось.",
        "Спасибо, но у части покупателей ошибка осталась.",
    ),
    "en": ("Unfortunately it happened again this morning.", "Thanks, but some customers still see the error."),
}

NOTES = {
    "ru": (
        "Проверил логи: ошибок на стороне платформы за этот период нет, похоже на кэш браузера клиента.",
        "Похожая заявка была на прошлой неделе — решение то же, ссылка в базе знаний.",
        "Передаю смене: ждём ответа клиента, если не ответит до вечера — напомнить.",
        "Воспроизвёл на тестовом стенде, шаги записал в задаче.",
        "Клиент звонил ещё раз, очень нервничает. Держим на контроле.",
        "Не обещать сроки без согласования со второй линией.",
    ),
    "en": (
        "Checked the logs: no platform errors in that window, looks like a browser cache issue.",
        "Same as last week's ticket, the knowledge base article applies.",
        "Handing over to the next shift: waiting for the customer's reply.",
        "Reproduced on staging, steps are in the task.",
    ),
}

TRANSFER_NOTES = {
    "second": {
        "ru": "На первой линии не воспроизводится, нужна проверка на стороне платформы — передаю во вторую линию.",
        "en": "Can't reproduce on first line, needs a platform-side check: passing to second line.",
    },
    "marketing": {
        "ru": "Вопрос по тарифам и рассылкам — передаю в маркетинг.",
        "en": "Plans and mailings question, passing to marketing.",
    },
    "vendor": {
        "ru": "Проблема на стороне поставщика (платёжный шлюз / служба доставки / касса) — передаю на линию «Вендор».",
        "en": "The problem is on the vendor's side (gateway / carrier / till), passing to the vendor line.",
    },
    "incidents": {
        "ru": "Массовая проблема, похожие заявки от других клиентов — завожу инцидент.",
        "en": "Widespread problem, other customers affected: opening an incident.",
    },
}
PARTNER_TRANSFER = {
    "ru": "Передаём на платформу: ошибка в ядре, у нашей первой линии нет доступа к логам. Клиент в курсе.",
    "en": "Escalating to the platform: a core bug, our first line has no access to the logs.",
}

# The public reply that puts a ticket into an internal wait, and the note that records the task.
WAIT_REPLIES = {
    "waiting_rollout": {
        "ru": "Задачу по настройке передали специалистам внедрения, срок — до 3 рабочих дней. "
        "Напишем, как будет готово.",
        "en": "We've passed the setup task to our implementation team; it takes up to 3 business days.",
    },
    "waiting_development": {
        "ru": "Мы подтвердили проблему и передали её в разработку. Когда исправление выйдет, статус заявки сменится "
        "на «На тестировании».",
        "en": "We've confirmed the problem and passed it to development. Once the fix ships, the ticket moves to "
        "«In testing».",
    },
    "frozen": {
        "ru": "К сожалению, эту доработку пришлось отложить: сейчас команда занята срочными задачами платформы. "
        "Мы вернёмся к ней в следующем квартале, до этого заявка побудет в статусе «Заморожена».",
        "en": "We've had to postpone this change until next quarter; the ticket stays «Frozen» until then.",
    },
}
WAIT_NOTES = {
    "waiting_rollout": {"ru": "Задача на внедрение IMP-{task}, оценка 3 ч.", "en": "Implementation task IMP-{task}."},
    "waiting_development": {"ru": "Заведена задача DEV-{task} в бэклог разработки.", "en": "Filed DEV-{task}."},
    "frozen": {"ru": "DEV-{task} отложена решением продакт-менеджера.", "en": "DEV-{task} postponed by product."},
}

# Reasons the system (rules, jobs) gives for what it does.
REASON_CUSTOMER_REPLIED = "Правило: клиент ответил — «В процессе»"
REASON_RELEASE = "Обновление платформы {release}: исправление выпущено"
REASON_AUTOCLOSE = "Автоматически: 3 дня после решения"
REASON_PRIORITY = {
    "urgent": "Правило: «срочно» в теме",
    "paid": "Правило: «платно» в теме",
    "premium": "Правило: тариф «Премиум»",
    "comfort": "Правило: тариф «Комфорт»",
    "incident": "Правило: сбой в работе сайта",
}

TAKEOVER = {
    "ru": "Забираю заявку себе: клиент на Премиуме, ждёт ответа больше часа.",
    "en": "Taking this over: premium customer, waiting for over an hour.",
}
RELEASE_NOTE = {"ru": "Ухожу со смены, возвращаю заявку в очередь.", "en": "End of my shift, back to the queue."}

RATING_COMMENTS = {
    "satisfied": {"ru": ("Быстро и по делу, спасибо!", "Спасибо, всё заработало.", ""), "en": ("Quick and clear!", "")},
    "incomplete": {"ru": ("Помогли, но пришлось долго ждать.", ""), "en": ("Solved, but it took a while.", "")},
    "unsatisfied": {"ru": ("Ответ не решил проблему, пришлось разбираться самим.",), "en": ("Didn't really help.",)},
}

# Outbound system alerts [системные обращения]: type, subject, body; the customer's reply; support's closing words.
ALERTS = {
    "ru": (
        ("information", "Плановые работы {date} с 02:00 до 04:00 (МСК)",
         "Уведомляем: {date} с 02:00 до 04:00 по Москве на платформе пройдут плановые работы. Сайт {site} будет "
         "работать в режиме «только просмотр», оформление заказов будет недоступно.",
         "Спасибо, приняли к сведению.", "Работы завершены, все сервисы работают штатно."),
        ("suspicious", "Подозрительная активность в вашем кабинете",
         "Мы заметили вход в ваш личный кабинет из другой страны и массовую выгрузку базы покупателей. Если это "
         "были не вы — срочно смените пароль и сообщите нам.",
         "Это не мы! Пароль сменили, проверьте, пожалуйста, что ещё успели сделать.",
         "Выгрузка была заблокирована до завершения, доступ с чужого адреса закрыт. Рекомендуем включить 2FA."),
        ("complaint", "Жалоба на содержимое сайта {site}",
         "Поступила жалоба правообладателя на использование фотографий на страницах каталога. Просим в течение "
         "5 рабочих дней заменить изображения или прислать подтверждение прав.",
         "Фото заменили, лицензии на остальные приложили к письму.", "Спасибо, жалоба закрыта."),
    ),
    "en": (
        ("information", "Scheduled maintenance on {date}, 02:00-04:00 MSK",
         "On {date} from 02:00 to 04:00 Moscow time the platform will be in read-only mode; {site} will not accept "
         "orders during that window.", "Thanks for the heads-up.", "Maintenance is over, everything works."),
        ("suspicious", "Suspicious activity in your account",
         "We noticed a sign-in from a new country followed by a bulk export of your customer list. If it wasn't "
         "you, change your password now and let us know.",
         "That wasn't us! Password changed.", "The export was blocked; we recommend turning on 2FA."),
    ),
}  # fmt: skip

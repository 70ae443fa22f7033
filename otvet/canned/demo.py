"""The demo's canned responses: the platform's shared answers to common questions, in Russian and English."""

from __future__ import annotations

from otvet.canned.models import CannedResponse
from otvet.canned.services import canned_create
from otvet.tickets.access import Actor

# (category, shortcut, title, Russian text, English text)
DEMO = (
    ("Доступ", "pwd-reset", "Смена пароля",
     "Здравствуйте, {name}!\n\nЧтобы сменить пароль, нажмите «Забыли пароль?» на странице входа и перейдите по ссылке "
     "из письма. Ссылка действует 24 часа.\n\nС уважением, {agent}",
     "Hello {name},\n\nTo change your password, click “Forgot password?” on the sign-in page and follow the link in "
     "the email. The link is valid for 24 hours.\n\nBest regards, {agent}"),
    ("Доступ", "account-locked", "Учётная запись заблокирована",
     "Здравствуйте, {name}!\n\nМы разблокировали вашу учётную запись. Если вход снова не удастся, ответьте на это "
     "письмо — заявка #{number} останется открытой.\n\n{agent}",
     "Hello {name},\n\nWe have unlocked your account. If you cannot sign in again, reply to this message: ticket "
     "#{number} stays open.\n\n{agent}"),
    ("Оплата", "invoice-copy", "Копия счёта",
     "Здравствуйте, {name}!\n\nКопию счёта для {company} отправили на адрес бухгалтерии. Если письмо не пришло, "
     "проверьте папку «Спам».\n\n{agent}",
     "Hello {name},\n\nWe have sent a copy of the invoice for {company} to your accounting address. If it has not "
     "arrived, please check the spam folder.\n\n{agent}"),
    ("Оплата", "payment-received", "Оплата получена",
     "Здравствуйте, {name}!\n\nОплата поступила, услуги {company} продлены. Спасибо!\n\n{agent}",
     "Hello {name},\n\nWe have received the payment and renewed the services of {company}. Thank you!\n\n{agent}"),
    ("Доставка", "delivery-status", "Статус доставки",
     "Здравствуйте, {name}!\n\nЗаказ передан в службу доставки. Трек-номер пришлём отдельным письмом, как только "
     "он появится.\n\n{agent}",
     "Hello {name},\n\nYour order has been handed to the courier. We will send the tracking number as soon as it is "
     "available.\n\n{agent}"),
    ("Доставка", "delivery-delay", "Задержка доставки",
     "Здравствуйте, {name}!\n\nПриносим извинения: доставка задерживается на 1–2 рабочих дня. Мы следим за заказом "
     "по заявке #{number}.\n\n{agent}",
     "Hello {name},\n\nWe apologise: the delivery is delayed by 1–2 working days. We are following your order in "
     "ticket #{number}.\n\n{agent}"),
    ("Общее", "need-details", "Нужны подробности",
     "Здравствуйте, {name}!\n\nЧтобы разобраться, пришлите, пожалуйста, снимок экрана и точное время, когда возникла "
     "ошибка.\n\n{agent}",
     "Hello {name},\n\nTo look into it, please send us a screenshot and the exact time the error happened.\n\n{agent}"),
    ("Общее", "working-hours", "Часы работы поддержки",
     "Здравствуйте, {name}!\n\nМы работаем {working_hours}. Ответим по заявке #{number} в рабочее время.\n\n{agent}",
     "Hello {name},\n\nOur working hours: {working_hours}. We will answer ticket #{number} during them.\n\n{agent}"),
    ("Общее", "solved-check", "Проверьте, пожалуйста",
     "Здравствуйте, {name}!\n\nМы исправили проблему по заявке «{subject}». Проверьте, пожалуйста, и напишите, если "
     "что-то осталось.\n\n{agent}",
     "Hello {name},\n\nWe have fixed the problem “{subject}”. Please check and let us know if anything is left."
     "\n\n{agent}"),
    ("Интеграции", "api-token", "Токен API",
     "Здравствуйте, {name}!\n\nТокен API создаётся в разделе «Настройки → API». Старый токен перестанет работать "
     "сразу после создания нового.\n\n{agent}",
     "Hello {name},\n\nAPI tokens are created in “Settings → API”. The old token stops working as soon as a new one is "
     "created.\n\n{agent}"),
)  # fmt: skip


def canned_demo_load() -> int:
    """Create the demo's shared responses that do not exist yet; how many were created."""
    system = Actor.system("demo")
    existing = set(CannedResponse.objects.filter(owner__isnull=True).values_list("shortcut", flat=True))
    created = 0
    for category, shortcut, title, body, body_en in DEMO:
        if shortcut not in existing:
            data = {"category": category, "shortcut": shortcut, "title": title, "body": body, "body_en": body_en}
            canned_create(actor=system, data=data)
            created += 1
    return created

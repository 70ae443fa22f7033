"""The shipped texts of notifications, seeded into editable EmailTemplate rows and used when a row is missing."""

from __future__ import annotations

DEFAULT_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "ticket_received": {
        "ru": (
            "Ваше обращение принято: {{ ticket.subject }}",
            "Здравствуйте, {{ customer.name }}!\n\n"
            "Мы получили ваше обращение и зарегистрировали его под номером #{{ ticket.number }}. "
            "Специалист поддержки ответит вам в ближайшее время.\n\n"
            "Чтобы дополнить обращение, просто ответьте на это письмо. "
            "Следить за ходом работы можно в личном кабинете: {{ portal_url }}\n\n"
            "Служба поддержки",
        ),
        "en": (
            "We have received your request: {{ ticket.subject }}",
            "Hello {{ customer.name }},\n\n"
            "We have received your request and registered it as #{{ ticket.number }}. "
            "A support specialist will answer you shortly.\n\n"
            "To add anything, simply reply to this email. You can follow the request in your account: "
            "{{ portal_url }}\n\n"
            "The support team",
        ),
    },
    "agent_reply": {
        "ru": (
            "Re: {{ ticket.subject }}",
            "Здравствуйте, {{ customer.name }}!\n\n{{ message }}\n\n-- \n{{ agent.name|default:'Служба поддержки' }}\n"
            "Обращение #{{ ticket.number }}: {{ portal_url }}",
        ),
        "en": (
            "Re: {{ ticket.subject }}",
            "Hello {{ customer.name }},\n\n{{ message }}\n\n-- \n{{ agent.name|default:'The support team' }}\n"
            "Request #{{ ticket.number }}: {{ portal_url }}",
        ),
    },
    "ticket_solved": {
        "ru": (
            "Обращение выполнено: {{ ticket.subject }}",
            "Здравствуйте, {{ customer.name }}!\n\n"
            "Ваше обращение #{{ ticket.number }} отмечено как выполненное. Если вопрос остался, просто ответьте "
            "на это письмо: обращение откроется снова.\n\n"
            "Оцените, пожалуйста, нашу работу: {{ portal_url }}\n\n"
            "Служба поддержки",
        ),
        "en": (
            "Your request is solved: {{ ticket.subject }}",
            "Hello {{ customer.name }},\n\n"
            "Your request #{{ ticket.number }} has been marked as solved. If anything is still open, simply reply "
            "to this email and the request will be reopened.\n\n"
            "Please rate our work: {{ portal_url }}\n\n"
            "The support team",
        ),
    },
    "ticket_closed": {
        "ru": (
            "Обращение закрыто: {{ ticket.subject }}",
            "Здравствуйте, {{ customer.name }}!\n\n"
            "Обращение #{{ ticket.number }} закрыто. Если появится новый вопрос, напишите нам новое письмо.\n\n"
            "Служба поддержки",
        ),
        "en": (
            "Your request is closed: {{ ticket.subject }}",
            "Hello {{ customer.name }},\n\n"
            "Request #{{ ticket.number }} is now closed. If you have a new question, please send us a new email.\n\n"
            "The support team",
        ),
    },
}

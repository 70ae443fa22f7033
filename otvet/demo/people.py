"""Who the demo installation serves and who works it: categories, a partner, companies, agents and contacts.

Every address lives under a reserved top-level domain (example.com, *.example, RFC 2606), so that a demo
installation whose outbound channels get configured can never write to a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "demo"

# (name ru, name en, children as (name ru, name en, key)); the key is what scenarios refer to.
CATEGORIES = [
    ("Доступ и учётная запись", "Access and account", [
        ("Вход и пароль", "Login and password", "login"),
        ("Сотрудники и права", "Users and permissions", "users"),
    ]),
    ("Оплата и документы", "Billing and documents", [
        ("Оплата", "Payment", "payment"),
        ("Счета и закрывающие документы", "Invoices and closing documents", "invoice"),
        ("Тариф", "Plan", "plan"),
    ]),
    ("Заказы и доставка", "Orders and delivery", [
        ("Оформление заказа", "Placing an order", "order"),
        ("Доставка", "Delivery", "delivery"),
    ]),
    ("Интеграции и API", "Integrations and API", [
        ("API и вебхуки", "API and webhooks", "api"),
        ("1С и CRM", "1C and CRM", "crm"),
        ("Платёжные системы и кассы", "Payment gateways and tills", "gateway"),
    ]),
    ("Настройка сайта", "Site setup", [
        ("Домен и SSL", "Domain and SSL", "domain"),
        ("Дизайн и шаблоны", "Design and templates", "design"),
        ("Маркетинг и рассылки", "Marketing and mailings", "marketing"),
    ]),
    ("Ошибки и сбои", "Bugs and outages", [("Сбои в работе сайта", "Site outages", "outage")]),
    ("Предложения по доработке", "Feature requests", [("Новые возможности", "New features", "feature")]),
]  # fmt: skip

PARTNER = "Партнёр-Сервис"
MAILBOX = "support@example.com"  # `otvet smtpd --port 2525` turns mail to it into tickets
PARTNER_LINE = ("partner-service", "Первая линия Партнёр-Сервиса", "Partner-Service first line")


@dataclass(frozen=True)
class ContactSpec:
    """A person who writes to support; `channels` are the identities they are known by besides email."""

    name: str
    email: str
    phone: str = ""
    telegram: str = ""
    vk: str = ""
    viber: str = ""
    webchat: str = ""
    language: str = "ru"
    is_company_admin: bool = False
    has_login: bool = False
    weight: int = 1  # how often this person writes, relative to colleagues
    demo_login: str = ""  # set for the fixed demo logins (password `demo`): what this login shows


@dataclass(frozen=True)
class CompanySpec:
    key: str
    name: str
    plan: str
    external_id: str
    domains: tuple[str, ...]
    notes: tuple[str, ...]
    contacts: tuple[ContactSpec, ...]
    partner: bool = False
    weight: int = 1
    site: str = ""


@dataclass(frozen=True)
class AgentSpec:
    email: str
    name: str
    role: str
    lines: tuple[str, ...]
    partner: bool = False
    demo_login: str = ""  # set for the fixed demo logins: what this login shows


AGENTS = (
    AgentSpec("admin@example.com", "Андрей Волков", "admin", ("first", "second", "incidents"),
              demo_login="Администратор платформы, /admin/"),
    AgentSpec("supervisor@example.com", "Марина Орлова", "supervisor",
              ("first", "second", "marketing", "vendor", "incidents"), demo_login="Руководитель поддержки"),
    AgentSpec("agent@example.com", "Илья Кузнецов", "agent", ("first", "second"),
              demo_login="Сотрудник: Первая и Вторая линия"),
    AgentSpec("partner.agent@example.com", "Павел Егоров", "agent", (PARTNER_LINE[0],), partner=True,
              demo_login="Сотрудник партнёра «Партнёр-Сервис»"),
    AgentSpec("olga.smirnova@example.com", "Ольга Смирнова", "agent", ("first",)),
    AgentSpec("dmitry.lebedev@example.com", "Дмитрий Лебедев", "agent", ("first", "marketing")),
    AgentSpec("sergey.nikitin@example.com", "Сергей Никитин", "agent", ("second", "vendor")),
    AgentSpec("anna.belova@example.com", "Анна Белова", "agent", ("marketing", "first")),
    AgentSpec("alexey.morozov@example.com", "Алексей Морозов", "agent", ("second", "incidents")),
    AgentSpec("natalia.guseva@example.com", "Наталья Гусева", "agent", (PARTNER_LINE[0],), partner=True),
)  # fmt: skip

C = ContactSpec
COMPANIES = (
    CompanySpec(
        "fotomir", "ООО «Фотомир»", "premium", "Договор № 118/21", ("fotomir.example",),
        ("Клиент с 2021 года, сеть из 14 фотосалонов. По оплате — только через бухгалтерию (Светлана Юрьевна).",
         "Сайт сильно доработан под заказ: изменения шаблонов согласовывать с Игорем Петровым."),
        (
            C("Мария Иванова", "customer@example.com", "+79161234501", "@maria_fotomir", has_login=True, weight=4,
              demo_login="Клиент компании «Фотомир» (Премиум)"),
            C("Игорь Петров", "company.admin@example.com", "+79161234502", is_company_admin=True, has_login=True,
              weight=3, demo_login="Администратор компании «Фотомир»: все её заявки"),
            C("Светлана Юрьевна Котова", "buh@fotomir.example", "+79161234503", viber="+79161234503"),
            C("Кирилл Зайцев", "k.zaitsev@fotomir.example", telegram="@kzaitsev", has_login=True, weight=2),
            C("Оксана Белых", "manager@fotomir.example", webchat="visitor-5f2c9a", vk="id48213377"),
        ),
        weight=3, site="fotomir.example",
    ),
    CompanySpec(
        "granat", "Книжный дом «Гранат»", "comfort", "Договор № 342/23", ("granat.example",),
        ("Сезонный пик — август и декабрь: в эти месяцы заявки по заказам решаем в первую очередь.",),
        (
            C("Елена Сергеевна Громова", "e.gromova@granat.example", "+79035550111", "@gromova_books",
              is_company_admin=True, has_login=True, weight=3),
            C("Артём Ковалёв", "shop@granat.example", "+79035550112", vk="id19384756", has_login=True, weight=2),
            C("Ирина Лаптева", "i.lapteva@granat.example", webchat="visitor-a19e77", viber="+79035550113"),
        ),
        weight=2, site="granat.example",
    ),
    CompanySpec(
        "kadr", "Студия печати «Кадр»", "basic", "Проект kadr-2024", ("kadr.example",),
        ("Небольшая студия, всё ведёт владелец. Часто пишет в Телеграм поздно вечером.",),
        (
            C("Анастасия Соколова", "owner@kadr.example", "+79227001122", "@kadr_studio", is_company_admin=True,
              has_login=True, weight=3),
            C("Роман Ефимов", "print@kadr.example", phone="+79227001123"),
        ),
        weight=3, site="kadr.example",
    ),
    CompanySpec(
        "northwind", "Northwind Prints Ltd", "basic", "Contract NW-2025-07", ("northwind.example",),
        ("English-speaking customer (UK). Answer in English; invoices in GBP are issued by the finance team.",),
        (
            C("Oliver Bennett", "oliver@northwind.example", "+447700900123", "@obennett", language="en",
              is_company_admin=True, has_login=True, weight=3),
            C("Sophie Turner", "sophie@northwind.example", webchat="visitor-77b0d1", language="en", has_login=True,
              weight=2),
            C("James Walsh", "it@northwind.example", language="en"),
        ),
        weight=2, site="northwind.example",
    ),
    CompanySpec(
        "vostok", "Типография «Восток»", "basic", "Партнёрский проект V-17", ("vostok-print.example",),
        ("Обслуживается партнёром «Партнёр-Сервис»: первая линия — у партнёра, к нам только по переводу.",),
        (
            C("Николай Андреевич Фомин", "director@vostok-print.example", "+73512001100", "@fomin_na",
              is_company_admin=True, has_login=True, weight=2),
            C("Юлия Рябова", "orders@vostok-print.example", "+73512001101", vk="id55501234", has_login=True,
              weight=3),
        ),
        partner=True, weight=2, site="vostok-print.example",
    ),
    CompanySpec(
        "cvety", "Цветы на Неглинной", "comfort", "Партнёрский проект V-23", ("cvety.example",),
        ("Партнёрский клиент. Доставка цветов по Москве, заказы в основном через Вайбер и сайт.",),
        (
            C("Дарья Миронова", "daria@cvety.example", "+79257773311", viber="+79257773311", has_login=True,
              weight=2),
        ),
        partner=True, weight=1, site="cvety.example",
    ),
)  # fmt: skip

# People without a company: a private customer and a visitor who wrote in English.
PRIVATE_CONTACTS = (
    C("Виктор Степанов", "v.stepanov@mail.example", "+79601234567", "@vstepanov"),
    C("Laura Kim", "laura.kim@mail.example", webchat="visitor-c0ffee", language="en"),
)

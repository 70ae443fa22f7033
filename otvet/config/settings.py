"""Django settings: every value comes from the environment (docs/configuration.md lists them)."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured
from huey import RedisHuey, SqliteHuey

from otvet.config.env import BASE_DIR, database_from_url, env, generated_secret_key, sqlite_database, var_dir

VAR_DIR = var_dir()
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (production), or set DEBUG=true for development."
        )
    SECRET_KEY = generated_secret_key(VAR_DIR)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# SQLite cannot make empty plan and priority equal in the SLA policies' unique constraint (PostgreSQL does);
# SlaPolicy.clean() checks it there instead.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "servestatic",
    "huey.contrib.djhuey",
    "ninja",
    "django_htmx",
    "django_bootstrap5",
    "allauth",
    "allauth.account",
    "otvet.core",
    "otvet.accounts",
    "otvet.customers",
    "otvet.tickets",
    "otvet.sla",
    "otvet.automation",
    "otvet.notifications",
    "otvet.canned",
    "otvet.connectors",
    "anymail",
    "otvet.search",
    "otvet.api",
    "otvet.portal",
    "otvet.workspace",
    "otvet.demo",
    "channels",
    "otvet.live",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "otvet.core.middleware.user_preferences_middleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "otvet.config.urls"
ASGI_APPLICATION = "otvet.config.asgi.application"

# Live collaboration (otvet/live, docs/live.md): Redis carries pushes between web and worker processes; without it
# the in-memory layer reaches its own process only (`otvet serve`), and pages also poll cheaply.
if env.str("REDIS_URL", default=""):
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [env.str("REDIS_URL")]}}
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
WSGI_APPLICATION = "otvet.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "otvet" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# Databases: SQLite under var/ by default, PostgreSQL (psycopg 3, pooled) in production.
DATABASE_URL = env.str("DATABASE_URL", default="")
DATABASES = {
    "default": database_from_url(DATABASE_URL, pool=env.bool("DATABASE_POOL", default=True))
    if DATABASE_URL
    else sqlite_database(VAR_DIR / "otvet.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "otvet.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# In front of the shared cache, for what every request reads (otvet/core/cache.py: cached_twice).
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "otvet-local"}

# Jobs: huey on Redis when there is one, else on its own SQLite file (never the app database).
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = RedisHuey("otvet", url=REDIS_URL, immediate=HUEY_IMMEDIATE, utc=True)
else:
    HUEY = SqliteHuey("otvet", filename=str(VAR_DIR / "huey.sqlite3"), immediate=HUEY_IMMEDIATE, utc=True)

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Accounts (django-allauth): email login, mandatory verification, rate limits kept in the cache.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "otvet.portal.forms.SignupForm"
ACCOUNT_ADAPTER = "otvet.portal.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Otvet] "

# Outbound mail: EMAIL_URL (smtp://user:pass@host:587, smtp+tls://..., consolemail://); the console by default.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Otvet <support@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "otvet" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "otvet" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "/media/"

# Attachments
OTVET_ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Security: secure cookies in production.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"huey": {"level": "WARNING"}, "django.db.backends": {"level": "INFO"}},
}

# Handlers of committed ticket events (otvet/tickets/events.py); each must be idempotent.
OTVET_EVENT_HANDLERS = [
    "otvet.search.services.search_index_events",
    "otvet.connectors.email.outbound.email_events_handler",
    "otvet.connectors.messages.messenger_events_handler",
    "otvet.connectors.spam_services.spam_learn_from_answers",
    # Before the rules: a rule's conditions then see the SLA state the same events set.
    "otvet.sla.handlers.sla_events_handler",
    "otvet.automation.handlers.automation_events_handler",
    # After the rules: a ticket a rule has just assigned (the after-hours duty agent) is left alone.
    "otvet.automation.assignment.auto_assign_events",
    # Last: open pages and sidebars hear about the change (otvet/live).
    "otvet.live.handlers.live_events_handler",
]

# What fires a due timer (otvet/automation/timers.py), by the prefix of its key.
OTVET_TIMER_HANDLERS: dict[str, str] = {
    "rule": "otvet.automation.engine.rule_timers_fire",
    "sla": "otvet.sla.sweep.sla_timers_fire",
}

# Email channel (docs/configuration.md, "Email").
OTVET_EMAIL_MAX_BYTES = env.int("EMAIL_MAX_BYTES", default=50 * 1024 * 1024)
# More mails than this from one sender within an hour are held, not turned into tickets (auto-reply storms).
OTVET_EMAIL_SENDER_LIMIT_PER_HOUR = env.int("EMAIL_SENDER_LIMIT_PER_HOUR", default=30)
OTVET_EMAIL_SEND_ATTEMPTS = env.int("EMAIL_SEND_ATTEMPTS", default=8)
# An email provider (django-anymail): EMAIL_BACKEND=anymail.backends.postmark.EmailBackend and its settings as
# ANYMAIL_<NAME> variables (ANYMAIL_POSTMARK_SERVER_TOKEN=...). Inbound webhooks at /anymail/<esp>/inbound/ are
# served only when ANYMAIL_WEBHOOK_SECRET ("user:password", HTTP basic auth) is set.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_BACKEND)
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value for key, value in os.environ.items() if key.startswith("ANYMAIL_") and value
}
# Messengers (docs/channels.md). A customer's message continues their latest open ticket of the channel if it
# moved within MESSENGER_THREAD_DAYS, reopens a solved one within MESSENGER_REOPEN_DAYS, else opens a new one.
OTVET_MESSENGER_THREAD_DAYS = env.int("MESSENGER_THREAD_DAYS", default=30)
OTVET_MESSENGER_REOPEN_DAYS = env.int("MESSENGER_REOPEN_DAYS", default=7)
OTVET_MESSENGER_SEND_ATTEMPTS = env.int("MESSENGER_SEND_ATTEMPTS", default=8)
# Who sends a queued delivery, by its channel (otvet/connectors/base.py).
OTVET_CHANNEL_SENDERS: dict[str, str] = {
    "email": "otvet.connectors.email.send.delivery_send",
    "telegram": "otvet.connectors.telegram.send.telegram_delivery_send",
    "vk": "otvet.connectors.vk.send.vk_delivery_send",
    "viber": "otvet.connectors.viber.send.viber_delivery_send",
    "webchat": "otvet.connectors.webchat.process.webchat_delivery_send",
}
# Telegram: every Bot API call goes to TELEGRAM_API_URL (a local server in tests and demos); deep links to
# TELEGRAM_LINK_URL/<bot username>?start=<token>, valid for TELEGRAM_LINK_MAX_AGE seconds.
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org").rstrip("/")
TELEGRAM_LINK_URL = env.str("TELEGRAM_LINK_URL", default="https://t.me").rstrip("/")
TELEGRAM_LINK_MAX_AGE = env.int("TELEGRAM_LINK_MAX_AGE", default=24 * 3600)
TELEGRAM_TIMEOUT = env.float("TELEGRAM_TIMEOUT", default=30.0)
# VK communities (Callback API in, messages.send out) and Viber bots (disabled unless VIBER_ENABLED): every call
# goes to VK_API_URL / VIBER_API_URL. Files of our replies reach them as signed links at SITE_URL, valid for
# FILE_LINK_MAX_AGE seconds.
VK_API_URL = env.str("VK_API_URL", default="https://api.vk.com/method").rstrip("/")
VK_API_VERSION = env.str("VK_API_VERSION", default="5.199")
VK_TIMEOUT = env.float("VK_TIMEOUT", default=30.0)
VIBER_ENABLED = env.bool("VIBER_ENABLED", default=False)
VIBER_API_URL = env.str("VIBER_API_URL", default="https://chatapi.viber.com/pa").rstrip("/")
VIBER_TIMEOUT = env.float("VIBER_TIMEOUT", default=30.0)
OTVET_FILE_LINK_MAX_AGE = env.int("FILE_LINK_MAX_AGE", default=30 * 24 * 3600)
OTVET_SPAM_PURGE_DAYS = env.int("SPAM_PURGE_DAYS", default=30)
OTVET_SPAM_THRESHOLD = env.float("SPAM_THRESHOLD", default=0.9)
# Optional SpamAssassin second opinion: spamd://host:783 or unix:///path (otvet/connectors/email/spamd.py).
OTVET_SPAMD_URL = env.str("SPAMD_URL", default="")
# Phone (docs/channels.md, "Phone"): the PBX webhook at /hooks/phone/ exists only when its token is set.
PHONE_WEBHOOK_TOKEN = env.str("PHONE_WEBHOOK_TOKEN", default="")
# Web chat (docs/channels.md, "Web chat"): a visitor counts as online for WEBCHAT_ONLINE_SECONDS after their
# socket's last heartbeat; a reply to an offline visitor waits (queued) until they return, checked again every
# WEBCHAT_OFFLINE_RECHECK_SECONDS. Uploaded files must be sent within WEBCHAT_UPLOAD_MAX_AGE seconds.
WEBCHAT_MAX_CHARS = env.int("WEBCHAT_MAX_CHARS", default=5000)
WEBCHAT_HISTORY_MESSAGES = env.int("WEBCHAT_HISTORY_MESSAGES", default=200)
WEBCHAT_ONLINE_SECONDS = env.int("WEBCHAT_ONLINE_SECONDS", default=60)
WEBCHAT_OFFLINE_RECHECK_SECONDS = env.int("WEBCHAT_OFFLINE_RECHECK_SECONDS", default=24 * 3600)
WEBCHAT_UPLOAD_MAX_AGE = env.int("WEBCHAT_UPLOAD_MAX_AGE", default=24 * 3600)
WEBCHAT_FILE_LINK_SECONDS = env.int("WEBCHAT_FILE_LINK_SECONDS", default=30 * 24 * 3600)

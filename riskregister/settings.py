"""Settings, read from the environment (see README, "Environment")."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Django's own deployment check asks for 50 characters; a shorter key is refused
# at start-up rather than warned about, since sessions and CSRF rest on it.
SECRET_KEY_MIN_LENGTH = 50
if not DEBUG and len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least "
        f"{SECRET_KEY_MIN_LENGTH} characters when DEBUG is off (it is "
        + ("missing)." if not SECRET_KEY else f"only {len(SECRET_KEY)} characters).")
        + " For example: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The organisation whose register this is; templates never name it literally.
# The organisation's name is a setting of the app (organisation.models.Organisation); these
# give its first value when the database is created.
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Mayor's Office for Policing and Crime")
ORGANISATION_SHORT_NAME = os.environ.get("ORGANISATION_SHORT_NAME", "MOPAC")
# A process reuses the settings it read while the database's settings stamp is unchanged
# (organisation.current): one small query a page instead of one per kind of setting.
ORGANISATION_SETTINGS_REUSE = True

# Lets anonymous visitors read published public packs (/published/), for
# organisations that publish their papers on the web. Off by default.
PUBLISHED_PAPERS_PUBLIC = env_bool("PUBLISHED_PAPERS_PUBLIC", False)

# Tamper evidence: with a key, each publication's chain digest and each published
# file also get a keyed digest (HMAC-SHA-256) that someone who can write to the
# database but lacks the key cannot recompute. Keep it off the database server.
PUBLICATION_SIGNING_KEY = os.environ.get("PUBLICATION_SIGNING_KEY", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "axes",
    "riskregister",
    "organisation",
    "risks",
    "controls",
    "reports",
    "publications",
    "django_tasks_db",
    "rounds",
    "panel",
]

MIDDLEWARE = [
    "riskregister.middleware.StorableRequestMetaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "riskregister.sessions.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "riskregister.urls"
WSGI_APPLICATION = "riskregister.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "riskregister.context_processors.site",
            ],
            "libraries": {"site": "riskregister.templatetags.site"},
        },
    },
]

# Django's form renderer with inputs, textareas and selects printed in Python: the
# same HTML, without a template per option (riskregister/form_renderer.py).
FORM_RENDERER = "riskregister.form_renderer.FormRenderer"

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions and
    # a busy timeout make concurrent writers queue instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Change reasons up to riskregister.tracking.REASON_MAX_LENGTH (500) characters are
# kept whole: a text column, not django-simple-history's default of 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Posts larger than the largest real form are refused with the site's page
# (riskregister.errors.bad_request). The largest body is the paper's edit page:
# 13 narrative fields of up to 20,000 characters, each percent-encoded UTF-8 of
# up to 12 bytes, about 3.1 MB. The most fields are on a risk's edit page at its
# formsets' absolute maximum (80 controls, 20 owners): under 1,000, Django's
# default (tests/test_oversized_posts.py checks both).
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins: lock the account (not the whole network) for a while.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Lock the account, not the address: staff share one office address, and
# locking it would lock everyone out (hence axes.W006 is silenced).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# HSTS preload is opt-in (SECURE_HSTS_PRELOAD=1, below), so Django's advice to turn it on is silenced.
SILENCED_SYSTEM_CHECKS.append("security.W021")

# Idle sessions end: requests push the expiry forward, writing the session row
# at most once a SESSION_TOUCH_SECONDS rather than on every request (see
# riskregister/sessions.py; SESSION_SAVE_EVERY_REQUEST would write every time).
SESSION_ENGINE = "riskregister.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_TOUCH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Signed-in pages warn this long before an idle session ends, with a button to
# stay signed in (WCAG 2.2.1; templates/includes/session_timeout.html).
SESSION_WARNING_SECONDS = 120

# Uploads (the register workbook, at most 5 MB: risks/workbook_reading.py). Up to
# 6 MB stays in memory, never in a temporary file on one server's disk; larger
# requests are refused by the upload view on their declared size, unread.
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# WhiteNoise serves static files from the app server: compressed, and with
# DEBUG off under content-hashed names cached for a year (collectstatic makes
# them; `make serve` runs it). With DEBUG on, files are served as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Security: strict by default, relaxed only by DEBUG or explicit variables
# (the test settings and a plain-HTTP demo need cookies without "Secure").
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preload is a commitment browsers keep for months after it is dropped: opt in only.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Background work (review reminders): Django's tasks framework with a
# database-backed queue, the same on SQLite and PostgreSQL. `make run` starts
# a worker (manage.py db_worker) beside the web server.
# /healthz says the worker is failing when no task has finished for this long
# (it queues a heartbeat then, so a polling monitor keeps it current).
WORKER_SEEN_WITHIN = timedelta(minutes=int(os.environ.get("WORKER_SEEN_MINUTES", "5")))
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Email: Django 6.1's MAILERS, built from environment variables with Django's own
# names (EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS, EMAIL_TIMEOUT, EMAIL_FILE_PATH). Development (DEBUG on) prints emails
# on the console unless a backend is named; otherwise the default is SMTP.
EMAIL_BACKEND_PATH = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)
if EMAIL_BACKEND_PATH.endswith(".smtp.EmailBackend"):
    EMAIL_OPTIONS = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
    }
elif EMAIL_BACKEND_PATH.endswith(".filebased.EmailBackend"):
    EMAIL_OPTIONS = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "emails"))}
else:
    EMAIL_OPTIONS = {}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "risk-register@example.org")
# Links in emails: the site's address as people reach it.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Review rounds: the reminder "the deadline is near" goes this many days before it.
ROUND_REMINDER_DAYS_BEFORE = int(os.environ.get("ROUND_REMINDER_DAYS_BEFORE", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_forbidden": {"()": "riskregister.log.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"filters": ["one_line_forbidden"]}},
}

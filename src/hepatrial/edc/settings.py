"""Django settings, driven by the environment.

- ``HEPATRIAL_DATA_DIR``: where the embedded SQLite database and the generated keys live
  (default ``./data``).
- ``DATABASE_URL``: a PostgreSQL URL (``postgresql://user@host:5432/name``) for a server
  deployment; absent, the embedded SQLite file is used, in WAL mode.
- ``HEPATRIAL_SECRET_KEY`` and ``HEPATRIAL_PII_KEY``: if unset, generated once into the data
  directory with owner-only permissions, so a fresh study never runs on a default key.
- ``HEPATRIAL_EMAIL_BACKEND`` / ``EMAIL_HOST`` ...: notifications go to the console unless SMTP
  is configured.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

DATA_DIR = Path(os.environ.get("HEPATRIAL_DATA_DIR", "data")).resolve()


def _key_file(name: str, make: callable) -> str:  # type: ignore[valid-type]
    """A secret from the environment, or from a file in the data directory made on first use."""
    env = os.environ.get(f"HEPATRIAL_{name.upper()}")
    if env:
        return env
    path = DATA_DIR / name
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as stream:
            stream.write(make())
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = _key_file("secret_key", lambda: secrets.token_urlsafe(50))
PII_KEY = _key_file("pii_key", _fernet_key)

DEBUG = os.environ.get("HEPATRIAL_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("HEPATRIAL_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "hepatrial.edc.core",
    "hepatrial.edc.accounts",
    "hepatrial.edc.study",
    "hepatrial.edc.participants",
    "hepatrial.edc.randomization",
    "hepatrial.edc.dosing",
    "hepatrial.edc.visits",
    "hepatrial.edc.crfs",
    "hepatrial.edc.outcomes",
    "hepatrial.edc.safety",
    "hepatrial.edc.queries",
    "hepatrial.edc.casebooks",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hepatrial.edc.web",
    "hepatrial.edc.webforms",
    "hepatrial.edc.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hepatrial.edc.web.middleware.SiteTimeZoneMiddleware",
    "hepatrial.edc.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hepatrial.edc.urls"
WSGI_APPLICATION = "hepatrial.edc.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hepatrial.edc.web.context_processors.layout",
            ]
        },
    }
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "hepatrial.sqlite3",
            "OPTIONS": {
                # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock
                # at the start of each transaction, so two writers queue instead of failing
                # halfway with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # the language chosen in the header is kept for a year
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored and audited in UTC; shown in the site's zone from the protocol

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # whitenoise serves the collected assets; nothing loads from a CDN
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "hepatrial.edc.api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hepatrial API",
    "DESCRIPTION": "The trial's data system (NCT06167473): participants, visits, labs, events, "
    "adverse events, queries and tabulations. Masking applies to every response.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # the docs page's assets come from the installed sidecar package, never a CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

EMAIL_BACKEND = os.environ.get(
    "HEPATRIAL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("HEPATRIAL_FROM_EMAIL", "hepatrial@localhost")

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = True
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is evidence, not an undo button
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True  # a reason is never truncated

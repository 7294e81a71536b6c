"""Settings for wangge.

Everything a county's IT person may need to change comes from the environment,
with defaults that give a working demo on the embedded SQLite database:

- ``DATABASE_URL``: e.g. ``postgres://postgres@127.0.0.1:5432/wangge``;
  default ``sqlite:///<repo>/wangge.sqlite3``.
- ``WANGGE_DB_CONN_MAX_AGE``: seconds a worker keeps its database
  connection between requests (default 60; 0 opens one per request).
- ``WANGGE_DB_HEALTH_CHECKS``: ``1`` checks a kept connection before each
  request uses it (default ``0``: one round trip less per request).
- ``WANGGE_SECRET_KEY``: required when ``WANGGE_DEBUG`` is off.
- ``WANGGE_DEBUG``: ``1`` (default, demo) or ``0``.
- ``WANGGE_ALLOWED_HOSTS``: comma-separated.
- ``WANGGE_HTTPS``: ``1`` behind HTTPS (secure cookies, HSTS).
- ``WANGGE_PII_KEYS_FILE``: the personal-data keyring (required in production).
- ``WANGGE_TILE_URL``: a map tile URL template; empty (default) draws
  the polygons on a plain background so maps work with no internet.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = os.environ.get("WANGGE_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("WANGGE_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("WANGGE_SECRET_KEY must be set when WANGGE_DEBUG=0")
    SECRET_KEY = "wangge-demo-only-not-secret"  # noqa: S105 - demo default, refused in production
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("WANGGE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "wangge.core",
    "wangge.audit",
    "wangge.territory",
    "wangge.categories",
    "wangge.accounts",
    "wangge.registry",
    "wangge.timelimits",
    "wangge.dispatch",
    "wangge.notify",
    "wangge.gridwork",
    "wangge.open311",
    "wangge.disputes",
    "wangge.tasks",
    "wangge.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wangge.core.middleware.RequestContextMiddleware",
    "wangge.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "wangge.urls"
WSGI_APPLICATION = "wangge.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wangge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wangge.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{BASE_DIR / 'wangge.sqlite3'}"
# Connections are kept between requests: opening one to PostgreSQL costs
# ~4 ms of CPU (a backend process is forked), more than a whole simple
# request (bench/intake_load.py). They are not checked before reuse (a
# SELECT 1 per request cost intake ~12 % of its rate): after a database
# restart each worker fails one request, then reconnects.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db),
        conn_max_age=int(os.environ.get("WANGGE_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=os.environ.get("WANGGE_DB_HEALTH_CHECKS", "0") == "1",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue instead of failing mid-transaction.
    # 8 KB pages (a new database only; set before WAL): ~10 % faster bulk
    # loads than the default 4 KB, measured with bench/import_people.py.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {
        # A file, not :memory:, so the browser tests' server thread shares it;
        # one per process, so two test runs in one checkout never collide.
        "NAME": str(BASE_DIR / f".test-wangge-{os.getpid()}.sqlite3"),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["wangge.accounts.backends.LockoutBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Lockout: this many failures within the window lock the account for the window.
WANGGE_LOGIN_MAX_FAILURES = int(os.environ.get("WANGGE_LOGIN_MAX_FAILURES", "5"))
WANGGE_LOGIN_LOCK_MINUTES = int(os.environ.get("WANGGE_LOGIN_LOCK_MINUTES", "15"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "wangge" / "static"]
WHITENOISE_USE_FINDERS = True
# Until `collectstatic` has run (production), files are served from the app
# folders; whitenoise would warn on every start that STATIC_ROOT is missing.
warnings.filterwarnings("ignore", message="No directory at")

# Behind HTTPS (production), set WANGGE_HTTPS=1: cookies only over TLS, HSTS.
if os.environ.get("WANGGE_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous call gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "wangge.core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wangge.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "wangge API",
    "DESCRIPTION": "网格化基层治理平台 API — every answer is limited to the caller's reach.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

WANGGE_TILE_URL = os.environ.get("WANGGE_TILE_URL", "")

# Uploaded files (imports) and their reports. Not served publicly: views
# hand them out after checking who asks.
MEDIA_ROOT = Path(os.environ.get("WANGGE_MEDIA_ROOT", str(BASE_DIR / "media")))

# Background work (imports now; sweeps later): Huey, stored in SQLite next to
# the database by default, or in Redis with WANGGE_HUEY_REDIS_URL. `make run`
# starts the consumer (`manage.py run_huey`). Tests run tasks inline.
_huey_inline = (
    os.environ.get("WANGGE_HUEY_IMMEDIATE", "1" if "pytest" in sys.modules else "0") == "1"
)
if os.environ.get("WANGGE_HUEY_REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "wangge",
        "url": os.environ["WANGGE_HUEY_REDIS_URL"],
        "immediate": _huey_inline,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wangge",
        "filename": str(BASE_DIR / "huey.sqlite3"),
        "immediate": _huey_inline,
    }

# Keys for personal data (SM4 encryption, HMAC-SM3 blind index). Never in the
# database: a file named by WANGGE_PII_KEYS_FILE (format in
# wangge/registry/pii.py). With WANGGE_DEBUG=1 and no file, a fixed demo
# keyring is used — demo data only.
WANGGE_PII_KEYS_FILE = os.environ.get("WANGGE_PII_KEYS_FILE", "")
if not DEBUG and not WANGGE_PII_KEYS_FILE:
    raise RuntimeError("WANGGE_PII_KEYS_FILE must be set when WANGGE_DEBUG=0")
WANGGE_DATA_DIR = BASE_DIR / "data"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Office hours for limits in working hours (working days come from the
# working-day calendar): "HH:MM-HH:MM,HH:MM-HH:MM", Beijing time.
WANGGE_OFFICE_HOURS = os.environ.get("WANGGE_OFFICE_HOURS", "08:30-12:00,14:00-18:00")
# Weights of 响应率, 解决率, 满意率 in the score (docs/decisions/0010-figures.md).
WANGGE_SCORE_WEIGHTS = os.environ.get("WANGGE_SCORE_WEIGHTS", "30,35,35")

# Messages (wangge.notify): always kept in the system (portal, staff inbox);
# with the county's SMS relay configured, residents' messages also go out
# by SMS. Other senders: WANGGE_MESSAGE_SENDERS = {"resident"|"staff": path}.
WANGGE_SMS_WEBHOOK_URL = os.environ.get("WANGGE_SMS_WEBHOOK_URL", "")
WANGGE_SMS_WEBHOOK_TOKEN = os.environ.get("WANGGE_SMS_WEBHOOK_TOKEN", "")
WANGGE_MESSAGE_SENDERS = (
    {"resident": "wangge.notify.senders.WebhookSmsSender"} if WANGGE_SMS_WEBHOOK_URL else {}
)

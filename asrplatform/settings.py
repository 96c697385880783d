"""asrplatform settings: every knob comes from the environment, with safe defaults.

Embedded default: SQLite under ASR_DATA_DIR, django-q2's ORM broker, no Redis.
Multi-machine: DATABASE_URL (Postgres) and REDIS_URL (broker and channel layer).
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from asrplatform.env import envbool, envint, envlist, envsecret, envstr, persistent_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("ASR_DATA_DIR", str(BASE_DIR / "data"))).resolve()
# The data directory holds the database (API tokens, sessions), the audio and the secret key:
# its owner only (asrplatform/private_files.py does the same for the SQLite files).
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
try:
    DATA_DIR.chmod(0o700)
except PermissionError:  # a shared directory another account owns (NFS): its owner sets the mode
    pass

SECRET_KEY = envsecret("ASR_SECRET_KEY") or persistent_secret_key(DATA_DIR)
DEBUG = envbool("ASR_DEBUG", False)
ALLOWED_HOSTS = envlist("ASR_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("ASR_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "channels_lite",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "axes",
    "csp",
    "accounts",
    "transcripts",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "asrplatform.api_language.ApiAwareLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Password guessing (pages and /admin/login/): after ASR_LOGIN_FAILURES wrong passwords for one
# account, or from one address, that account or address is locked out for ASR_LOGIN_COOLOFF_MIN
# minutes; the lockout ends by itself. django-axes keeps the count in the database every process
# shares. API tokens are not passwords and keep DRF's throttle.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("ASR_LOGIN_FAILURES", 10)
AXES_COOLOFF_TIME = timedelta(minutes=envint("ASR_LOGIN_COOLOFF_MIN", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each counted on its own
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy (ASR_HTTPS=1), the client address is the proxy's X-Forwarded-For.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if envbool("ASR_HTTPS", False) else ["REMOTE_ADDR"]

ROOT_URLCONF = "asrplatform.urls"
WSGI_APPLICATION = "asrplatform.wsgi.application"
ASGI_APPLICATION = "asrplatform.asgi.application"

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
                "asrplatform.navigation.current_section",
                "accounts.current.team_context",
            ],
        },
    },
]


def _database() -> dict:
    url = envstr("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=envint("ASR_DB_CONN_MAX_AGE", 0))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "asrplatform.sqlite3",
        "OPTIONS": {
            # WAL + IMMEDIATE transactions + a busy timeout: the web process and the django-q2
            # workers write concurrently, and the ORM broker otherwise meets
            # "database is locked" (django-q2 issue #144).
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")

# Recognition jobs take minutes on a CPU: `timeout` bounds one attempt, `retry` must be larger
# so a running task is never handed out twice, and max_attempts stops endless re-runs.
ASR_TASK_TIMEOUT = envint("ASR_TASK_TIMEOUT", 3 * 3600)
Q_CLUSTER = {
    "name": envstr("ASR_QUEUE_NAME", "asrplatform"),
    "workers": envint("ASR_WORKERS", 1),
    "recycle": 50,
    "timeout": ASR_TASK_TIMEOUT,
    "retry": ASR_TASK_TIMEOUT + 600,
    "max_attempts": 2,
    "catch_up": False,
    "save_limit": 1000,
    "ack_failures": True,
    "label": "Jobs",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 0.5

# The channel layer carries progress from worker processes to the daphne processes' WebSockets.
# Embedded default: channels-lite keeps the events in the SQLite database every process shares.
# Multi-machine: Redis. PostgreSQL without Redis has no cross-process layer (checks warn).
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_lite.layers.core.SQLiteChannelLayer",
            "CONFIG": {"database": "default", "expiry": 60, "polling_interval": 0.2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# One cache every process shares: API throttle counters, and the statistics django-q2 clusters
# report (the settings page shows them). Redis when there is one, else files in the data dir.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(DATA_DIR / "cache")}}

# The REST API (/api/) and the OpenAI-compatible one (/v1/).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "asrplatform API",
    "DESCRIPTION": "Speech recognition for teams. Authenticate with `Authorization: Token <key>`; "
                   "the OpenAI-compatible endpoints under /v1/ take `Authorization: Bearer <key>`.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from our static files: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.openai.schema.add_openai_paths",
    ],
}
# Synchronous recognitions (/v1/audio/transcriptions) in flight per web process; past it, 503.
ASR_API_CONCURRENCY = envint("ASR_API_CONCURRENCY", 2)
ASR_API_RETRY_AFTER = envint("ASR_API_RETRY_AFTER", 10)
ASR_API_TIMEOUT = envint("ASR_API_TIMEOUT", 600)  # seconds one synchronous recognition may take
ASR_API_RATE = envstr("ASR_API_RATE", "120/min")  # requests per token

# Live recognition over /ws/stream/: the longest session, and how many may run in one process.
ASR_LIVE_MAX_SECONDS = envint("ASR_LIVE_MAX_SECONDS", 2 * 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Times on the pages are shown in this zone, and it is named there (the footer of every page).
TIME_ZONE = envstr("ASR_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the page scripts read it for fetch() posts
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# ASR_HTTPS=1: the platform is reached over HTTPS, usually through a reverse proxy that sets
# X-Forwarded-Proto. Cookies then travel over HTTPS only, plain HTTP is redirected (except
# /healthz, for load balancers), and browsers are told to use HTTPS for a year (HSTS).
ASR_HTTPS = envbool("ASR_HTTPS", False)
if ASR_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = envint("ASR_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("ASR_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("ASR_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Content-Security-Policy: the pages load scripts, styles, media and sockets from this site only
# (no CDN, no inline script). The API docs pages (Swagger UI, Redoc) add inline styles and blob
# workers for themselves (api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The recognition engine.
ASR_MODEL = envstr("ASR_MODEL", "whisper-base")
ASR_DEVICE = envstr("ASR_DEVICE", "auto")
ASR_THREADS = envint("ASR_THREADS", 0)
ASR_GPU_WORKERS = envint("ASR_GPU_WORKERS", 0)  # 0: the engine's default (transcripts/engine/device.py)
ASR_MODEL_CACHE = Path(envstr("ASR_MODEL_CACHE", str(DATA_DIR / "models")))
# Directories of models users bring, separated by ":"; each subdirectory is a model named after
# it (manage.py installmodel copies one into the first).
ASR_MODEL_DIRS = [Path(p) for p in envstr("ASR_MODEL_DIRS", str(DATA_DIR / "local-models")).split(os.pathsep) if p]
ASR_MAX_UPLOAD_BYTES = envint("ASR_MAX_UPLOAD_MB", 500) * 1024 * 1024
# One request body (a batch posts several files at once); larger ones are refused unread.
ASR_MAX_REQUEST_BYTES = envint("ASR_MAX_REQUEST_MB", 1024) * 1024 * 1024
# All stored audio together; past it the oldest finished transcripts lose their audio (not text).
ASR_AUDIO_STORE_BYTES = envint("ASR_AUDIO_STORE_MB", 20 * 1024) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("ASR_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.channels.server": {"level": "WARNING"},
        "faster_whisper": {"level": "WARNING"},
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "recognize"
LOGOUT_REDIRECT_URL = "login"

"""Settings for the MLOps Maturity Assessment, all taken from the environment.

Development needs nothing set. Production (DEBUG off) refuses to start without
SECRET_KEY and ALLOWED_HOSTS. Every variable is listed in docs/deployment.md.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from maturity_site.env import (
    TASK_BACKENDS,
    cache_config,
    database_config,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_secret("DATA_DIR") or BASE_DIR / "data")

DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("TESTING", default=False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (or set SECRET_KEY_FILE to a file "
            "holding it). For local development, set DEBUG=true."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
elif not (DEBUG or TESTING) and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # The bar of Django's own deployment check (security.W009): a short or repetitive key
    # lets anyone who guesses it forge sessions, password-reset links and invitations.
    raise ImproperlyConfigured(
        "SECRET_KEY must be at least 50 characters long with at least 5 different "
        f"characters; the one given has {len(SECRET_KEY)}. Generate one with: python3 -c "
        "'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
if not (DEBUG or TESTING) and "ALLOWED_HOSTS" not in os.environ:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in emails sent by the worker, which has no request to take the address from:
# by default https:// and the first of ALLOWED_HOSTS (http://127.0.0.1:8000 in development).
SITE_URL = (
    env_secret("SITE_URL")
    or ("http://127.0.0.1:8000" if DEBUG or TESTING else f"https://{ALLOWED_HOSTS[0]}")
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://; got {SITE_URL!r}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "assessment",
]

# The header middleware come before anything that can answer early (the charset check),
# so that every response, error pages included, gets their headers.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "maturity_site.middleware.PrivateResponsesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which would read a body that Django cannot decode.
    "maturity_site.middleware.Utf8RequestsOnlyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes requires, so it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "assessment.backends.MembershipBackend",
]

ROOT_URLCONF = "maturity_site.urls"
WSGI_APPLICATION = "maturity_site.wsgi.application"

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
            ],
        },
    },
]

DATABASE_URL = env_secret("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
DATABASES = {"default": database_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling: five failures lock the account name and the address for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# How many reverse proxies stand in front of the app, each appending to X-Forwarded-For.
# Axes and the form throttle read the client address through the same function.
PROXY_COUNT = env_int("PROXY_COUNT", default=0, minimum=0)
AXES_CLIENT_IP_CALLABLE = "assessment.throttle.client_address"
AXES_VERBOSE = False

# Other forms that guess or spam (password reset, invitations, sign-up) are limited per
# address by assessment.throttle, which counts in the cache that every process shares.
CACHES = {
    "default": cache_config(
        env_secret("CACHE_URL") or ("locmem://" if TESTING else "db://maturity_cache")
    )
}
FORM_THROTTLE_LIMIT = env_int("FORM_THROTTLE_LIMIT", default=10, minimum=1)
FORM_THROTTLE_WINDOW_SECONDS = env_int("FORM_THROTTLE_WINDOW_SECONDS", default=900, minimum=1)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_secret("TIME_ZONE") or "Europe/London"
USE_I18N = True
USE_TZ = True
# 24-hour times everywhere Django formats one (maturity_site/formats/).
FORMAT_MODULE_PATH = ["maturity_site.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_secret("STATIC_ROOT") or BASE_DIR / "staticfiles")
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
# Files served at the site's root: /favicon.ico, which browsers ask for on their own.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"

EMAIL_BACKEND = env_secret("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_secret("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", default=25, minimum=1)
EMAIL_HOST_USER = env_secret("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = (
    env_secret("DEFAULT_FROM_EMAIL") or "MLOps Maturity Assessment <noreply@localhost>"
)

# PDF reports: a render that takes longer is stopped. Rendered reports are files in the
# default storage, which every process reads.
REPORT_RENDER_TIMEOUT = env_int("REPORT_RENDER_TIMEOUT", default=30, minimum=1)
# A render that failed is tried again by a download this many seconds later.
REPORT_RETRY_SECONDS = env_int("REPORT_RETRY_SECONDS", default=60, minimum=0)
# Render a report as soon as an assessment is submitted or reviewed, so the first
# download finds it ready. Off in tests unless a test turns it on.
REPORT_PREPARE = env_bool("REPORT_PREPARE", default=not TESTING)
# An organisation is reminded to assess again this many days after its last assessment was
# reviewed (`manage.py send_reminders`, run daily; docs/deployment.md).
REASSESSMENT_AFTER_DAYS = env_int("REASSESSMENT_AFTER_DAYS", default=182, minimum=1)

# Background work (report renders, every email) goes through django-tasks. "database"
# queues it for `manage.py db_worker`; "immediate" runs it at once in the process that
# asked, for tests and for deployments without a worker.
TASKS_BACKEND = env_choice(
    "TASKS_BACKEND", default="immediate" if TESTING else "database", choices=TASK_BACKENDS
)
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# Emails that fail to send are tried again, later each time, this many times in all.
EMAIL_ATTEMPTS = env_int("EMAIL_ATTEMPTS", default=5, minimum=1)

# Files (rendered reports) live in Django's storage: a folder under DATA_DIR by default,
# or an S3-compatible bucket when S3_BUCKET is set (credentials from the usual AWS_*
# variables, an endpoint for other providers from S3_ENDPOINT_URL).
S3_BUCKET = env_secret("S3_BUCKET")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": env_secret("S3_ENDPOINT_URL"),
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
            },
        }
        if S3_BUCKET
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": DATA_DIR / "files"},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security headers. HTTPS settings default on in production. Behind a proxy that
# terminates TLS, HTTPS stays on and PROXY_SSL_HEADER=true lets Django see that the visitor
# used HTTPS (docs/deployment.md); the health check answers over plain HTTP, because load
# balancers probe the app directly.
HTTPS = env_bool("HTTPS", default=not (DEBUG or TESTING))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the app never uses, refused to its pages and to anything they embed.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
}
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=60 * 60 * 12, minimum=60)
# Sessions are read from the shared cache and written through to the database, so any
# process serves any visitor and a cache restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_FAILURE_VIEW = "assessment.views.site.csrf_failure"

# No inline scripts or styles anywhere: every script and stylesheet is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# One line per event, with no answers or personal data in them: JSON in production, for
# log search; plain text in development, for a person reading the console.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "maturity_site.logs.JsonFormatter"},
        "text": {"()": "maturity_site.logs.TextFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "text" if DEBUG else "json"}
    },
    "root": {"handlers": ["console"], "level": "INFO" if not TESTING else "WARNING"},
    "loggers": {
        # Django's default logging gives these loggers handlers of their own, which print
        # each event a second time beside the root's line; naming them here removes those
        # handlers, and every event goes through the root handler once.
        "django": {"level": "INFO", "propagate": True},
        "django.server": {"level": "WARNING", "propagate": True},
        "axes": {"level": "WARNING"},
        # WeasyPrint's font subsetting logs a dozen lines per font of every report, and its
        # renderer a line per rendering step.
        "fontTools": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

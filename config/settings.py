"""sasaeai settings: one file, configured from the environment (house style 1).

Runs after a fresh checkout with no environment at all: SQLite in the working tree, DEBUG off
(a developer asks for DEBUG=1 explicitly: its error pages show settings and the environment).
Production sets SASAEAI_ENV=production, SECRET_KEY, ALLOWED_HOSTS and usually DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("SASAEAI_ENV", "development") == "production"
DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else "dev-only-not-secret-sasaeai")
if not SECRET_KEY:
    raise RuntimeError("本番環境では SECRET_KEY を設定してください (set SECRET_KEY in production)")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sasaeai.audit",
    "sasaeai.tenancy",
    "sasaeai.accounts",
    "sasaeai.notices",
    "sasaeai.plans",
    "sasaeai.indicators",
    "sasaeai.progress",
    "sasaeai.surveys",
    "sasaeai.exchange",
    "sasaeai.api",
    "sasaeai.public",
    "sasaeai.backup",
    "django_tasks_db",
    "ninja",
    "sasaeai.reports",
    "sasaeai.demo",
]

# Background work (the committee packet) goes through the database; `sasaeai db_worker` runs it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The read API: pages of 50 by default, never more than 200 rows at once.
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# The largest request body accepted (the largest upload, a plan file of 20 MB, with room to spare).
SASAEAI_MAX_REQUEST_BYTES = 25 * 1024 * 1024

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.DatabaseRetryMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sasaeai.accounts.middleware.SecondFactorMiddleware",
    "config.middleware.StaffSessionMiddleware",
    "sasaeai.audit.security.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
    # Innermost, so every other middleware still runs on a cached public page (ADR 0011).
    "sasaeai.public.cache.PublicPageCacheMiddleware",
]
# Public pages for readers not signed in: rendered once per change (see sasaeai/public/cache.py).
SASAEAI_PUBLIC_CACHE_SECONDS = envint("SASAEAI_PUBLIC_CACHE_SECONDS", 300)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sasaeai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "sasaeai.accounts.context_processors.access",
                "sasaeai.plans.editing.undo_offer",
            ],
        },
    }
]

# SQLite is the embedded default; PostgreSQL is selected by DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "sasaeai.sqlite3")),
            "OPTIONS": {
                # Writers wait for the lock instead of failing, and take it at BEGIN so that a
                # read-then-write transaction cannot be upgraded into a deadlock.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes checks every sign-in first (ADR 0010): five wrong passwords for one user name lock
# that name for 15 minutes, and five from one address lock that address (a success resets its
# count, so a city hall's staff sharing one address are not locked out by each other's typos).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "sasaeai.accounts.throttle.client_ip"
SASAEAI_PROXY_COUNT = envint("SASAEAI_PROXY_COUNT", 0)  # reverse proxies in front of us
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False  # sasaeai.security logs the failures, without the noise
# The second factor (django-otp): required of the 事務局, of the operator's staff, and of
# everyone who has set one up. Recovery codes are django-otp static tokens.
OTP_TOTP_ISSUER = "ささえあい"
SASAEAI_RECOVERY_CODES = 10
LOGIN_URL = "accounts:login"
# A password reset link works once, for a day (the mail says so).
PASSWORD_RESET_TIMEOUT = 24 * 3600
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
# The ja locale defines no input formats: 2025/04/01 and 2025年4月1日 must be accepted.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
# collectstatic fills STATIC_ROOT in production; in development the finders serve the files.
STATIC_ROOT = BASE_DIR / "staticfiles" if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "sasaeai" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security: strict everywhere, HTTPS-only settings in production.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Idle limit: two hours without a request ends the session (renewed on every request); absolute
# limit: twelve hours after signing in, whatever the activity.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SASAEAI_SESSION_ABSOLUTE = envint("SASAEAI_SESSION_ABSOLUTE", 12 * 60 * 60)
LOGIN_URL_PATH = "/accounts/login/"
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION

# Reminders go to the console in development and the demo; production sends through SMTP.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", 587),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", True),
        }
        if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
        else {},
    }
}
# Links in e-mails point here.
SASAEAI_BASE_URL = os.environ.get("SASAEAI_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "sasaeai@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Refused requests and failed sign-ins (sasaeai/audit/security.py).
    "loggers": {"sasaeai.security": {"level": "INFO"}},
}

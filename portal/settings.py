"""Settings for the one-stop portal.

Every environment-dependent value is read from the environment (or a local `.env`
written by `make run`); there are no per-environment settings files. Production
(DJANGO_DEBUG unset or false) refuses to start without a real secret key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()  # generic admin/queryset classes at runtime

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # dev convenience; the real environment wins

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or (not DEBUG and len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set (at least 50 random characters in production)."
    )

ALLOWED_HOSTS: list[str] = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "portal",
    "accounts",
    "procedures",
    "worktime",
    "dossiers",
    "notifications",
    "feedback",
    "dashboard",
    "privacy",
]

MIDDLEWARE = [
    "portal.observability.RequestIdMiddleware",
    "portal.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.security.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)
# A streaming replica for dashboard and public statistics reads (portal.db_router):
# only reads wrapped in use_replica() go there, and only while it answers and lags
# less than DATABASE_REPLICA_MAX_LAG_SECONDS; everything else uses the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {})
    DATABASES["replica"]["OPTIONS"].setdefault(
        "connect_timeout", env.int("DATABASE_REPLICA_CONNECT_TIMEOUT", default=2)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_REPLICA_MAX_LAG_SECONDS = env.float(
    "DATABASE_REPLICA_MAX_LAG_SECONDS", default=30.0
)
DATABASE_REPLICA_CHECK_SECONDS = env.float(
    "DATABASE_REPLICA_CHECK_SECONDS", default=5.0
)
DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.EmailOrPhoneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff (anyone with a Membership or admin access) need longer passwords.
    {
        "NAME": "accounts.validators.StaffPasswordLengthValidator",
        "OPTIONS": {"min_length": env.int("STAFF_PASSWORD_MIN_LENGTH", default=12)},
    },
]

# --- Staff second factor (issue 10) -------------------------------------------------
# Staff must log in with TOTP (or a recovery code) before any page or API call other
# than the exempt ones below; staff API tokens are refused (accounts.api_auth).
# Only tests and a local demo turn it off.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
STAFF_MFA_EXEMPT_PATHS: tuple[str, ...] = (
    "/accounts/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/readyz",
    "/metrics",
    "/sms/callback/",
)

# --- django-allauth: citizens sign up and log in with email or phone ---------------
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1*", "password2*"]
ACCOUNT_PHONE_VERIFICATION_ENABLED = env.bool(
    "ACCOUNT_PHONE_VERIFICATION_ENABLED", default=False
)
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_FORMS = {
    "signup": "accounts.forms.CitizenSignupForm",
    "change_phone": "accounts.forms.PortalChangePhoneForm",
}
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Login lockout with a cool-off (sliding windows, kept in Redis): at most 5 failed
# passwords per account in 15 minutes and 30 per client IP in 15 minutes, counted
# together for the login page and the API token endpoint; while either limit is
# reached even the right password is refused ("Đăng nhập sai quá nhiều lần"), and
# the account opens again once the oldest failure is 15 minutes old. The IP limit
# is generous because a one-stop centre's counters share one public address.
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="30/15m/ip,5/15m/key")
}
# Behind the reverse proxy, the client address is the last X-Forwarded-For hop.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_SESSION_REMEMBER = None
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Cổng Dịch vụ công")
# A code typed as the 30-second window turns over, or read off a phone whose clock
# is a few seconds out, is still accepted (RFC 6238 §5.2 recommends one step back);
# allauth's replay protection covers the widened window.
MFA_TOTP_TOLERANCE = env.int("MFA_TOTP_TOLERANCE", default=1)

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)

# --- i18n: Vietnamese first, English second ----------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# locale/: our messages; locale_vendor/: Vietnamese for third-party apps (allauth
# ships none), kept by hand because makemessages does not scan site-packages.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
LANGUAGE_COOKIE_NAME = "portal_language"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

# --- static and media ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploaded dossier documents are never served from a public URL; downloads go
# through permission-checked views. MEDIA_URL exists only for Django's checks.
MEDIA_URL = "/media-not-served/"
# Dossier documents: the private folder under MEDIA_ROOT, or an S3-compatible bucket
# (ATTACHMENT_STORAGE=s3). Either way no URL is ever handed out: downloads stream
# through permission-checked views (dossiers.documents.private_storage).
ATTACHMENT_STORAGE = env.str("ATTACHMENT_STORAGE", default="local")
if ATTACHMENT_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured("ATTACHMENT_STORAGE must be 'local' or 's3'.")
_PRIVATE_STORAGE: dict[str, Any] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    # The location is MEDIA_ROOT/private/dossiers (dossiers.documents.private_storage).
    "OPTIONS": {
        "base_url": None,
        "file_permissions_mode": 0o640,
        "directory_permissions_mode": 0o750,
    },
}
if ATTACHMENT_STORAGE == "s3":
    _PRIVATE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default="dossiers"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            "signature_version": "s3v4",
        },
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": _PRIVATE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2621440)
FILE_UPLOAD_PERMISSIONS = 0o640
# Images whose declared width x height exceed this are refused (decompression bombs);
# PDF Flate streams may inflate to at most UPLOAD_MAX_INFLATED_BYTES in total.
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=80_000_000)
UPLOAD_MAX_INFLATED_BYTES = env.int(
    "UPLOAD_MAX_INFLATED_BYTES", default=200 * 1024 * 1024
)
# Optional ClamAV scan of uploads (clamd INSTREAM): a Unix socket, or host and port;
# empty = off. When set, a scanner that is down or slow makes uploads fail closed.
CLAMAV_SOCKET = env.str("CLAMAV_SOCKET", default="")
CLAMAV_HOST = env.str("CLAMAV_HOST", default="")
CLAMAV_PORT = env.int("CLAMAV_PORT", default=3310)
CLAMAV_TIMEOUT = env.float("CLAMAV_TIMEOUT", default=30.0)
# Personal data of finished dossiers is anonymised this many years after they finished
# (Procedure.retention_years overrides it per procedure); see purge_expired_data.
DATA_RETENTION_YEARS = env.int("DATA_RETENTION_YEARS", default=5)

# --- security -------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
# Content Security Policy (django-csp): no inline script or style anywhere; pages
# load their JavaScript and CSS from our own static files. data: images carry the
# TOTP QR code. The Swagger UI is served by SpectacularSwaggerSplitView, whose
# init script is a separate file, so it runs under the same policy.
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Celery ----------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_DEFAULT_QUEUE", default="default")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task that is not acknowledged within this window is redelivered; it must be
# longer than the longest task (SMS sends take seconds).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "dossiers-mark-deadlines": {
        "task": "dossiers.mark_dossier_deadlines",
        "schedule": env.int("DOSSIER_DEADLINE_SWEEP_SECONDS", default=300),
    },
}
DOSSIER_NEARING_HOURS = env.int("DOSSIER_NEARING_HOURS", default=8)

# --- SMS notices (notifications app) -------------------------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.gateways.ConsoleGateway")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_API_KEY = env.str("SMS_HTTP_API_KEY", default="")
SMS_HTTP_SENDER = env.str("SMS_HTTP_SENDER", default="DICHVUCONG")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)
# Empty: every delivery receipt is refused.
SMS_CALLBACK_SECRET = env.str("SMS_CALLBACK_SECRET", default="")
SMS_CALLBACK_MAX_AGE_SECONDS = env.int("SMS_CALLBACK_MAX_AGE_SECONDS", default=300)
SMS_RETRY_WINDOW_SECONDS = env.int("SMS_RETRY_WINDOW_SECONDS", default=6 * 3600)
SMS_RETRY_BACKOFF_BASE_SECONDS = env.float(
    "SMS_RETRY_BACKOFF_BASE_SECONDS", default=5.0
)
SMS_RETRY_BACKOFF_MAX_SECONDS = env.float(
    "SMS_RETRY_BACKOFF_MAX_SECONDS", default=600.0
)
SMS_CLAIM_LEASE_SECONDS = env.int("SMS_CLAIM_LEASE_SECONDS", default=120)
SMS_SWEEP_GRACE_SECONDS = env.int("SMS_SWEEP_GRACE_SECONDS", default=120)
SMS_SWEEP_INTERVAL_SECONDS = env.int("SMS_SWEEP_INTERVAL_SECONDS", default=60)
SMS_SWEEP_BATCH_SIZE = env.int("SMS_SWEEP_BATCH_SIZE", default=2000)
SMS_RATE_LIMIT_PER_MINUTE = env.int("SMS_RATE_LIMIT_PER_MINUTE", default=5)
SMS_QUEUE = env.str("SMS_QUEUE", default="sms")
CELERY_TASK_ROUTES = {"notifications.*": {"queue": SMS_QUEUE}}
CELERY_BEAT_SCHEDULE["sms-outbox-sweep"] = {
    "task": "notifications.sweep_sms_outbox",
    "schedule": float(SMS_SWEEP_INTERVAL_SECONDS),
}

# --- dashboards (dashboard app) -------------------------------------------------------
DASHBOARD_RECOUNT_DAYS = env.int("DASHBOARD_RECOUNT_DAYS", default=3)
CELERY_BEAT_SCHEDULE["dashboard-nightly-rollups"] = {
    "task": "dashboard.nightly_rollups",
    "schedule": crontab(hour=0, minute=20),
}

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Proxies in front of the app (nginx = 1). Throttles key on the client address;
    # with 0, X-Forwarded-For is ignored so a client cannot choose its own key.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # DRF's TokenAuthentication, refusing staff tokens (accounts.api_auth).
        "accounts.api_auth.PortalTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_RATES": {
        "anon": "120/min",
        "user": "600/min",
        # The public lookup: per client address, and per dossier code from all
        # addresses together (dossiers.api.LookupCodeThrottle).
        "lookup": env.str("LOOKUP_THROTTLE_RATE", default="20/min"),
        "lookup_code": env.str("LOOKUP_CODE_THROTTLE_RATE", default="10/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "One-stop portal API",
    "DESCRIPTION": "Catalogue, dossiers, lookups, ratings and statistics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served by the app itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DossierStateEnum": "dossiers.models.DossierState",
        "DossierChannelEnum": "dossiers.models.Dossier.Channel",
        "ReturnChannelEnum": "dossiers.models.Dossier.ReturnChannel",
        "TimelinessEnum": "dossiers.deadlines.Timeliness",
        "DeadlineStatusEnum": "dossiers.deadlines.Progress",
        "RatingValueEnum": "feedback.models.RatingValue",
    },
}

# --- Portal ------------------------------------------------------------------------------
PORTAL_PROVINCE_NAME = env.str("PORTAL_PROVINCE_NAME", default="Tỉnh Quảng Ninh")
PORTAL_CENTRE_NAME = env.str(
    "PORTAL_CENTRE_NAME", default="Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh"
)
PORTAL_HOTLINE = env.str("PORTAL_HOTLINE", default="0203 1022")
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://localhost:8000")
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=2.0)

# --- Working time (worktime app): office hours, weekend (0 = Monday), 8 h = 1 day ----
WORKTIME_OFFICE_HOURS = env.str(
    "WORKTIME_OFFICE_HOURS", default="07:00-11:30,13:30-17:00"
)
WORKTIME_WEEKEND_DAYS: list[int] = env.list(
    "WORKTIME_WEEKEND_DAYS", cast=int, default=[5, 6]
)
WORKTIME_HOURS_PER_DAY = env.int("WORKTIME_HOURS_PER_DAY", default=8)

# --- Observability ------------------------------------------------------------------
# Logs: one JSON object per line (LOG_FORMAT=json, the default) or plain text for a
# developer's terminal; every line carries the request id and never a full phone or
# personal ID number (portal.observability.ContextFilter masks them).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "portal.observability.ContextFilter"}},
    "formatters": {
        "json": {"()": "portal.observability.JsonFormatter"},
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "celery": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- feedback: ratings and phản ánh, kiến nghị (deadlines in working days) ---
FEEDBACK_RATING_LINK_DAYS = env.int("FEEDBACK_RATING_LINK_DAYS", default=30)
FEEDBACK_KIOSK_MINUTES = env.int("FEEDBACK_KIOSK_MINUTES", default=15)
FEEDBACK_KIOSK_MAX_ATTEMPTS = env.int("FEEDBACK_KIOSK_MAX_ATTEMPTS", default=3)
FEEDBACK_FOLLOWUP_DAYS = env.int("FEEDBACK_FOLLOWUP_DAYS", default=5)
FEEDBACK_REFUSAL_DAYS = env.int("FEEDBACK_REFUSAL_DAYS", default=2)
FEEDBACK_SUPPLEMENT_DAYS = env.int("FEEDBACK_SUPPLEMENT_DAYS", default=5)
FEEDBACK_HANDLING_DAYS = env.int("FEEDBACK_HANDLING_DAYS", default=15)
FEEDBACK_PUBLICATION_DAYS = env.int("FEEDBACK_PUBLICATION_DAYS", default=2)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset = no endpoint.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_CELERY_QUEUES: list[str] = env.list(
    "METRICS_CELERY_QUEUES", default=["default", "sms"]
)

"""Test settings: speed knobs and test backends only; everything else as production."""

from .settings import *  # noqa: F403
from .settings import STORAGES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Unit tests read the in-process outbox; integration workers choose the HTTP gateway.
SMS_BACKEND = env.str(
    "SMS_TEST_BACKEND", default="notifications.gateways.LocmemGateway"
)

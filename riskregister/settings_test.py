"""Settings for the test suite: the real settings, with test-only secrets and
plain-HTTP cookies so the live server can be driven by a browser."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from riskregister.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests render pages without running collectstatic first: plain static names.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The live server serves static files itself; WhiteNoise (for gunicorn) is
# tested in tests/test_serve.py against collected files.
MIDDLEWARE = [name for name in MIDDLEWARE if name != "whitenoise.middleware.WhiteNoiseMiddleware"]

# Each request reads the settings it uses, so a page's query count does not depend on
# which test ran before; tests/test_settings_reuse.py turns reuse on.
ORGANISATION_SETTINGS_REUSE = False
